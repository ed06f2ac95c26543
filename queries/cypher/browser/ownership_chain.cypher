// name: ownership_chain
// An entity's holders up to 4 hops (bounded), with kind and share on every hop.
// Parameters: $id (entity id). Chinese roots carry verdict CHINESE_ENTITY after `ubo score`.
MATCH (t:Entity {id: $id})
MATCH p = (h:Entity)-[:OWNERSHIP|VOTING|BOARD|CONTROL|CONSOLIDATION|BRANCH|INFLUENCE|UNKNOWN_INTEREST*1..4]->(t)
RETURN p,
       [r IN relationships(p) | startNode(r).id + ' -' + r.kind + ' ' +
          CASE WHEN r.share_known THEN toString(r.share_min) + '..' + toString(r.share_max) + '%' ELSE '?' END +
          '-> ' + endNode(r).id] AS hops,
       h.verdict AS holder_verdict
LIMIT 200
