// Every run, newest first.
MATCH (run:Run)
RETURN run.data AS data
ORDER BY run.started DESC, run.id DESC
