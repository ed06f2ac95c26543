// Package faults holds the crash tests of issue 18 (build tag faults; run
// them with scripts/faults). They build ubo with -tags faults, whose
// internal/faultpoint hooks stop the process at a named point (after an
// ingest, resolution or results batch is committed, inside the publish of
// a run), and there kill -9 it, or kill -9 and restart the Neo4j server
// under it, on both stores. After a rerun the graph and the exported
// results must equal those of an undisturbed run, nothing is duplicated,
// an interrupted run is never the latest complete run, and the previous
// run's results stay readable throughout.
//
// The Neo4j tests kill the server they are given: NEO4J_LOCAL_HOME and
// NEO4J_LOCAL_PORT must name a server of scripts/neo4j-local that nothing
// else uses (scripts/faults starts one of its own).
package faults
