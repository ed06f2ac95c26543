MATCH (r:Result {run_id: $run_id, entity_id: $entity_id})
RETURN r.data AS data
