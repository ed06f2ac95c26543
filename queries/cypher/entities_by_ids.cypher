// The entities with these canonical ids, from their properties (missing
// ids give no row): MergeEntities re-packs the entities merges changed.
UNWIND $ids AS id
MATCH (e:Entity {id: id})
RETURN e {.id, .name, .kind, .jurisdiction, .hq_country, .nationality, .residence, .state_owned,
          .lists, .identifiers, .source, .source_ref, .provenance, .aliases, .address_countries} AS e
