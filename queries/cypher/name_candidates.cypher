// Screening candidates: entities whose name_tokens match any of the tokens in
// $query (a Lucene disjunction built and escaped in Go), best BM25 score
// first; Lucene keeps only the top $limit, so a common token costs no more
// than a rare one.
CALL db.index.fulltext.queryNodes('entity_name_tokens', $query, {limit: $limit}) YIELD node, score
WHERE node:Entity
RETURN node {.id, .name, .kind, .jurisdiction, .hq_country, .nationality, .residence, .state_owned,
             .lists, .identifiers, .source, .source_ref, .provenance, .aliases, .address_countries} AS e,
       score
ORDER BY score DESC, node.id
