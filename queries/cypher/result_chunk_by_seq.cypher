// One result chunk with its encoded results (records, or data for a chunk
// written before records existed), by its key (result_chunk_key).
MATCH (c:ResultChunk {run_id: $run_id, seq: $seq})
RETURN [c.seq, c.ids, c.verdicts, c.flagged, coalesce(c.records, c.data), null] AS chunk
