package org.uboproject.neo4jlauncher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.server.configuration.ServerSettings;

/**
 * Runs Neo4j 5.26 Community embedded with the Bolt connector and, optionally, the HTTP connector
 * (the HTTP API, and Neo4j Browser at /browser/ when its jar is on the classpath), for local
 * development and CI.
 *
 * <p>Settings come from system properties so scripts/neo4j-local can pass them on the command
 * line: ubo.neo4j.home (data and logs, required), ubo.neo4j.host (127.0.0.1), ubo.neo4j.port
 * (Bolt, 7687), ubo.neo4j.http.port (HTTP; absent or 0: no HTTP connector), ubo.neo4j.pagecache
 * (page cache in MiB, 1024).
 *
 * <p>Once the database is available the launcher writes the addresses its connectors actually
 * listen on to {@code <home>/ports}, one {@code name=host:port} line each (bolt, and http when
 * enabled), so scripts/neo4j-local reports the running server's ports, not the requested ones.
 *
 * <p>Authentication is disabled: the server listens on loopback only and is a throwaway
 * developer instance. With auth disabled Neo4j accepts any credentials, so clients configured
 * with NEO4J_USERNAME/NEO4J_PASSWORD still connect.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        String home = System.getProperty("ubo.neo4j.home");
        if (home == null || home.isBlank()) {
            System.err.println("neo4j-launcher: set -Dubo.neo4j.home=<dir> (data and logs go there)");
            System.exit(2);
        }
        String host = System.getProperty("ubo.neo4j.host", "127.0.0.1");
        int port = Integer.parseInt(System.getProperty("ubo.neo4j.port", "7687"));
        int httpPort = Integer.parseInt(System.getProperty("ubo.neo4j.http.port", "0"));
        long pageCacheMiB = Long.parseLong(System.getProperty("ubo.neo4j.pagecache", "1024"));

        long started = System.nanoTime();
        SocketAddress bolt = new SocketAddress(host, port);
        SocketAddress http = new SocketAddress(host, httpPort > 0 ? httpPort : HttpConnector.DEFAULT_PORT);
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(Path.of(home).toAbsolutePath())
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, bolt)
                .setConfig(BoltConnector.advertised_address, bolt)
                // The HTTP connector serves the HTTP API and Neo4j Browser, whose discovery
                // document points the Browser at the Bolt address above.
                .setConfig(HttpConnector.enabled, httpPort > 0)
                .setConfig(HttpConnector.listen_address, http)
                .setConfig(HttpConnector.advertised_address, http)
                .setConfig(HttpsConnector.enabled, false)
                // A throwaway local server: Browser sends no usage data anywhere.
                .setConfig(ServerSettings.allow_telemetry, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMiB))
                // Preallocating 256 MiB transaction logs costs start time and disk for no gain here.
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "100M size")
                // Bolt otherwise waits 5 s for its thread pool and 5 s for idle connections at
                // shutdown, most of what `stop` takes. Internal settings, pinned with the version.
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("neo4j-launcher: shutting down");
            try {
                dbms.shutdown();
            } finally {
                System.out.println("neo4j-launcher: stopped");
                stopped.countDown();
            }
        }, "neo4j-launcher-shutdown"));

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!db.isAvailable(Duration.ofMinutes(2).toMillis())) {
            System.err.println("neo4j-launcher: database 'neo4j' did not become available within 2 minutes");
            System.exit(1);
        }
        ConnectorPortRegister ports = ((GraphDatabaseAPI) db).getDependencyResolver()
                .resolveDependency(ConnectorPortRegister.class);
        HostnamePort boltAt = ports.getLocalAddress(ConnectorType.BOLT);
        HostnamePort httpAt = httpPort > 0 ? ports.getLocalAddress(ConnectorType.HTTP) : null;
        StringBuilder portsText = new StringBuilder();
        portsText.append("bolt=").append(boltAt == null ? host + ":" + port : boltAt).append('\n');
        if (httpAt != null) {
            portsText.append("http=").append(httpAt).append('\n');
        }
        try {
            Path file = Path.of(home, "ports");
            Path tmp = Path.of(home, "ports.tmp");
            Files.writeString(tmp, portsText, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            System.err.println("neo4j-launcher: cannot write " + home + "/ports: " + e);
        }
        System.out.printf("neo4j-launcher: Neo4j %s ready on bolt://%s%s (home %s) in %d ms%n",
                neo4jVersion(), boltAt == null ? host + ":" + port : boltAt,
                httpAt == null ? "" : ", http://" + httpAt + "/browser/",
                home, Duration.ofNanos(System.nanoTime() - started).toMillis());
        System.out.flush();
        stopped.await();
    }

    private static String neo4jVersion() {
        Package p = DatabaseManagementService.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "5.26" : v;
    }
}
