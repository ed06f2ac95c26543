// Remove what the Neo4j baseline loaded: only entities whose id carries the
// bench's prefix, with their relationships, in batches.
MATCH (e:Entity) WHERE e.id STARTS WITH $prefix
CALL { WITH e DETACH DELETE e } IN TRANSACTIONS OF 10000 ROWS
