// Store a batch of one run's results; rewriting an entity's result replaces it.
UNWIND $rows AS row
MERGE (r:Result {run_id: $run_id, entity_id: row.entity_id})
SET r.verdict = row.verdict,
    r.flagged = row.flagged,
    r.indeterminate = row.indeterminate,
    r.chinese_share_min = row.chinese_share_min,
    r.chinese_share_max = row.chinese_share_max,
    r.data = row.data
