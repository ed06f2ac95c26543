// The baseline users run today in Neo4j: every ownership path from every
// Chinese root downstream, the shares multiplied along each path and summed
// per reached entity (the certain share, the lower bound; an unknown share
// multiplies as 0 but is still walked). Current edges only, as of $as_of.
// $roots are the root ids (chosen in Go by the policy's root rules, as the
// in-memory baseline does).
MATCH (r:Entity) WHERE r.id IN $roots
MATCH p = (r)-[:OWNERSHIP*]->(t:Entity)
WHERE all(x IN relationships(p) WHERE (x.end_date IS NULL OR x.end_date > $as_of)
                                  AND (x.start_date IS NULL OR x.start_date <= $as_of))
WITH t, count(p) AS paths,
     sum(reduce(s = 1.0, x IN relationships(p) |
         s * CASE WHEN x.share_known THEN x.share_min / 100.0 ELSE 0.0 END)) AS share
RETURN count(t) AS reached, sum(paths) AS paths, sum(share) AS total
