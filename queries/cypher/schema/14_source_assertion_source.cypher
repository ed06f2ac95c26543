CREATE INDEX source_assertion_source IF NOT EXISTS FOR (n:SourceAssertion) ON (n.source)
