//go:build docker

package neo4jtest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"
	tcneo4j "github.com/testcontainers/testcontainers-go/modules/neo4j"
)

// ContainerImage is the image testcontainers runs; the same pin as docker-compose.yml.
const ContainerImage = "neo4j:5.26.30-community"

// One container per test binary: starting Neo4j takes tens of seconds. Testcontainers'
// reaper (Ryuk) removes it when the test process exits.
var (
	containerOnce   sync.Once
	containerURI    string
	containerReason string
)

// containerConfig starts (once) a Neo4j container when a Docker engine answers.
func containerConfig(t testing.TB) (Config, string) {
	t.Helper()
	containerOnce.Do(func() {
		containerURI, containerReason = startContainer()
	})
	if containerURI == "" {
		return Config{}, containerReason
	}
	return Config{URI: containerURI, Username: "neo4j", Database: DefaultDatabase}, ""
}

func startContainer() (uri, reason string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	provider, err := testcontainers.NewDockerProvider()
	if err != nil {
		return "", fmt.Sprintf("no Docker engine (%v)", err)
	}
	defer provider.Close()
	if err := provider.Health(ctx); err != nil {
		return "", fmt.Sprintf("no Docker engine answers (%v)", err)
	}
	ctr, err := tcneo4j.Run(ctx, ContainerImage,
		tcneo4j.WithoutAuthentication(),
		tcneo4j.WithNeo4jSetting("server.memory.pagecache.size", "512M"),
		tcneo4j.WithNeo4jSetting("db.tx_log.preallocate", "false"),
	)
	if err != nil {
		if ctr != nil {
			_ = testcontainers.TerminateContainer(ctr)
		}
		return "", fmt.Sprintf("starting %s failed: %v", ContainerImage, err)
	}
	// bolt:// rather than the module's neo4j:// so the driver does not route through the
	// container's advertised address, which is not reachable from the host.
	endpoint, err := ctr.PortEndpoint(ctx, "7687/tcp", "bolt")
	if err != nil {
		_ = testcontainers.TerminateContainer(ctr)
		return "", fmt.Sprintf("bolt endpoint of %s: %v", ContainerImage, err)
	}
	return endpoint, ""
}
