// How many entities carry each token in name_tokens, counted up to $limit
// (a token in more is only "common"): row.query is the token as a Lucene
// term query, escaped in Go.
UNWIND $rows AS row
CALL (row) {
  CALL db.index.fulltext.queryNodes('entity_name_tokens', row.query, {limit: $limit}) YIELD node
  RETURN count(node) AS df
}
RETURN row.token AS token, df
