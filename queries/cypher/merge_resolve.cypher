// Resolve both ends of a merge through aliases; missing entities give null.
OPTIONAL MATCH (fa:Alias {id: $from})
OPTIONAL MATCH (ia:Alias {id: $into})
WITH coalesce(fa.into, $from) AS fid, coalesce(ia.into, $into) AS iid
OPTIONAL MATCH (f:Entity {id: fid})
OPTIONAL MATCH (i:Entity {id: iid})
RETURN f.id AS from_id, i.id AS into_id
