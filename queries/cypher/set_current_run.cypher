// Record the run whose verdicts the entities now carry: one node instead of
// a run id on every entity, so publishing a run writes only the entities
// whose verdict, shares, indeterminate flag or :Flagged label changed. The
// publish it finishes is no longer pending.
MERGE (state:UboState {id: 'current'})
SET state.run_id = $id
REMOVE state.publishing
