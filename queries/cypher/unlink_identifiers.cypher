// Unlink the identifiers a snapshot retired (rows of id, value) from their
// entities; an identifier left naming no entity goes too.
UNWIND $rows AS row
MATCH (i:Identifier {value: row.value})-[r:IDENTIFIES]->(:Entity {id: row.id})
DELETE r
WITH DISTINCT i
WHERE NOT EXISTS { (i)--() }
DELETE i
