// each_entity.cypher with only id, name and kind (store.ProjectSummary, the
// JSON Lines and CSV exports); the columns keep each_entity's positions.
MATCH (e:Entity)
WHERE e.id > $after
WITH e ORDER BY e.id LIMIT $limit
RETURN collect([e.id, e.name, e.kind, null, null, null, null, null, null, null, null, null, null]) AS rows
