// $source's snapshot ledger of entities, by the entity each id resolves to.
MATCH (a:SourceAssertion {source: $source})
WHERE a.kind = 0
OPTIONAL MATCH (al:Alias {id: a.id})
RETURN coalesce(al.into, a.id) AS id, a.pending_gen = $gen AS asserted,
       a.committed_lists AS prev, a.pending_lists AS cur
