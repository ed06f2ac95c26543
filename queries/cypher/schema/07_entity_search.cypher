// `ubo search`: search_forms holds names.SearchForms of every name of the
// entity (folded in Go: lower case, accents and punctuation removed, Han
// script also as pinyin); the analyzer only needs to split words, and must
// keep stop words so that every typed word can be required.
CREATE FULLTEXT INDEX entity_search IF NOT EXISTS FOR (n:Entity) ON EACH [n.search_forms]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words', `fulltext.eventually_consistent`: false}}
