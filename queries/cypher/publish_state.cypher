// The run whose verdicts the entities carry, and the run being published
// when a publish began and has not finished (null when none).
OPTIONAL MATCH (state:UboState {id: 'current'})
RETURN state.run_id AS run_id, state.publishing AS publishing
