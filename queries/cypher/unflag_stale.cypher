// Remove :Flagged from the flagged entities that have no result in the
// given run (a result with flagged false already unflagged its entity when
// published), $batch entities per committed transaction: one (run_id,
// entity_id) index seek per flagged entity. Needs an auto-commit
// transaction.
MATCH (e:Flagged)
WHERE NOT EXISTS { MATCH (:Result {run_id: $run_id, entity_id: e.id}) }
CALL (e) {
  REMOVE e:Flagged
} IN TRANSACTIONS OF $batch ROWS
