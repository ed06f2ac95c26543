// Write relationships' packed copies (rows [id, packed]) of one kind where
// they differ from the stored one, and count the writes. Rendered per kind;
// the id index is sought per row (see upsert_relationships.cypher for why
// the hint).
UNWIND $rows AS row
MATCH ()-[r:__REL_TYPE__]->()
USING INDEX SEEK r:__REL_TYPE__(id)
WHERE r.id = row[0]
WITH r, row
WHERE r._packed IS NULL OR r._packed <> row[1]
SET r._packed = row[1]
RETURN count(*) AS written
