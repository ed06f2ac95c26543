package org.uboproject.neo4jlauncher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

/**
 * Runs Neo4j 5.26 Community embedded with the Bolt connector, for local development and CI.
 *
 * <p>Settings come from system properties so scripts/neo4j-local can pass them on the command
 * line: ubo.neo4j.home (data and logs, required), ubo.neo4j.host (127.0.0.1), ubo.neo4j.port
 * (7687), ubo.neo4j.pagecache (page cache in MiB, 1024).
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
        long pageCacheMiB = Long.parseLong(System.getProperty("ubo.neo4j.pagecache", "1024"));

        long started = System.nanoTime();
        SocketAddress bolt = new SocketAddress(host, port);
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(Path.of(home).toAbsolutePath())
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, bolt)
                .setConfig(BoltConnector.advertised_address, bolt)
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
        System.out.printf("neo4j-launcher: Neo4j %s ready on bolt://%s:%d (home %s) in %d ms%n",
                neo4jVersion(), host, port, home, Duration.ofNanos(System.nanoTime() - started).toMillis());
        System.out.flush();
        stopped.await();
    }

    private static String neo4jVersion() {
        Package p = DatabaseManagementService.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "5.26" : v;
    }
}
