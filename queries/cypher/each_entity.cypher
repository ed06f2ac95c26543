// One page of every entity in id order: the $limit entities after id $after
// (the uniqueness constraint's index gives the order, no sort), as one
// record holding a list of rows [id, packed] (see pager in store.go):
// packed is the entity's packed copy (_packed, see packed.go: one property
// read instead of thirteen), null where it has none, and then Go reads
// those entities' properties with entities_properties_by_ids.cypher (a
// per-row CASE here cost the server more than the property read itself).
MATCH (e:Entity)
WHERE e.id > $after
WITH e ORDER BY e.id LIMIT $limit
RETURN collect([e.id, e._packed]) AS rows
