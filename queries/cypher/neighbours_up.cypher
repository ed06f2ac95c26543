// One level of a bounded breadth-first walk towards holders: for each
// frontier entity, its first $limit incoming links by relationship id and the
// total number of such links. Officers and every other kind count as links.
UNWIND $ids AS id
MATCH (n:Entity {id: id})
CALL (n) {
  MATCH (o:Entity)-[r:__REL_TYPES__]->(n)
  WITH o, r ORDER BY r.id LIMIT $limit
  RETURN collect({r: r {.*}, holder_id: o.id, held_id: n.id,
                  other: o {.id, .name, .kind, .jurisdiction, .hq_country, .nationality, .residence,
                            .state_owned, .lists, .identifiers, .source, .source_ref, .provenance, .aliases, .address_countries}}) AS links
}
RETURN n.id AS id, links, COUNT { (:Entity)-[:__REL_TYPES__]->(n) } AS total
