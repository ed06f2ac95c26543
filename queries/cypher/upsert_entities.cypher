// Upsert a batch of entities. Ids that are aliases land on their canonical
// entity. Non-empty scalars overwrite, lists union (sorted, distinct), the
// kind label follows the kind, and identifiers get (:Identifier) nodes for
// exact lookup. Rows are prepared in Go (empty strings for absent scalars).
UNWIND $rows AS row
OPTIONAL MATCH (alias:Alias {id: row.id})
WITH row, coalesce(alias.into, row.id) AS eid
MERGE (e:Entity {id: eid})
  ON CREATE SET e.kind = 'unknown'
SET e.name         = CASE WHEN row.name <> '' THEN row.name ELSE e.name END,
    e.name_folded  = CASE WHEN row.name <> '' THEN row.name_folded ELSE e.name_folded END,
    e.kind         = CASE WHEN row.kind <> '' THEN row.kind ELSE e.kind END,
    e.jurisdiction = CASE WHEN row.jurisdiction <> '' THEN row.jurisdiction ELSE e.jurisdiction END,
    e.hq_country   = CASE WHEN row.hq_country <> '' THEN row.hq_country ELSE e.hq_country END,
    e.residence    = CASE WHEN row.residence <> '' THEN row.residence ELSE e.residence END,
    e.source       = CASE WHEN row.source <> '' THEN row.source ELSE e.source END,
    e.source_ref   = CASE WHEN row.source_ref <> '' THEN row.source_ref ELSE e.source_ref END,
    e.state_owned  = coalesce(e.state_owned, false) OR row.state_owned,
    e.nationality  = COLLECT { UNWIND coalesce(e.nationality, []) + row.nationality AS v WITH DISTINCT v RETURN v ORDER BY v },
    e.lists        = COLLECT { UNWIND coalesce(e.lists, []) + row.lists AS v WITH DISTINCT v RETURN v ORDER BY v },
    e.identifiers  = COLLECT { UNWIND coalesce(e.identifiers, []) + row.identifiers AS v WITH DISTINCT v RETURN v ORDER BY v },
    e.provenance   = COLLECT { UNWIND coalesce(e.provenance, []) + row.provenance AS v WITH DISTINCT v RETURN v ORDER BY v }
REMOVE e:Company:Person:StateBody:Arrangement:UnknownHolder
FOREACH (_ IN CASE WHEN e.kind = 'company' THEN [1] ELSE [] END | SET e:Company)
FOREACH (_ IN CASE WHEN e.kind = 'person' THEN [1] ELSE [] END | SET e:Person)
FOREACH (_ IN CASE WHEN e.kind = 'state_body' THEN [1] ELSE [] END | SET e:StateBody)
FOREACH (_ IN CASE WHEN e.kind = 'arrangement' THEN [1] ELSE [] END | SET e:Arrangement)
FOREACH (_ IN CASE WHEN e.kind = 'unknown' THEN [1] ELSE [] END | SET e:UnknownHolder)
FOREACH (v IN row.identifiers |
  MERGE (i:Identifier {value: v})
  MERGE (i)-[:IDENTIFIES]->(e))
RETURN count(*) AS written
