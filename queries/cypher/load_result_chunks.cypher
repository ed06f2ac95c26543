// The contents of the given result chunks of one run: ids, verdicts and
// flags always; the encoded results ($data) and the published values
// ($published: indeterminate, shares) only when asked for, so that a
// verdict stream does not read the evidence.
UNWIND $seqs AS seq
MATCH (c:ResultChunk {run_id: $run_id, seq: seq})
RETURN c.seq AS seq, c.ids AS ids, c.verdicts AS verdicts, c.flagged AS flagged,
       CASE WHEN $data THEN c.data END AS data,
       CASE WHEN $published THEN [c.indeterminate, c.share_min, c.share_max] END AS published
