// One level of a bounded breadth-first walk towards held entities: for each
// frontier entity, its first $limit outgoing links by relationship id and the
// total number of such links.
UNWIND $ids AS id
MATCH (n:Entity {id: id})
CALL (n) {
  MATCH (n)-[r:__REL_TYPES__]->(o:Entity)
  WITH o, r ORDER BY r.id LIMIT $limit
  RETURN collect({r: r {.*}, holder_id: n.id, held_id: o.id,
                  other: o {.id, .name, .kind, .jurisdiction, .hq_country, .nationality, .residence,
                            .state_owned, .lists, .identifiers, .source, .source_ref, .provenance, .aliases, .address_countries}}) AS links
}
RETURN n.id AS id, links, COUNT { (n)-[:__REL_TYPES__]->(:Entity) } AS total
