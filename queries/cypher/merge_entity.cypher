// Fold entity $from into entity $into (both canonical, distinct): $into keeps
// its non-empty scalars and $from fills the empty ones (an unknown kind counts
// as empty), lists union; $from's relationships are re-created on $into with
// the same type and properties (ids unchanged); identifiers follow; $from
// becomes an alias of $into, and aliases of $from now point at $into.
MATCH (f:Entity {id: $from})
MATCH (i:Entity {id: $into})
SET i.name         = CASE WHEN coalesce(i.name, '') = '' THEN f.name ELSE i.name END,
    i.name_folded  = CASE WHEN coalesce(i.name, '') = '' THEN f.name_folded ELSE i.name_folded END,
    i.kind         = CASE WHEN coalesce(i.kind, 'unknown') = 'unknown' THEN coalesce(f.kind, 'unknown') ELSE i.kind END,
    i.jurisdiction = coalesce(i.jurisdiction, f.jurisdiction),
    i.hq_country   = coalesce(i.hq_country, f.hq_country),
    i.residence    = coalesce(i.residence, f.residence),
    i.source       = coalesce(i.source, f.source),
    i.source_ref   = coalesce(i.source_ref, f.source_ref),
    i.state_owned  = coalesce(i.state_owned, false) OR coalesce(f.state_owned, false),
    i.nationality  = COLLECT { UNWIND coalesce(i.nationality, []) + coalesce(f.nationality, []) AS v WITH DISTINCT v RETURN v ORDER BY v },
    i.lists        = COLLECT { UNWIND coalesce(i.lists, []) + coalesce(f.lists, []) AS v WITH DISTINCT v RETURN v ORDER BY v },
    i.identifiers  = COLLECT { UNWIND coalesce(i.identifiers, []) + coalesce(f.identifiers, []) AS v WITH DISTINCT v RETURN v ORDER BY v },
    i.provenance   = COLLECT { UNWIND coalesce(i.provenance, []) + coalesce(f.provenance, []) AS v WITH DISTINCT v RETURN v ORDER BY v }
REMOVE i:Company:Person:StateBody:Arrangement:UnknownHolder
FOREACH (_ IN CASE WHEN i.kind = 'company' THEN [1] ELSE [] END | SET i:Company)
FOREACH (_ IN CASE WHEN i.kind = 'person' THEN [1] ELSE [] END | SET i:Person)
FOREACH (_ IN CASE WHEN i.kind = 'state_body' THEN [1] ELSE [] END | SET i:StateBody)
FOREACH (_ IN CASE WHEN i.kind = 'arrangement' THEN [1] ELSE [] END | SET i:Arrangement)
FOREACH (_ IN CASE WHEN i.kind = 'unknown' THEN [1] ELSE [] END | SET i:UnknownHolder)
WITH f, i
CALL (f, i) {
  MATCH (f)-[r:__REL_TYPES__]->(x:Entity)
  WITH r, CASE WHEN x = f THEN i ELSE x END AS y
  CREATE (i)-[c:$(type(r))]->(y)
  SET c = properties(r)
  REMOVE c._packed
  DELETE r
}
CALL (f, i) {
  MATCH (x:Entity)-[r:__REL_TYPES__]->(f)
  CREATE (x)-[c:$(type(r))]->(i)
  SET c = properties(r)
  REMOVE c._packed
  DELETE r
}
CALL (f, i) {
  MATCH (old:Alias {into: f.id})
  SET old.into = i.id
}
MERGE (a:Alias {id: f.id})
SET a.into = i.id
FOREACH (v IN i.identifiers |
  MERGE (n:Identifier {value: v})
  MERGE (n)-[:IDENTIFIES]->(i))
DETACH DELETE f
RETURN i.id AS into_id
