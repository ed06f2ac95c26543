// One page of every entity in id order: the $limit entities after id $after
// (the uniqueness constraint's index gives the order, no sort), as one
// record holding a list of rows with the id first (see pager in store.go).
// A row is [id, packed] where the entity has its packed copy (_packed, see
// packed.go: one property read instead of thirteen), else the thirteen
// properties in each_entity_properties.cypher's columns.
MATCH (e:Entity)
WHERE e.id > $after
WITH e ORDER BY e.id LIMIT $limit
WITH e, e._packed AS packed
RETURN collect(CASE WHEN packed IS NULL
  THEN [e.id, e.name, e.kind, e.jurisdiction, e.hq_country, e.nationality, e.residence, e.state_owned,
        e.lists, e.identifiers, e.source, e.source_ref, e.provenance]
  ELSE [e.id, packed] END) AS rows
