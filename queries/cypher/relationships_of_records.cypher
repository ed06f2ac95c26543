// The relationships of one kind whose id begins with one of $prefixes
// (source|sourceRef|, see model.RelationshipID): what records of a source
// asserted, found by a seek of the per-kind id index. Rendered per kind.
UNWIND $prefixes AS prefix
MATCH (h:Entity)-[r:__REL_TYPE__]->(t:Entity)
USING INDEX SEEK r:__REL_TYPE__(id)
WHERE r.id STARTS WITH prefix
RETURN r {.*} AS r, h.id AS holder, t.id AS held
