// One page of the migration of entities stored before the name index
// properties existed: the $limit entities after id $after in id order (the
// uniqueness constraint's index gives the order), the last id read, and
// those of them without name_tokens.
MATCH (e:Entity)
WHERE e.id > $after
WITH e ORDER BY e.id LIMIT $limit
WITH collect(e) AS page
RETURN CASE WHEN size(page) = 0 THEN null ELSE page[-1].id END AS last,
       [e IN page WHERE e.name_tokens IS NULL |
        e {.id, .name, .aliases}] AS missing
