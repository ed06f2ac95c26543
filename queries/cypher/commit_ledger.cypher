// After a retirement the ledger holds the snapshot's records only (the
// others were deleted by delete_stale_ledger.cypher), their list tags
// committed: what the next snapshot is compared with. Entries whose tags
// did not change are not written.
MATCH (a:SourceAssertion {source: $source})
WHERE coalesce(a.committed_lists, []) <> coalesce(a.pending_lists, [])
SET a.committed_lists = a.pending_lists
