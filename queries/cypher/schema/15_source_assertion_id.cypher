CREATE INDEX source_assertion_id IF NOT EXISTS FOR (n:SourceAssertion) ON (n.id)
