// Runs whose results are pruned: every finished run except the newest $keep
// complete ones (running runs are left alone).
MATCH (run:Run)
WHERE run.status <> 'running'
WITH run ORDER BY run.started DESC, run.id DESC
WITH collect(run) AS runs
WITH [x IN runs WHERE x.status = 'complete'][$keep..] + [x IN runs WHERE x.status <> 'complete'] AS old
UNWIND old AS run
RETURN run.id AS id
