// Every relationship of one kind ordered by id (rendered per kind; the
// per-kind id index gives the order). The Go side merges the kinds' streams.
// Plain columns, not a map: the keys are sent once, not per row. No label
// checks: only entities are ends of these types.
MATCH (h)-[r:__REL_TYPE__]->(t)
WHERE r.id IS NOT NULL
WITH h, r, t ORDER BY r.id
RETURN r.id, h.id, t.id, r.kind, r.share_known, r.share_min, r.share_max, r.share_min_exclusive,
       r.share_max_exclusive, r.direct, r.start_date, r.end_date, r.source, r.source_ref
