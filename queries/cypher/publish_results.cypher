// Copy a complete run's results onto their entities, so Neo4j Browser users
// can query verdicts directly, and set or remove the :Flagged label (dynamic
// labels: an empty list sets or removes nothing). Go streams the run's
// results (each entity once, the last written result winning) as rows
// [id, verdict, flagged, indeterminate, chinese_share_min, chinese_share_max].
// Only entities whose published values differ are written: a nightly run
// changes few verdicts, and an unchanged entity costs an index seek and a
// read, not a write. The run id is not copied;
// (:UboState {id: 'current'}).run_id names the run.
UNWIND $rows AS row
MATCH (e:Entity {id: row[0]})
WHERE NOT (coalesce(e.verdict = row[1], false)
       AND coalesce(e.indeterminate = row[3], false)
       AND coalesce(e.chinese_share_min = row[4], false)
       AND coalesce(e.chinese_share_max = row[5], false)
       AND e:Flagged = row[2])
SET e.verdict = row[1],
    e.indeterminate = row[3],
    e.chinese_share_min = row[4],
    e.chinese_share_max = row[5]
SET e:$(CASE WHEN row[2] THEN ['Flagged'] ELSE [] END)
REMOVE e:$(CASE WHEN row[2] THEN [] ELSE ['Flagged'] END)
