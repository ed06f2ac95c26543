// subsidiaries — what an entity owns and controls, up to 6 hops down, with shares.
//
// Parameters:
//   $id  the entity id
// Example (Neo4j Browser):
//   :param id => 'lei:3003005QNV6HK7RT2M97'
//
// The mirror of ownership_chain.cypher: paths from the entity down along
// ownership, voting and control-type links, no entity twice, ended links
// left out. The literal bound 1..6 cannot be a parameter in Cypher; edit
// it here. Each held entity is listed once, by its shortest path.
MATCH (t:Entity {id: $id})
MATCH p = (t)-[:OWNERSHIP|VOTING|BOARD|CONTROL|CONSOLIDATION|BRANCH|INFLUENCE*1..6]->(held:Entity)
WHERE all(n IN nodes(p) WHERE single(m IN nodes(p) WHERE m = n))
  AND none(r IN relationships(p) WHERE r.end_date IS NOT NULL AND r.end_date <= toString(date()))
WITH held, p ORDER BY length(p)
WITH held, collect(p)[0] AS p
RETURN p,
       held.id AS held_id,
       held.name AS held,
       held.verdict AS verdict,
       held:Flagged AS flagged,
       length(p) AS hops
ORDER BY hops, held_id
LIMIT 500
