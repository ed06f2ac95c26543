// Package faultpoint marks the places where the fault tests
// (internal/faults, build tag faults) interrupt a ubo process: after a
// batch of an ingest, of resolution or of scoring results is committed,
// and inside the publish of a run's results. In a normal build Hit does
// nothing and costs nothing; built with -tags faults, a process whose
// UBO_FAULTPOINT names a point stops itself (SIGSTOP; Linux only) when it reaches that
// point, so that the test can kill -9 it there, or kill and restart Neo4j
// under it and let it continue (SIGCONT).
package faultpoint

// Env names the variable read by a faults build: "POINT" or "POINT:N" (the
// Nth time the process reaches POINT; default the first).
const Env = "UBO_FAULTPOINT"

// The points, in the order a nightly job reaches them.
const (
	// IngestBatch: an ingest batch (entities or relationships) is committed.
	IngestBatch = "ingest.batch"
	// ResolveBatch: a batch of identifier-resolution merges is committed.
	ResolveBatch = "resolve.batch"
	// ResultsBatch: a batch of a scoring run's results is committed.
	ResultsBatch = "score.results"
	// PublishBatch: Neo4j committed a batch of the published verdicts
	// (entity properties and :Flagged), the run is not yet complete.
	PublishBatch = "publish.batch"
	// PublishCommit: the embedded store's FinishRun transaction (run
	// record, pruning) is written but not committed.
	PublishCommit = "publish.commit"
)
