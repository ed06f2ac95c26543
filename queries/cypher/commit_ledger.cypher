// After a retirement the ledger holds the snapshot's records only (the
// others were deleted by delete_stale_ledger.cypher), their list tags
// committed: what the next snapshot is compared with.
MATCH (a:SourceAssertion {source: $source})
SET a.committed_lists = a.pending_lists
