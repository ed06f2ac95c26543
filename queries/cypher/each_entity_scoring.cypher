// each_entity.cypher with only the fields scoring reads (see
// store.ProjectScoring); the columns keep each_entity's positions, the
// fields not read are null. Neo4j reads every property separately, so each
// one left out saves server work on every entity.
MATCH (e:Entity)
WHERE e.id > $after
WITH e ORDER BY e.id LIMIT $limit
RETURN collect([e.id, e.name, e.kind, e.jurisdiction, e.hq_country, e.nationality, e.residence, e.state_owned,
                e.lists, null, null, null, null]) AS rows
