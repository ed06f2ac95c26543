// ownership_chain — who owns and controls an entity, up to 6 hops up, with shares.
//
// Parameters:
//   $id  the entity id (as `ubo search` prints it)
// Example (Neo4j Browser):
//   :param id => 'lei:213800NBS9GB4K2P6X33'
//
// Every path from a holder down to the entity along ownership, voting and
// control-type links (board, control, consolidation, branch, influence),
// without repeating an entity and without ended links. The hop limit is a
// literal (1..6) because Cypher cannot take a variable-length bound as a
// parameter: edit it here for longer chains. This query enumerates paths,
// which is fine for one entity in a Browser session; `ubo score` never
// does (it solves the whole graph in memory). Returns paths for the graph
// view and one readable line per path.
MATCH (t:Entity {id: $id})
MATCH p = (holder:Entity)-[:OWNERSHIP|VOTING|BOARD|CONTROL|CONSOLIDATION|BRANCH|INFLUENCE*1..6]->(t)
WHERE all(n IN nodes(p) WHERE single(m IN nodes(p) WHERE m = n))
  AND none(r IN relationships(p) WHERE r.end_date IS NOT NULL AND r.end_date <= toString(date()))
RETURN p,
       holder.id AS holder_id,
       holder.name AS holder,
       holder.verdict AS holder_verdict,
       length(p) AS hops,
       [r IN relationships(p) |
          startNode(r).name + ' —' +
          CASE WHEN r.share_known THEN toString(r.share_min) + CASE WHEN r.share_max <> r.share_min THEN '..' + toString(r.share_max) ELSE '' END + '% ' ELSE '' END +
          r.kind + '→ ' + endNode(r).name] AS chain
ORDER BY hops, holder_id
LIMIT 200
