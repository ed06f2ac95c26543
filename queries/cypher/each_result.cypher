// One page of a run's results in entity id order: the $limit after entity
// id $after (the (run_id, entity_id) index gives the order, no sort), as
// one record holding a list of [entity_id, data] rows (see pager in store.go).
MATCH (r:Result)
WHERE r.run_id = $run_id AND r.entity_id > $after
WITH r ORDER BY r.run_id, r.entity_id LIMIT $limit
RETURN collect([r.entity_id, r.data]) AS rows
