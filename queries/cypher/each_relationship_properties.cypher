// One page of the relationships of one kind in id order, read from the
// separate properties: the $limit after id $after (rendered per kind; the
// per-kind id index gives the order, no sort), as one record holding a list
// of rows with the id first (see pager in store.go). Used by `ubo db
// repack`; the streams read each_relationship.cypher.
MATCH (h)-[r:__REL_TYPE__]->(t)
WHERE r.id > $after
WITH h, r, t ORDER BY r.id LIMIT $limit
RETURN collect([r.id, h.id, t.id, toLower(type(r)), r.share_known, r.share_min, r.share_max, r.share_min_exclusive,
                r.share_max_exclusive, r.direct, r.start_date, r.end_date, r.source, r.source_ref]) AS rows
