// The entities a retirement by $source looks at: those whose provenance
// names only $source, and those of its ledger ($ids).
CALL () {
  MATCH (e:Entity)
  WHERE size(e.provenance) > 0 AND all(p IN e.provenance WHERE p STARTS WITH $prefix)
  RETURN e
  UNION
  UNWIND $ids AS id
  MATCH (e:Entity {id: id})
  RETURN e
}
RETURN e {.id, .name, .kind, .jurisdiction, .hq_country, .nationality, .residence, .state_owned,
          .lists, .identifiers, .source, .source_ref, .provenance, .aliases, .address_countries} AS e
