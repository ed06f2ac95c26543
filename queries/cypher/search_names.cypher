// Full-text search over every name's search forms; $query is a Lucene query
// built and escaped in Go.
CALL db.index.fulltext.queryNodes('entity_search', $query, {limit: $limit}) YIELD node, score
WHERE node:Entity
RETURN node {.id, .name, .kind, .jurisdiction, .hq_country, .nationality, .residence, .state_owned,
             .lists, .identifiers, .source, .source_ref, .provenance, .aliases, .address_countries} AS e,
       score
ORDER BY score DESC, node.id
