// One page of the relationships of one kind in id order: the $limit after
// id $after (rendered per kind; the per-kind id index gives the order, no
// sort), as one record holding a list of rows with the id first (see pager
// in store.go). The Go side merges the kinds. No label checks: only
// entities are ends of these types. A row is [id, holder id, held id,
// packed] where the relationship has its packed copy (_packed, see
// packed.go; the ends are not in it because merges move relationships),
// else the properties in each_relationship_properties.cypher's columns
// (the kind taken from the type: every property read costs the server
// about a microsecond per row).
MATCH (h)-[r:__REL_TYPE__]->(t)
WHERE r.id > $after
WITH h, r, t ORDER BY r.id LIMIT $limit
WITH h, r, t, r._packed AS packed
RETURN collect(CASE WHEN packed IS NULL
  THEN [r.id, h.id, t.id, toLower(type(r)), r.share_known, r.share_min, r.share_max, r.share_min_exclusive,
        r.share_max_exclusive, r.direct, r.start_date, r.end_date, r.source, r.source_ref]
  ELSE [r.id, h.id, t.id, packed] END) AS rows
