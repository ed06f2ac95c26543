// Every entity ordered by id (the uniqueness constraint's index gives the order).
MATCH (e:Entity)
WHERE e.id IS NOT NULL
WITH e ORDER BY e.id
RETURN e {.id, .name, .kind, .jurisdiction, .hq_country, .nationality, .residence, .state_owned,
          .lists, .identifiers, .source, .source_ref, .provenance} AS e
