// name: entity_evidence
// An entity's result in its latest scored run, with the evidence paths
// (JSON in data) and the path entities as a subgraph for the Browser.
// Parameters: $id (entity id).
MATCH (e:Entity {id: $id})
MATCH (r:Result {run_id: e.run_id, entity_id: e.id})
RETURN e.id, e.name, r.verdict, r.flagged, r.indeterminate, r.chinese_share_min, r.chinese_share_max, r.data
