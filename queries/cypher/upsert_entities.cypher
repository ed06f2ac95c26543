// Write entities whose merged state Go computed inside the same transaction
// (entities_for_upsert.cypher): only new or changed entities arrive here, so
// re-ingesting unchanged data writes nothing. Labels are dynamic and
// computed in Go: $row.label is the kind label when it must be set (new
// entity or changed kind, else empty) and $row.unlabel the kind labels to
// drop. Only identifiers new to the entity arrive in new_identifiers, so
// their (:Identifier)-[:IDENTIFIES]-> link cannot exist yet and is created,
// not merged. (Per-row FOREACH/CASE chains cost about twice as much server
// CPU per entity.)
UNWIND $rows AS row
MERGE (e:Entity {id: row.id})
SET e += row.props
REMOVE e:$(row.unlabel)
SET e:$(row.label)
WITH e, row
UNWIND row.new_identifiers AS v
MERGE (i:Identifier {value: v})
CREATE (i)-[:IDENTIFIES]->(e)
