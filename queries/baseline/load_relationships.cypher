// Benchmark baseline: the generic relationships CSV loaded with plain Cypher.
// Same typed relationships (one type per kind), ids (model.RelationshipID:
// csv|source_ref|holder|held|kind) and properties as
// queries/cypher/upsert_relationships.cypher, MERGE on the id under the same
// per-type id index. Cypher cannot parameterise relationship types, so each
// row picks its MERGE with FOREACH over CASE (one pass over the file). Not done
// (ubo does): validation with rejects, dangling-end checks, alias resolution.
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  MATCH (h:Entity {id: row.holder_id})
  MATCH (t:Entity {id: row.held_id})
  WITH h, t, row,
       coalesce(row.share, '') <> '' OR coalesce(row.share_min, '') <> '' OR coalesce(row.share_max, '') <> '' AS known
  WITH h, t, row, {
    id: 'csv|' + coalesce(row.source_ref, '') + '|' + row.holder_id + '|' + row.held_id + '|' + row.kind,
    kind: row.kind,
    share_known: known,
    share_min: CASE WHEN known THEN toFloat(CASE WHEN coalesce(row.share, '') <> '' THEN row.share WHEN coalesce(row.share_min, '') <> '' THEN row.share_min ELSE '0' END) END,
    share_max: CASE WHEN known THEN toFloat(CASE WHEN coalesce(row.share, '') <> '' THEN row.share WHEN coalesce(row.share_max, '') <> '' THEN row.share_max ELSE '100' END) END,
    share_min_exclusive: CASE WHEN known THEN coalesce(row.share_min_exclusive, '') = 'true' END,
    share_max_exclusive: CASE WHEN known THEN coalesce(row.share_max_exclusive, '') = 'true' END,
    start_date: CASE WHEN row.start_date <> '' THEN row.start_date END,
    end_date: CASE WHEN row.end_date <> '' THEN row.end_date END,
    source: 'csv',
    source_ref: row.source_ref
  } AS props
  FOREACH (_ IN CASE WHEN row.kind = 'ownership' THEN [1] ELSE [] END |
    MERGE (h)-[r:OWNERSHIP {id: props.id}]->(t) SET r = props)
  FOREACH (_ IN CASE WHEN row.kind = 'voting' THEN [1] ELSE [] END |
    MERGE (h)-[r:VOTING {id: props.id}]->(t) SET r = props)
  FOREACH (_ IN CASE WHEN row.kind = 'board' THEN [1] ELSE [] END |
    MERGE (h)-[r:BOARD {id: props.id}]->(t) SET r = props)
  FOREACH (_ IN CASE WHEN row.kind = 'control' THEN [1] ELSE [] END |
    MERGE (h)-[r:CONTROL {id: props.id}]->(t) SET r = props)
  FOREACH (_ IN CASE WHEN row.kind = 'influence' THEN [1] ELSE [] END |
    MERGE (h)-[r:INFLUENCE {id: props.id}]->(t) SET r = props)
  FOREACH (_ IN CASE WHEN row.kind = 'consolidation' THEN [1] ELSE [] END |
    MERGE (h)-[r:CONSOLIDATION {id: props.id}]->(t) SET r = props)
  FOREACH (_ IN CASE WHEN row.kind = 'branch' THEN [1] ELSE [] END |
    MERGE (h)-[r:BRANCH {id: props.id}]->(t) SET r = props)
  FOREACH (_ IN CASE WHEN row.kind = 'fund_management' THEN [1] ELSE [] END |
    MERGE (h)-[r:FUND_MANAGEMENT {id: props.id}]->(t) SET r = props)
  FOREACH (_ IN CASE WHEN row.kind = 'trust_role' THEN [1] ELSE [] END |
    MERGE (h)-[r:TRUST_ROLE {id: props.id}]->(t) SET r = props)
  FOREACH (_ IN CASE WHEN row.kind = 'nominee' THEN [1] ELSE [] END |
    MERGE (h)-[r:NOMINEE {id: props.id}]->(t) SET r = props)
  FOREACH (_ IN CASE WHEN row.kind = 'officer' THEN [1] ELSE [] END |
    MERGE (h)-[r:OFFICER {id: props.id}]->(t) SET r = props)
  FOREACH (_ IN CASE WHEN row.kind = 'unknown_interest' THEN [1] ELSE [] END |
    MERGE (h)-[r:UNKNOWN_INTEREST {id: props.id}]->(t) SET r = props)
} IN TRANSACTIONS OF 10000 ROWS
