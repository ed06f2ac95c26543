// Every entity ordered by id (the uniqueness constraint's index gives the
// order). Plain columns, not a map: the keys are sent once, not per row.
MATCH (e:Entity)
WHERE e.id IS NOT NULL
WITH e ORDER BY e.id
RETURN e.id, e.name, e.kind, e.jurisdiction, e.hq_country, e.nationality, e.residence, e.state_owned,
       e.lists, e.identifiers, e.source, e.source_ref, e.provenance
