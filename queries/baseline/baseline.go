// Package baseline holds the Cypher that ubo bench runs to compare the
// scoring engine with what users run in Neo4j today: enumerating every
// ownership path from every Chinese root with a variable-length match.
// It is benchmark-only — scoring never runs it (ubo never runs an unbounded
// [:OWNS*] traversal: its cost grows with every path, not every edge) — and lives under queries/ because all of
// ubo's Cypher does. Every query is parameterised.
package baseline

import _ "embed"

// Owns enumerates every current ownership path from the roots $roots
// (entity ids) as of $as_of (YYYY-MM-DD), multiplies the shares along
// each path and returns reached (entities), paths and total.
//
//go:embed owns.cypher
var Owns string

// Count returns the entities and ownership edges whose entity ids start
// with $prefix: the bench checks that its registry is complete before the
// path query, since the database may be shared.
//
//go:embed count.cypher
var Count string

// Cleanup detaches and deletes every entity whose id starts with $prefix,
// in batches (run it in an auto-commit transaction).
//
//go:embed cleanup.cypher
var Cleanup string

// LoadEntities is the Cypher LOAD CSV baseline for ingest: it reads the
// generic entities CSV from $url in transactions of 10000 rows, merging on
// id (run it in an auto-commit transaction).
//
//go:embed load_entities.cypher
var LoadEntities string

// LoadRelationships is the LOAD CSV baseline for relationships.csv.
//
//go:embed load_relationships.cypher
var LoadRelationships string
