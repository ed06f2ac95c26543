// Record a run as running (or overwrite a run record of the same id).
MERGE (run:Run {id: $id})
SET run += $props
