// The snapshot ledger (snapshot.go): one node per source, record kind and id.
CREATE CONSTRAINT source_assertion_key IF NOT EXISTS FOR (n:SourceAssertion) REQUIRE n.key IS UNIQUE
