// The name index version the store's entities were migrated to (null: never).
OPTIONAL MATCH (s:UboSchema {id: 'names'})
RETURN s.names AS names
