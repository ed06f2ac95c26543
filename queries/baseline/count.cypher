// Count what the Neo4j baseline loaded (entities and ownership edges under
// the bench's id prefix), to check nothing else changed it before the query.
MATCH (e:Entity) WHERE e.id STARTS WITH $prefix
OPTIONAL MATCH (e)-[o:OWNERSHIP]->()
RETURN count(DISTINCT e) AS entities, count(o) AS ownership
