// Ledger entries of $source that the snapshot of generation $gen did not
// mark: retired now, so the next snapshot need not compare with them.
MATCH (a:SourceAssertion {source: $source})
WHERE a.pending_gen <> $gen
DELETE a
