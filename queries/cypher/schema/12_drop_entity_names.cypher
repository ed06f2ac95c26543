// The name index of stores written before aliases (name and name_folded
// only), replaced by entity_search.
DROP INDEX entity_names IF EXISTS
