// The number of entities carrying each published verdict, which a publish
// compares with the run's counts (a mismatch: the graph was changed behind
// ubo's back and is published again in full).
MATCH (e:Entity)
WHERE e.verdict IS NOT NULL
RETURN e.verdict AS verdict, count(*) AS n
