// Screening candidates: name_tokens holds names.IndexTokens of the entity's
// names, computed in Go and separated by spaces, so the analyzer must only
// split on whitespace (a token such as "shenzhen" or "华信" is kept whole).
// Lucene ranks matches by BM25: a rare token weighs far more than a common one.
CREATE FULLTEXT INDEX entity_name_tokens IF NOT EXISTS FOR (n:Entity) ON EACH [n.name_tokens]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace', `fulltext.eventually_consistent`: false}}
