// Remove :Flagged from up to $limit entities the given run did not flag.
MATCH (e:Flagged)
WHERE e.run_id IS NULL OR e.run_id <> $run_id
WITH e LIMIT $limit
REMOVE e:Flagged
RETURN count(e) AS n
