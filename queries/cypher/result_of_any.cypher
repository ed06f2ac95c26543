// result_of.cypher without the first/last narrowing: Go orders a chunk's
// ids by bytes (UTF-8), Cypher compares strings by UTF-16 code units, and
// the two disagree for ids mixing characters above U+FFFF with
// U+E000–U+FFFF, so a lookup the narrowed query misses is retried here
// (every chunk of the run; only for ids it did not find).
MATCH (c:ResultChunk)
WHERE c.run_id IN $run_ids
WITH c, [i IN range(0, size(c.ids) - 1) WHERE c.ids[i] = $entity_id][0] AS i
WHERE i IS NOT NULL
WITH c, i ORDER BY c.seq DESC LIMIT 1
RETURN c.run_id AS run_id, c.seq AS seq, c.verdicts[i] AS verdict, c.flagged[i] AS flagged,
       c.records[i] AS record
