// The relationships of one kind with ids in ($after, $last] that have no
// packed copy, read from their properties in
// each_relationship_properties.cypher's columns, in id order: the fallback
// of the relationship stream (each_relationship.cypher). Rendered per kind.
MATCH (h)-[r:__REL_TYPE__]->(t)
WHERE r.id > $after AND r.id <= $last AND r._packed IS NULL
WITH h, r, t ORDER BY r.id
RETURN collect([r.id, h.id, t.id, toLower(type(r)), r.share_known, r.share_min, r.share_max, r.share_min_exclusive,
                r.share_max_exclusive, r.direct, r.start_date, r.end_date, r.source, r.source_ref]) AS rows
