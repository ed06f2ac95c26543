// name_candidates for many queries at once (screening a batch of
// customers): row i of $queries is one Lucene disjunction; each gets its
// own top $limit, best BM25 score first. Only what the matcher reads is
// returned (names and countries), not lists, identifiers or provenance.
UNWIND range(0, size($queries) - 1) AS i
CALL (i) {
  CALL db.index.fulltext.queryNodes('entity_name_tokens', $queries[i], {limit: $limit}) YIELD node, score
  WHERE node:Entity
  RETURN node {.id, .name, .kind, .jurisdiction, .hq_country, .nationality, .residence,
               .aliases, .address_countries} AS e,
         score
}
RETURN i, e, score
