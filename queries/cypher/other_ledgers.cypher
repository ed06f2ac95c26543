// The other sources' ledger entries (list tags) of the entities $ids, through
// the ids merged into them.
UNWIND $ids AS id
CALL (id) {
  OPTIONAL MATCH (al:Alias {into: id})
  WITH collect(al.id) AS merged
  RETURN merged + [id] AS recordIDs
}
UNWIND recordIDs AS rec
MATCH (a:SourceAssertion {id: rec})
WHERE a.kind = 0 AND a.source <> $source
RETURN id, a.source AS source, coalesce(a.committed_lists, []) + coalesce(a.pending_lists, []) AS lists
