// flagged_by_verdict — the entities flagged by the latest complete `ubo score` run.
//
// Parameters:
//   $verdict  one of CHINESE_ENTITY (LISTED_ENTITY, ROOT_ENTITY under policies
//             naming their roots so), CONTROLLED, OWNED_50, JOINT_CONTROL
//             (null: every flagged entity)
// Example (Neo4j Browser):
//   :param verdict => 'CONTROLLED'
//
// `ubo score` copies each entity's latest verdict onto the entity
// (verdict, indeterminate, chinese_share_min/max) and labels the flagged
// ones :Flagged, so this needs no look-up in the (:ResultChunk) nodes. The run
// they come from is kept once: (:UboState {id: 'current'}).run_id.
// Strongest verdict first, then id.
OPTIONAL MATCH (state:UboState {id: 'current'})
MATCH (e:Entity:Flagged)
WHERE $verdict IS NULL OR e.verdict = $verdict
RETURN e.id AS id,
       e.name AS name,
       e.kind AS kind,
       e.jurisdiction AS jurisdiction,
       e.verdict AS verdict,
       e.indeterminate AS indeterminate,
       e.chinese_share_min AS chinese_share_min,
       e.chinese_share_max AS chinese_share_max,
       state.run_id AS run_id
ORDER BY CASE e.verdict WHEN 'CHINESE_ENTITY' THEN 0 WHEN 'LISTED_ENTITY' THEN 0 WHEN 'ROOT_ENTITY' THEN 0 WHEN 'CONTROLLED' THEN 1 WHEN 'OWNED_50' THEN 2
                        WHEN 'JOINT_CONTROL' THEN 3 ELSE 4 END, id
