// Full-text name search; $query is a Lucene query built and escaped in Go.
CALL db.index.fulltext.queryNodes('entity_names', $query, {limit: $limit}) YIELD node, score
WHERE node:Entity
RETURN node {.id, .name, .kind, .jurisdiction, .hq_country, .nationality, .residence, .state_owned,
             .lists, .identifiers, .source, .source_ref, .provenance} AS e,
       node.name_folded AS folded, score
ORDER BY score DESC, node.id
