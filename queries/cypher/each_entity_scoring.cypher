// each_entity.cypher whose fallback for entities without a packed copy
// reads only the fields scoring reads (see store.ProjectScoring); the
// columns keep each_entity_properties' positions, the fields not read are
// null. A packed row carries every field.
MATCH (e:Entity)
WHERE e.id > $after
WITH e ORDER BY e.id LIMIT $limit
WITH e, e._packed AS packed
RETURN collect(CASE WHEN packed IS NULL
  THEN [e.id, e.name, e.kind, e.jurisdiction, e.hq_country, e.nationality, e.residence, e.state_owned,
        e.lists, null, null, null, null]
  ELSE [e.id, packed] END) AS rows
