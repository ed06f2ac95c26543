// The flags of some result chunks ($run_ids[k], $seqs[k]), as one record holding
// one list per chunk, in $seqs order (see load_result_chunks.cypher for why
// they are read on their own).
UNWIND range(0, size($seqs) - 1) AS k
MATCH (c:ResultChunk {run_id: $run_ids[k], seq: $seqs[k]})
WITH k, c ORDER BY k
RETURN collect(c.flagged) AS flags
