// The stored state of the entities an upsert batch touches: each given id,
// the entity it resolves to through an alias, and that entity (null when new).
UNWIND $ids AS id
OPTIONAL MATCH (alias:Alias {id: id})
WITH id, coalesce(alias.into, id) AS eid
OPTIONAL MATCH (e:Entity {id: eid})
RETURN id, eid, e {.id, .name, .kind, .jurisdiction, .hq_country, .nationality, .residence, .state_owned,
                   .lists, .identifiers, .source, .source_ref, .provenance} AS e
