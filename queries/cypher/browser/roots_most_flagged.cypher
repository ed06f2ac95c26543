// name: roots_most_flagged
// Chinese roots (verdict CHINESE_ENTITY) ranked by the flagged entities within
// 4 hops below them (bounded).
MATCH (root:Entity {verdict: 'CHINESE_ENTITY'})
CALL (root) {
  MATCH (root)-[:OWNERSHIP|VOTING|BOARD|CONTROL|CONSOLIDATION|BRANCH*1..4]->(d:Flagged)
  RETURN count(DISTINCT d) AS flagged_descendants
}
RETURN root.id, root.name, root.jurisdiction, flagged_descendants
ORDER BY flagged_descendants DESC, root.id
LIMIT 50
