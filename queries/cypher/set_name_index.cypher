// Write the name index properties Go computed for entities of an older store
// (see names_unindexed.cypher); name_folded was the single-name key they
// replace.
UNWIND $rows AS row
MATCH (e:Entity {id: row.id})
SET e.search_forms = row.forms, e.name_tokens = row.tokens
REMOVE e.name_folded
