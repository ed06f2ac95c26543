// Store a batch of one run's results for entities that have none in the run
// yet (the usual case: a run writes each entity once). CREATE skips MERGE's
// read, about a quarter of the server's work per result; should an entity
// already have a result, the (run_id, entity_id) constraint fails the batch
// and the caller writes it again with write_results.cypher, which replaces.
UNWIND $rows AS row
CREATE (r:Result {run_id: $run_id, entity_id: row.entity_id})
SET r.verdict = row.verdict,
    r.flagged = row.flagged,
    r.indeterminate = row.indeterminate,
    r.chinese_share_min = row.chinese_share_min,
    r.chinese_share_max = row.chinese_share_max,
    r.data = row.data
