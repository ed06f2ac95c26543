// A delta's records in $source's ledger: a record it gives holds its new
// list tags, a deleted one's entry is removed.
UNWIND $rows AS row
CALL (row) {
  WITH row
  WHERE row.found
  MERGE (a:SourceAssertion {key: row.key})
  ON CREATE SET a.source = $source, a.kind = 0, a.id = row.id, a.pending_gen = 0
  SET a.committed_lists = row.lists, a.pending_lists = row.lists
}
CALL (row) {
  WITH row
  WHERE NOT row.found
  MATCH (a:SourceAssertion {key: row.key})
  DELETE a
}
