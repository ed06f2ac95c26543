// One page of every entity in id order, read from the separate properties:
// the $limit entities after id $after (the uniqueness constraint's index
// gives the order, no sort), as one record holding a list of rows, each row
// a list of values with the id first (see pager in store.go). Used by
// `ubo db repack` to rebuild the packed copies; the streams read
// each_entity.cypher.
MATCH (e:Entity)
WHERE e.id > $after
WITH e ORDER BY e.id LIMIT $limit
RETURN collect([e.id, e.name, e.kind, e.jurisdiction, e.hq_country, e.nationality, e.residence, e.state_owned,
                e.lists, e.identifiers, e.source, e.source_ref, e.provenance, e.aliases, e.address_countries]) AS rows
