//go:build !docker

package neo4jtest

import "testing"

// containerConfig without the docker build tag never starts a container, so machines without
// Docker (and without the testcontainers dependency tree in the binary) run everything else.
func containerConfig(testing.TB) (Config, string) {
	return Config{}, "this test binary was built without -tags docker (testcontainers disabled)"
}
