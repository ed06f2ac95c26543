// The records of a delta file ($ids, as the source wrote them): the entity
// each resolves to and its ledger entry of $source ($prefix + id), if any.
UNWIND $ids AS id
OPTIONAL MATCH (al:Alias {id: id})
OPTIONAL MATCH (a:SourceAssertion {key: $prefix + id})
RETURN id, coalesce(al.into, id) AS eid, a IS NOT NULL AS found, coalesce(a.committed_lists, []) AS lists
