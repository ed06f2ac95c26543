// One entity's result in a run, from the newest chunk holding it of the
// run's and its bases' ($run_ids): its seq,
// verdict, flagged and its encoded result only (one element of records;
// null for a chunk written before records existed, which Go then reads
// whole by seq). The chunks' first/last ids narrow the search to the
// chunks whose range covers the id.
MATCH (c:ResultChunk)
WHERE c.run_id IN $run_ids AND c.first <= $entity_id AND $entity_id <= c.last
WITH c, [i IN range(0, size(c.ids) - 1) WHERE c.ids[i] = $entity_id][0] AS i
WHERE i IS NOT NULL
WITH c, i ORDER BY c.seq DESC LIMIT 1
RETURN c.run_id AS run_id, c.seq AS seq, c.verdicts[i] AS verdict, c.flagged[i] AS flagged,
       c.records[i] AS record
