// One page of the flagged entities' ids in id order (the entity id index
// gives the order), as one record holding a list of [id] rows (see pager in
// store.go).
MATCH (e:Entity)
WHERE e.id > $after AND e:Flagged
WITH e ORDER BY e.id LIMIT $limit
RETURN collect([e.id]) AS rows
