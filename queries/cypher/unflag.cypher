// Remove :Flagged from the given entities (flagged, but without a result in
// the run being published).
UNWIND $ids AS id
MATCH (e:Entity {id: id})
REMOVE e:Flagged
