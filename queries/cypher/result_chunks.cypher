// The directory of one run's result chunks: sequence number and the first
// and last entity id of each (Go orders and merges them).
MATCH (c:ResultChunk {run_id: $run_id})
RETURN c.seq AS seq, c.first AS first, c.last AS last
