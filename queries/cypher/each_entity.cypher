// One page of every entity in id order: the $limit entities after id $after
// (the uniqueness constraint's index gives the order, no sort), as one
// record: the packed copies (_packed, see packed.go: one property read
// instead of thirteen), how many entities the page covers and the last id
// (see pager in store.go). collect() leaves out the entities without a
// copy; where n is larger than the list, Go reads those entities' properties
// with entities_unpacked_in.cypher. A list of byte arrays instead of a row
// per entity also saves the driver a list per row.
MATCH (e:Entity)
WHERE e.id > $after
WITH e ORDER BY e.id LIMIT $limit
WITH collect(e.id) AS ids, collect(e._packed) AS packed
RETURN packed AS rows, size(ids) AS n, ids[-1] AS last
