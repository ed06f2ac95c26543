// The relationships of these entities that have no packed copy (merges
// move relationships and drop the copy, whose ends changed), read from
// their properties in each_relationship_properties.cypher's columns, for
// MergeEntities to re-pack.
UNWIND $ids AS id
MATCH (e:Entity {id: id})-[r:__REL_TYPES__]-()
WHERE r._packed IS NULL
WITH DISTINCT r
MATCH (h)-[r]->(t)
RETURN [r.id, h.id, t.id, toLower(type(r)), r.share_known, r.share_min, r.share_max, r.share_min_exclusive,
        r.share_max_exclusive, r.direct, r.start_date, r.end_date, r.source, r.source_ref] AS row
