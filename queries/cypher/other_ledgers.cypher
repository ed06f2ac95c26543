// The ledger entries of sources other than $source for the entities $ids
// (through the ids merged into them): their list tags.
UNWIND $ids AS id
CALL (id) {
  OPTIONAL MATCH (x:Alias {into: id})
  WITH collect(x.id) AS merged
  RETURN merged + [id] AS records
}
UNWIND records AS rec
MATCH (l:SourceAssertion {id: rec})
WHERE l.kind = 0 AND l.source <> $source
RETURN id, l.source AS source, coalesce(l.committed_lists, []) + coalesce(l.pending_lists, []) AS lists
