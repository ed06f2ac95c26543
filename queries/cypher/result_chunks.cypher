// The directory of the result chunks of some runs ($run_ids: a run and the
// bases its results are stored against): run, sequence number and the
// first and last entity id of each (Go orders and merges them).
MATCH (c:ResultChunk)
WHERE c.run_id IN $run_ids
RETURN c.run_id AS run_id, c.seq AS seq, c.first AS first, c.last AS last
