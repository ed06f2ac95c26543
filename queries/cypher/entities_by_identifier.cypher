// Entities carrying one identifier ("SCHEME:value") exactly.
MATCH (:Identifier {value: $identifier})-[:IDENTIFIES]->(e:Entity)
RETURN e {.id, .name, .kind, .jurisdiction, .hq_country, .nationality, .residence, .state_owned,
          .lists, .identifiers, .source, .source_ref, .provenance, .aliases, .address_countries} AS e
ORDER BY e.id
