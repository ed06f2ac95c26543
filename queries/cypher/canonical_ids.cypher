// Map ids (entities or aliases) to the entity they resolve to.
UNWIND $ids AS id
OPTIONAL MATCH (alias:Alias {id: id})
WITH id, coalesce(alias.into, id) AS eid
MATCH (e:Entity {id: eid})
RETURN id, e.id AS canonical
