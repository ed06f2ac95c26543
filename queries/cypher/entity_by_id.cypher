// One entity, following an alias.
OPTIONAL MATCH (alias:Alias {id: $id})
WITH coalesce(alias.into, $id) AS eid
MATCH (e:Entity {id: eid})
RETURN e {.id, .name, .kind, .jurisdiction, .hq_country, .nationality, .residence, .state_owned,
          .lists, .identifiers, .source, .source_ref, .provenance, .aliases, .address_countries} AS e
