// chinese_roots_most_flagged — the roots (Chinese under the China policies) with the most flagged entities below them.
//
// Parameters:
//   $limit  how many roots to list
// Example (Neo4j Browser):
//   :param limit => 10
//
// Roots are the entities the latest `ubo score` run gave a root verdict
// (CHINESE_ENTITY, or LISTED_ENTITY / ROOT_ENTITY as the policy names its
// roots); their flagged descendants (roots themselves left out)
// are reached down ownership, voting and control-type links within 6 hops
// (a literal: Cypher cannot take a variable-length bound as a parameter). count(DISTINCT ...) lets the
// planner expand each hop once per entity rather than per path, but on a
// large graph keep $limit small and the bound low.
MATCH (root:Entity)
WHERE root.verdict IN ['CHINESE_ENTITY', 'LISTED_ENTITY', 'ROOT_ENTITY']
CALL (root) {
  MATCH (root)-[:OWNERSHIP|VOTING|BOARD|CONTROL|CONSOLIDATION|BRANCH|INFLUENCE*1..6]->(d:Flagged)
  WHERE d <> root AND NOT d.verdict IN ['CHINESE_ENTITY', 'LISTED_ENTITY', 'ROOT_ENTITY']
  RETURN count(DISTINCT d) AS flagged_descendants, collect(DISTINCT d.id)[..10] AS examples
}
WITH root, flagged_descendants, examples
WHERE flagged_descendants > 0
RETURN root.id AS id,
       root.name AS name,
       root.jurisdiction AS jurisdiction,
       root.hq_country AS hq_country,
       flagged_descendants,
       examples
ORDER BY flagged_descendants DESC, id
LIMIT $limit
