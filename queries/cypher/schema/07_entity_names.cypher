// Names are folded in Go (lower case, accents and punctuation removed) into
// name_folded; the analyzer only needs to split words, and must keep stop
// words so that every typed word can be required.
CREATE FULLTEXT INDEX entity_names IF NOT EXISTS FOR (n:Entity) ON EACH [n.name, n.name_folded]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words', `fulltext.eventually_consistent`: false}}
