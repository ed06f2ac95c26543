// The entities with ids in ($after, $last] that have no packed copy, read
// from their properties in each_entity_properties.cypher's columns, in id
// order: the fallback of the entity stream (each_entity.cypher).
MATCH (e:Entity)
WHERE e.id > $after AND e.id <= $last AND e._packed IS NULL
WITH e ORDER BY e.id
RETURN collect([e.id, e.name, e.kind, e.jurisdiction, e.hq_country, e.nationality, e.residence, e.state_owned,
                e.lists, e.identifiers, e.source, e.source_ref, e.provenance, e.aliases, e.address_countries]) AS rows
