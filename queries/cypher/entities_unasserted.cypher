// The entities only $source knows (every provenance entry starts with
// $prefix), not inactive yet, that the snapshot of generation $gen
// asserted neither by their id nor by an id merged into them.
MATCH (e:Entity)
WHERE size(e.provenance) > 0 AND all(p IN e.provenance WHERE p STARTS WITH $prefix)
  AND none(t IN coalesce(e.lists, []) WHERE t STARTS WITH $inactive)
  AND NOT EXISTS { MATCH (a:SourceAssertion {key: $key + e.id}) WHERE a.pending_gen = $gen }
  AND NOT EXISTS { MATCH (al:Alias {into: e.id}) MATCH (a:SourceAssertion {key: $key + al.id}) WHERE a.pending_gen = $gen }
RETURN e {.id, .name, .kind, .jurisdiction, .hq_country, .nationality, .residence, .state_owned,
          .lists, .identifiers, .source, .source_ref, .provenance, .aliases, .address_countries} AS e
