// Copy the next $limit results of a complete run (after entity id $after)
// onto their entities, so Neo4j Browser users can query verdicts directly,
// and set or remove the :Flagged label (dynamic labels: an empty list sets
// or removes nothing, cheaper per row than FOREACH over CASE).
MATCH (r:Result)
WHERE r.run_id = $run_id AND r.entity_id > $after
WITH r ORDER BY r.run_id, r.entity_id LIMIT $limit
CALL (r) {
  MATCH (e:Entity {id: r.entity_id})
  SET e.verdict = r.verdict,
      e.indeterminate = r.indeterminate,
      e.chinese_share_min = r.chinese_share_min,
      e.chinese_share_max = r.chinese_share_max,
      e.run_id = r.run_id
  SET e:$(CASE WHEN r.flagged THEN ['Flagged'] ELSE [] END)
  REMOVE e:$(CASE WHEN r.flagged THEN [] ELSE ['Flagged'] END)
}
RETURN count(r) AS n, max(r.entity_id) AS last
