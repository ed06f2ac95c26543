// Delete up to $limit result chunks of one run.
MATCH (c:ResultChunk {run_id: $run_id})
WITH c LIMIT $limit
DELETE c
RETURN count(*) AS n
