// First step of an entity upsert batch: create the entities that are new
// (neither an entity nor an alias has the id) from the rows Go computed for
// that case, and return the stored state of the entities the others touch:
// each id, the entity it resolves to through an alias, and that entity (null
// when missing), for Go to merge and write back with upsert_entities.cypher.
// A fresh ingest so needs one query per batch, not a read and then a write.
// Each row is a list, [id, props, label, identifiers]: props holds only the
// non-null properties, label is [kind label]; every identifier is new to a
// new entity, so its (:Identifier)-[:IDENTIFIES]-> link is created, not
// merged. Ids are distinct within a batch.
UNWIND $rows AS row
OPTIONAL MATCH (alias:Alias {id: row[0]})
WITH row, alias, coalesce(alias.into, row[0]) AS eid
OPTIONAL MATCH (x:Entity {id: eid})
CALL (row, alias, x) {
  WITH row
  WHERE alias IS NULL AND x IS NULL
  CREATE (e:Entity)
  SET e = row[1]
  SET e:$(row[2])
  WITH e, row
  UNWIND row[3] AS v
  MERGE (i:Identifier {value: v})
  CREATE (i)-[:IDENTIFIES]->(e)
}
WITH row, alias, x, eid
WHERE alias IS NOT NULL OR x IS NOT NULL
RETURN row[0] AS id, eid, x {.id, .name, .kind, .jurisdiction, .hq_country, .nationality, .residence, .state_owned,
                   .lists, .identifiers, .source, .source_ref, .provenance, .aliases, .address_countries} AS e
