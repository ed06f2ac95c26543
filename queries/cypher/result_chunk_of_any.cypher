// result_chunk_of.cypher without the first/last narrowing: Go orders a
// chunk's ids by bytes (UTF-8), Cypher compares strings by UTF-16 code
// units, and the two disagree for ids mixing characters above U+FFFF with
// U+E000–U+FFFF, so a lookup the narrowed query misses is retried here
// (every chunk of the run; only for ids it did not find).
MATCH (c:ResultChunk {run_id: $run_id})
WHERE $entity_id IN c.ids
WITH c ORDER BY c.seq DESC LIMIT 1
RETURN [c.seq, c.ids, c.verdicts, c.flagged, c.data, null] AS chunk
