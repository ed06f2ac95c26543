// What screening reads of one result chunk, by its key (result_chunk_key):
// the parallel lists of ids, verdicts, flags, shares and explanations,
// without the encoded records (evidence) that make up most of a chunk.
MATCH (c:ResultChunk {run_id: $run_id, seq: $seq})
RETURN c.ids AS ids, c.verdicts AS verdicts, c.flagged AS flagged,
       c.indeterminate AS indeterminate, c.share_min AS share_min, c.share_max AS share_max,
       c.explanations AS explanations
