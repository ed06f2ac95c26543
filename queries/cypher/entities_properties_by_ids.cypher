// The entities with these ids read from their properties, as one record
// holding a list of rows in each_entity_properties.cypher's columns: the
// fallback of the entity stream for entities without a packed copy.
UNWIND $ids AS id
MATCH (e:Entity {id: id})
RETURN collect([e.id, e.name, e.kind, e.jurisdiction, e.hq_country, e.nationality, e.residence, e.state_owned,
                e.lists, e.identifiers, e.source, e.source_ref, e.provenance]) AS rows
