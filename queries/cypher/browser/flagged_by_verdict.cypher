// name: flagged_by_verdict
// Flagged entities of the latest complete run, optionally of one verdict.
// Parameters: $verdict (e.g. 'OWNED_50', or null for all).
MATCH (e:Flagged)
WHERE $verdict IS NULL OR e.verdict = $verdict
RETURN e.id, e.name, e.kind, e.jurisdiction, e.verdict, e.indeterminate,
       e.chinese_share_min, e.chinese_share_max, e.run_id
ORDER BY e.verdict, e.chinese_share_min DESC, e.id
LIMIT 1000
