// Benchmark baseline: the generic entities CSV loaded with plain Cypher, the
// way a Neo4j user would without ubo. Same nodes, labels, properties and
// (:Identifier)-[:IDENTIFIES]-> links as queries/cypher/upsert_entities.cypher,
// MERGE on id under the same entity_id uniqueness constraint. What it does not
// do (ubo does): country normalisation, validation with rejects, folding names
// (toLower only), union with what is already stored, alias resolution.
// Empty cells arrive as null (unquoted) or '' (quoted): both mean absent.
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  WITH row,
       CASE WHEN coalesce(row.nationality, '') = '' THEN null ELSE split(row.nationality, ';') END AS nationality,
       CASE WHEN coalesce(row.lists, '') = '' THEN null ELSE split(row.lists, ';') END AS lists,
       CASE WHEN coalesce(row.identifiers, '') = '' THEN [] ELSE split(row.identifiers, ';') END AS identifiers,
       'entities.csv:' + toString(linenumber()) AS ref
  MERGE (e:Entity {id: row.id})
  SET e.name = CASE WHEN row.name = '' THEN null ELSE row.name END,
      e.name_folded = CASE WHEN row.name = '' THEN null ELSE toLower(row.name) END,
      e.kind = row.kind,
      e.jurisdiction = CASE WHEN row.jurisdiction = '' THEN null ELSE row.jurisdiction END,
      e.hq_country = CASE WHEN row.hq_country = '' THEN null ELSE row.hq_country END,
      e.residence = CASE WHEN row.residence = '' THEN null ELSE row.residence END,
      e.state_owned = coalesce(row.state_owned, '') = 'true',
      e.nationality = nationality,
      e.lists = lists,
      e.identifiers = CASE WHEN size(identifiers) = 0 THEN null ELSE identifiers END,
      e.source = 'csv',
      e.source_ref = ref,
      e.provenance = ['csv:' + ref]
  FOREACH (_ IN CASE WHEN row.kind = 'company' THEN [1] ELSE [] END | SET e:Company)
  FOREACH (_ IN CASE WHEN row.kind = 'person' THEN [1] ELSE [] END | SET e:Person)
  FOREACH (_ IN CASE WHEN row.kind = 'state_body' THEN [1] ELSE [] END | SET e:StateBody)
  FOREACH (_ IN CASE WHEN row.kind = 'arrangement' THEN [1] ELSE [] END | SET e:Arrangement)
  FOREACH (_ IN CASE WHEN row.kind = 'unknown' THEN [1] ELSE [] END | SET e:UnknownHolder)
  FOREACH (v IN identifiers |
    MERGE (i:Identifier {value: v})
    MERGE (i)-[:IDENTIFIES]->(e))
} IN TRANSACTIONS OF 10000 ROWS
