package neo4jtest

// DeleteAllBatched exposes the batch size to tests, so that batching is exercised on a few
// hundred rows rather than tens of thousands.
var DeleteAllBatched = deleteAll
