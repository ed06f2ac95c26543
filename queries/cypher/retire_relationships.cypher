// The relationships of $source that the snapshot of generation $gen did not
// mark and that have not ended by $date: Go ends them on $date and re-packs
// them (set_relationship_end.cypher).
MATCH (h:Entity)-[r:__REL_TYPES__]->(d:Entity)
WHERE r.source = $source AND (r.end_date IS NULL OR r.end_date > $date)
OPTIONAL MATCH (a:SourceAssertion {key: $prefix + r.id})
WITH h, r, d, a
WHERE a IS NULL OR a.pending_gen <> $gen
RETURN elementId(r) AS rid, h.id AS holder, d.id AS held, r {.*, _packed: null} AS props
