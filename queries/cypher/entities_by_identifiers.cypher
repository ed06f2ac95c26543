// Entities carrying each of many identifiers ("SCHEME:value") exactly: one
// row per identifier and entity (screening a batch of customers).
UNWIND $identifiers AS identifier
MATCH (:Identifier {value: identifier})-[:IDENTIFIES]->(e:Entity)
RETURN identifier,
       e {.id, .name, .kind, .jurisdiction, .hq_country, .nationality, .residence, .state_owned,
          .lists, .identifiers, .source, .source_ref, .provenance, .aliases, .address_countries} AS e
ORDER BY identifier, e.id
