// The relationships of one kind with these ids read from their properties,
// as one record holding a list of rows in
// each_relationship_properties.cypher's columns: the fallback of the
// relationship stream for relationships without a packed copy. Rendered
// per kind; the id index is sought per row (see upsert_relationships.cypher
// for why the hint).
UNWIND $ids AS id
MATCH (h)-[r:__REL_TYPE__]->(t)
USING INDEX SEEK r:__REL_TYPE__(id)
WHERE r.id = id
RETURN collect([r.id, h.id, t.id, toLower(type(r)), r.share_known, r.share_min, r.share_max, r.share_min_exclusive,
                r.share_max_exclusive, r.direct, r.start_date, r.end_date, r.source, r.source_ref]) AS rows
