// Copy a complete run's results onto their entities, so Neo4j Browser users
// can query verdicts directly, and set or remove the :Flagged label (dynamic
// labels: an empty list sets or removes nothing). Only entities whose
// published values differ from the result are written (the comparison is in
// the reading query, outside the write transactions): a nightly run changes
// few verdicts, and an unchanged entity costs a read, not a write. The
// planner buffers the reading query's rows in an Eager (the writes touch
// properties it reads), so comparing there also keeps that buffer to the
// changed entities. The run id is not copied;
// (:UboState {id: 'current'}).run_id names the run.
// Batches of $batch rows commit separately and run concurrently on the
// server's cores: each result names a different entity, so the batches take
// no common locks. Needs an auto-commit transaction.
MATCH (r:Result)
WHERE r.run_id = $run_id AND r.entity_id IS NOT NULL
MATCH (e:Entity {id: r.entity_id})
WHERE NOT (coalesce(e.verdict = r.verdict, false)
       AND coalesce(e.indeterminate = r.indeterminate, false)
       AND coalesce(e.chinese_share_min = r.chinese_share_min, false)
       AND coalesce(e.chinese_share_max = r.chinese_share_max, false)
       AND e:Flagged = coalesce(r.flagged, false))
CALL (e, r) {
  SET e.verdict = r.verdict,
      e.indeterminate = r.indeterminate,
      e.chinese_share_min = r.chinese_share_min,
      e.chinese_share_max = r.chinese_share_max
  SET e:$(CASE WHEN r.flagged THEN ['Flagged'] ELSE [] END)
  REMOVE e:$(CASE WHEN r.flagged THEN [] ELSE ['Flagged'] END)
} IN CONCURRENT TRANSACTIONS OF $batch ROWS
