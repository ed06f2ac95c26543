// The newest chunk of one run holding an entity's result: the chunks'
// first/last ids narrow the search to the chunk whose range covers the id.
MATCH (c:ResultChunk {run_id: $run_id})
WHERE c.first <= $entity_id AND $entity_id <= c.last AND $entity_id IN c.ids
RETURN c.seq AS seq, c.ids AS ids, c.verdicts AS verdicts, c.flagged AS flagged, c.data AS data
ORDER BY seq DESC
LIMIT 1
