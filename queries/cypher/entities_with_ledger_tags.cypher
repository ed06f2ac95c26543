// The entities to which $source's previous snapshot gave tags (list tags,
// names, identifiers) that the snapshot of generation $gen does not give
// (else nothing of theirs is retired), each with every ledger entry (any
// source's) of its id and the ids merged into it: [source, pending_gen =
// $gen, committed tags, pending tags].
MATCH (a:SourceAssertion {source: $source})
WHERE a.kind = 0 AND size(coalesce(a.committed_lists, [])) > 0
  AND (a.pending_gen <> $gen OR any(t IN a.committed_lists WHERE NOT t IN coalesce(a.pending_lists, [])))
OPTIONAL MATCH (al:Alias {id: a.id})
WITH DISTINCT coalesce(al.into, a.id) AS id
MATCH (e:Entity {id: id})
CALL (id) {
  OPTIONAL MATCH (x:Alias {into: id})
  WITH collect(x.id) AS merged
  RETURN merged + [id] AS records
}
UNWIND records AS rec
MATCH (l:SourceAssertion {id: rec})
WHERE l.kind = 0
WITH e, collect([l.source, l.pending_gen = $gen, coalesce(l.committed_lists, []), coalesce(l.pending_lists, [])]) AS ledger
RETURN e {.id, .name, .kind, .jurisdiction, .hq_country, .nationality, .residence, .state_owned,
          .lists, .identifiers, .source, .source_ref, .provenance, .aliases, .address_countries} AS e, ledger
