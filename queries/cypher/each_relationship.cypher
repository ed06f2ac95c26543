// One page of the relationships of one kind in id order: the $limit after
// id $after (rendered per kind; the per-kind id index gives the order, no
// sort), as one record holding a list of rows [id, packed] (see pager in
// store.go). The Go side merges the kinds. packed is the relationship's
// packed copy with its ends (_packed, see packed.go), null where it has
// none, and then Go reads those relationships' properties with
// relationships_properties_by_ids.cypher. Not even the ends are matched:
// reading the two end entities' ids cost more server CPU than the rest.
MATCH ()-[r:__REL_TYPE__]->()
WHERE r.id > $after
WITH r ORDER BY r.id LIMIT $limit
RETURN collect([r.id, r._packed]) AS rows
