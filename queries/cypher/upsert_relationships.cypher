// Upsert a batch of relationships of one kind, keyed by id. Rendered once per
// kind: __REL_TYPE__ is replaced by the upper-case kind (OWNERSHIP, VOTING, ...)
// from a fixed list, because Cypher cannot parameterise relationship types.
// Ends that are aliases resolve to their canonical entity; a row whose holder
// or held entity is missing is dropped, and the caller compares the count.
//
// Not MERGE: once the planner's statistics for a type are stale it may plan
// MERGE's read as a scan of the whole id index per row (seen: 18M index
// entries read for a 192-row batch), and MERGE takes no index hint. So the
// existing relationship is found by a seek of the id index (USING INDEX SEEK:
// a plain USING INDEX still allowed the scan), a missing
// one is created, and an existing one is written only when its properties
// differ, so re-ingesting unchanged data writes nothing. Go sends each id at
// most once per batch; the ingest writes from one writer at a time.
//
// The packed copy in row.props names the ends as given; where an end was an
// alias the query returns [id, holder, held] with the canonical ends, and
// Go rewrites the copy (set_relationship_packed.cypher). For those rows the
// stored copy is left out of the comparison, so re-ingesting them writes
// nothing either.
UNWIND $rows AS row
OPTIONAL MATCH (ha:Alias {id: row.holder_id})
OPTIONAL MATCH (ta:Alias {id: row.held_id})
WITH row, coalesce(ha.into, row.holder_id) AS hid, coalesce(ta.into, row.held_id) AS tid
MATCH (h:Entity {id: hid})
MATCH (t:Entity {id: tid})
OPTIONAL MATCH (h)-[r:__REL_TYPE__]->(t)
USING INDEX SEEK r:__REL_TYPE__(id)
WHERE r.id = row.id
WITH h, t, r, row, hid, tid, hid <> row.holder_id OR tid <> row.held_id AS aliased
CALL (h, t, r, row) {
  WITH h, t, r, row
  WHERE r IS NULL
  CREATE (h)-[n:__REL_TYPE__]->(t)
  SET n = row.props
}
CALL (r, row, aliased) {
  WITH r, row, aliased, row.props AS props
  WHERE r IS NOT NULL
    AND properties(r) <> CASE WHEN aliased THEN props {.*, _packed: r._packed} ELSE props END
  SET r = row.props
}
RETURN count(*) AS written, collect(CASE WHEN aliased THEN [row.id, hid, tid] END) AS aliased
