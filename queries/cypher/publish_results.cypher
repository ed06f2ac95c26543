// Copy a complete run's results onto their entities, so Neo4j Browser users
// can query verdicts directly, and set or remove the :Flagged label (dynamic
// labels: an empty list sets or removes nothing). Batches of $batch rows
// commit separately and run concurrently on the server's cores: each result
// names a different entity, so the batches take no common locks. Needs an
// auto-commit transaction.
MATCH (r:Result)
WHERE r.run_id = $run_id AND r.entity_id IS NOT NULL
CALL (r) {
  MATCH (e:Entity {id: r.entity_id})
  SET e.verdict = r.verdict,
      e.indeterminate = r.indeterminate,
      e.chinese_share_min = r.chinese_share_min,
      e.chinese_share_max = r.chinese_share_max,
      e.run_id = r.run_id
  SET e:$(CASE WHEN r.flagged THEN ['Flagged'] ELSE [] END)
  REMOVE e:$(CASE WHEN r.flagged THEN [] ELSE ['Flagged'] END)
} IN CONCURRENT TRANSACTIONS OF $batch ROWS
