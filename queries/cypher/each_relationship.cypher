// One page of the relationships of one kind in id order: the $limit after
// id $after (rendered per kind; the per-kind id index gives the order, no
// sort), as one record: the packed copies with their ends (_packed, see
// packed.go), how many relationships the page covers and the last id (see
// pager in store.go). The Go side merges the kinds. collect() leaves out
// the relationships without a copy; where n is larger than the list, Go
// reads their properties with relationships_unpacked_in.cypher. Not even
// the ends are matched: reading the two end entities' ids cost more server
// CPU than the rest.
MATCH ()-[r:__REL_TYPE__]->()
WHERE r.id > $after
WITH r ORDER BY r.id LIMIT $limit
WITH collect(r.id) AS ids, collect(r._packed) AS packed
RETURN packed AS rows, size(ids) AS n, ids[-1] AS last
