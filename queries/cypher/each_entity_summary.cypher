// each_entity.cypher whose fallback for entities without a packed copy
// reads only id, name and kind (store.ProjectSummary, the JSON Lines and CSV
// exports); the columns keep each_entity_properties' positions. A packed
// row carries every field.
MATCH (e:Entity)
WHERE e.id > $after
WITH e ORDER BY e.id LIMIT $limit
WITH e, e._packed AS packed
RETURN collect(CASE WHEN packed IS NULL
  THEN [e.id, e.name, e.kind, null, null, null, null, null, null, null, null, null, null]
  ELSE [e.id, packed] END) AS rows
