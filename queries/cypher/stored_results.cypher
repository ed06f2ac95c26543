// How many results (and removals) one run's own chunks hold.
MATCH (c:ResultChunk {run_id: $run_id})
RETURN coalesce(sum(c.size), 0) AS n
