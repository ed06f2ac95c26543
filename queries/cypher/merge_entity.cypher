// Fold entity $from into entity $into (both canonical, distinct): $props are
// $into's properties after the merge, computed in Go by the merge rule
// (store.MergeInto), with $label / $unlabel the kind labels to set and drop;
// $from's relationships are re-created on $into with
// the same type and properties (ids unchanged); identifiers follow; $from
// becomes an alias of $into, and aliases of $from now point at $into.
MATCH (f:Entity {id: $from})
MATCH (i:Entity {id: $into})
SET i += $props
REMOVE i:$($unlabel)
SET i:$($label)
WITH f, i
CALL (f, i) {
  MATCH (f)-[r:__REL_TYPES__]->(x:Entity)
  WITH r, CASE WHEN x = f THEN i ELSE x END AS y
  CREATE (i)-[c:$(type(r))]->(y)
  SET c = properties(r)
  REMOVE c._packed
  DELETE r
}
CALL (f, i) {
  MATCH (x:Entity)-[r:__REL_TYPES__]->(f)
  CREATE (x)-[c:$(type(r))]->(i)
  SET c = properties(r)
  REMOVE c._packed
  DELETE r
}
CALL (f, i) {
  MATCH (old:Alias {into: f.id})
  SET old.into = i.id
}
MERGE (a:Alias {id: f.id})
SET a.into = i.id
FOREACH (v IN i.identifiers |
  MERGE (n:Identifier {value: v})
  MERGE (n)-[:IDENTIFIES]->(i))
DETACH DELETE f
RETURN i.id AS into_id
