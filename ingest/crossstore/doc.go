// Package crossstore holds only tests: every source format's fixtures are
// ingested through the real parsers, the ingest.Writer and ingest/resolve
// into the embedded store and into Neo4j, and the two stores must end up
// holding the same data (byte for byte), unchanged by a second ingest, with
// the same verdicts once everything is scored together.
//
// The Neo4j half uses internal/neo4jtest: it skips without a server, and
// fails with CI=true. Run it with `go test -p 1` and NEO4J_URI set.
package crossstore
