// A run's results ordered by entity id (the (run_id, entity_id) index gives the order).
MATCH (r:Result)
WHERE r.run_id = $run_id AND r.entity_id >= ''
WITH r ORDER BY r.run_id, r.entity_id
RETURN r.data AS data
