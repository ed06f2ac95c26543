// The newest chunk of one run holding an entity's result: the chunks'
// first/last ids narrow the search to the chunk whose range covers the id.
MATCH (c:ResultChunk {run_id: $run_id})
WHERE c.first <= $entity_id AND $entity_id <= c.last AND $entity_id IN c.ids
WITH c ORDER BY c.seq DESC LIMIT 1
RETURN [c.seq, c.ids, c.verdicts, c.flagged, c.data, null] AS chunk
