// Remove :Flagged from the entities the given run did not flag, $batch
// entities per committed transaction. Needs an auto-commit transaction.
MATCH (e:Flagged)
WHERE e.run_id IS NULL OR e.run_id <> $run_id
CALL (e) {
  REMOVE e:Flagged
} IN TRANSACTIONS OF $batch ROWS
