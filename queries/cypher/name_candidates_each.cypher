// name_candidates for many queries at once (screening a batch of
// customers): row i of $queries is one Lucene disjunction; each gets its
// own top $limit by BM25 score, ties by id. Lucene gives its top $hits
// (more than $limit, so that ties at the limit are cut by id rather than
// by Lucene's document order), and only the $limit kept are read: their
// packed copy, one property read instead of nine (the property row of an
// entity without one, see packed.go).
UNWIND range(0, size($queries) - 1) AS i
CALL (i) {
  CALL db.index.fulltext.queryNodes('entity_name_tokens', $queries[i], {limit: $hits}) YIELD node, score
  WHERE node:Entity
  WITH node, score ORDER BY score DESC, node.id LIMIT $limit
  RETURN coalesce(node._packed,
                  [node.id, node.name, node.kind, node.jurisdiction, node.hq_country, node.nationality,
                   node.residence, node.state_owned, node.lists, node.identifiers, node.source,
                   node.source_ref, node.provenance, node.aliases, node.address_countries]) AS e,
         score
}
RETURN i, e, score
