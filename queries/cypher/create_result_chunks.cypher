// Store result chunks of one run (see results.go): one node per chunk of up
// to a few thousand results, the per-result values as parallel lists. One
// node per result cost the server about 20 CPU-seconds per million results
// (a node, seven properties and a composite index entry each); a chunk is
// one node and a few large properties.
UNWIND $chunks AS chunk
CREATE (c:ResultChunk)
SET c = chunk, c.run_id = $run_id
