// Some result chunks, by run and sequence number ($run_ids[k], $seqs[k]), as one record holding a list with
// one list per chunk, in $seqs order: seq, ids, verdicts, flags; the
// encoded results ($data: the records list, or the data byte array of a
// chunk written before records existed) and the published values ($published:
// [indeterminate, share_min, share_max]) only when asked for, so that a
// verdict stream does not read the evidence. With $data the flags are left
// out (null) and read by load_result_chunk_flags.cypher: reading a boolean
// or float list property and the data byte array of a node in one query
// cost the server three times as much as the two reads in two queries
// (measured on Neo4j 5.26: 3.7 s against 1.1 + 0.2 s of server CPU for
// 10^6 results).
UNWIND range(0, size($seqs) - 1) AS k
MATCH (c:ResultChunk {run_id: $run_ids[k], seq: $seqs[k]})
WITH k, c ORDER BY k
RETURN collect([c.seq, c.ids, c.verdicts,
                CASE WHEN $data THEN null ELSE c.flagged END,
                CASE WHEN $data THEN coalesce(c.records, c.data) END,
                CASE WHEN $published THEN [c.indeterminate, c.share_min, c.share_max] END]) AS chunks
