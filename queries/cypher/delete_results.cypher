// Delete up to $limit results of one run.
MATCH (r:Result {run_id: $run_id})
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS n
