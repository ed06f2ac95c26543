MATCH (run:Run {id: $id})
RETURN run.status AS status
