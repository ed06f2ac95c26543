// Upsert a batch of relationships of one kind, keyed by id. Rendered once per
// kind: __REL_TYPE__ is replaced by the upper-case kind (OWNERSHIP, VOTING, ...)
// from a fixed list, because Cypher cannot parameterise relationship types.
// Ends that are aliases resolve to their canonical entity; a row whose holder
// or held entity is missing is dropped, and the caller compares the count.
UNWIND $rows AS row
OPTIONAL MATCH (ha:Alias {id: row.holder_id})
OPTIONAL MATCH (ta:Alias {id: row.held_id})
WITH row, coalesce(ha.into, row.holder_id) AS hid, coalesce(ta.into, row.held_id) AS tid
MATCH (h:Entity {id: hid})
MATCH (t:Entity {id: tid})
MERGE (h)-[r:__REL_TYPE__ {id: row.props.id}]->(t)
SET r = row.props
RETURN count(*) AS written
