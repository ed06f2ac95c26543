// Write entities' packed copies (rows [id, packed]) where they differ from
// the stored one, and count the writes.
UNWIND $rows AS row
MATCH (e:Entity {id: row[0]})
WITH e, row
WHERE e._packed IS NULL OR e._packed <> row[1]
SET e._packed = row[1]
RETURN count(*) AS written
