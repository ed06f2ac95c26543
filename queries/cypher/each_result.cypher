// A run's results ordered by entity id (the (run_id, entity_id) index gives the order).
MATCH (r:Result)
WHERE r.run_id = $run_id AND r.entity_id IS NOT NULL
RETURN r.data AS data
ORDER BY r.entity_id
