// Mark the records a snapshot of $source (generation $gen) asserted in the
// snapshot ledger: one :SourceAssertion per source, record kind (0 entity,
// 1 relationship) and id. The list tags of a record marked again in the
// same generation are unioned, those of an older generation replaced;
// committed_lists (the last retired snapshot's) stay until the retirement.
UNWIND $rows AS row
MERGE (a:SourceAssertion {key: row.key})
ON CREATE SET a.source = $source, a.kind = row.kind, a.id = row.id, a.committed_lists = []
SET a.pending_lists = CASE WHEN a.pending_gen = $gen
      THEN coalesce(a.pending_lists, []) + [t IN row.lists WHERE NOT t IN coalesce(a.pending_lists, [])]
      ELSE row.lists END,
    a.pending_gen = $gen
