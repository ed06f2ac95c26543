// Every relationship of one kind ordered by id (rendered per kind; the
// per-kind id index gives the order). The Go side merges the kinds' streams.
MATCH (h:Entity)-[r:__REL_TYPE__]->(t:Entity)
WHERE r.id IS NOT NULL
WITH h, r, t ORDER BY r.id
RETURN r {.*} AS r, h.id AS holder_id, t.id AS held_id
