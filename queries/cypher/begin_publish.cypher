// Note that a run's publish has begun: until set_current_run.cypher clears
// it, the entities may carry a mix of two runs' verdicts.
MERGE (state:UboState {id: 'current'})
SET state.publishing = $id
