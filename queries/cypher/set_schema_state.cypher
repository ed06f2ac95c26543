// Record that every entity carries the name index properties of version $names.
MERGE (s:UboSchema {id: 'names'})
SET s.names = $names
