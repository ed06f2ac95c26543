// Some result chunks of a run ($seqs), as one record holding a list with
// one list per chunk, in $seqs order: seq, ids, verdicts, flags; the
// encoded results ($data) and the published values ($published:
// [indeterminate, share_min, share_max]) only when asked for, so that a
// verdict stream does not read the evidence.
UNWIND range(0, size($seqs) - 1) AS k
MATCH (c:ResultChunk {run_id: $run_id, seq: $seqs[k]})
WITH k, c ORDER BY k
RETURN collect([c.seq, c.ids, c.verdicts, c.flagged,
                CASE WHEN $data THEN c.data END,
                CASE WHEN $published THEN [c.indeterminate, c.share_min, c.share_max] END]) AS chunks
