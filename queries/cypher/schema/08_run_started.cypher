CREATE INDEX run_started IF NOT EXISTS FOR (n:Run) ON (n.started)
