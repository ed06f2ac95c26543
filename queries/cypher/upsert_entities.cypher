// Write entities whose merged state Go computed inside the same transaction
// (entities_for_upsert.cypher): only new or changed entities arrive here, so
// re-ingesting unchanged data writes nothing. The kind label is replaced only
// when the kind changed; only identifiers new to the entity get an
// (:Identifier)-[:IDENTIFIES]-> link, for exact lookup.
UNWIND $rows AS row
MERGE (e:Entity {id: row.id})
SET e += row.props
FOREACH (_ IN CASE WHEN row.relabel THEN [1] ELSE [] END |
  REMOVE e:Company:Person:StateBody:Arrangement:UnknownHolder)
FOREACH (_ IN CASE WHEN row.relabel AND row.props.kind = 'company' THEN [1] ELSE [] END | SET e:Company)
FOREACH (_ IN CASE WHEN row.relabel AND row.props.kind = 'person' THEN [1] ELSE [] END | SET e:Person)
FOREACH (_ IN CASE WHEN row.relabel AND row.props.kind = 'state_body' THEN [1] ELSE [] END | SET e:StateBody)
FOREACH (_ IN CASE WHEN row.relabel AND row.props.kind = 'arrangement' THEN [1] ELSE [] END | SET e:Arrangement)
FOREACH (_ IN CASE WHEN row.relabel AND row.props.kind = 'unknown' THEN [1] ELSE [] END | SET e:UnknownHolder)
FOREACH (v IN row.new_identifiers |
  MERGE (i:Identifier {value: v})
  MERGE (i)-[:IDENTIFIES]->(e))
RETURN count(*) AS written
