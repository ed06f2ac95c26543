// Update a run record; no row when the run was never begun.
MATCH (run:Run {id: $id})
SET run += $props
RETURN run.id AS id
