// evidence_paths — why an entity is flagged: paths from roots (Chinese under the China policies) down to it.
//
// Parameters:
//   $id  the entity id
// Example (Neo4j Browser):
//   :param id => 'bods:brecon-wafer'
//
// The engine's own verdict sentence for the entity in the current run
// ((:UboState {id: 'current'}).run_id) is returned as engine_explanation:
// results are stored in chunks, (:ResultChunk {run_id, ids[], verdicts[],
// explanations[], ...}), the entity's position in ids indexing the other
// lists. `ubo explain ID` prints the engine's evidence paths in full. For the graph view, this query also draws the paths from
// entities whose verdict is a root verdict (CHINESE_ENTITY, LISTED_ENTITY,
// ROOT_ENTITY) down to the entity along
// ownership, voting and control-type links (a path stops at the first
// root, as the engine's do), strongest first: share is the product of the
// hops' minimum ownership/voting shares, control-type hops counting 100%.
// The literal bound 1..6 cannot be a parameter in Cypher; edit it here.
MATCH (t:Entity {id: $id})
OPTIONAL MATCH (state:UboState {id: 'current'})
OPTIONAL MATCH (chunk:ResultChunk {run_id: state.run_id})
  WHERE chunk.first <= t.id AND t.id <= chunk.last AND t.id IN chunk.ids
WITH t, chunk ORDER BY chunk.seq DESC LIMIT 1
WITH t, [i IN range(0, size(coalesce(chunk.ids, [])) - 1) WHERE chunk.ids[i] = t.id | chunk.explanations[i]][0] AS engine_explanation
MATCH p = (root:Entity)-[:OWNERSHIP|VOTING|BOARD|CONTROL|CONSOLIDATION|BRANCH|INFLUENCE*1..6]->(t)
WHERE root.verdict IN ['CHINESE_ENTITY', 'LISTED_ENTITY', 'ROOT_ENTITY'] AND root <> t
  AND none(n IN nodes(p)[1..] WHERE n.verdict IN ['CHINESE_ENTITY', 'LISTED_ENTITY', 'ROOT_ENTITY'])
  AND all(n IN nodes(p) WHERE single(m IN nodes(p) WHERE m = n))
  AND none(r IN relationships(p) WHERE r.end_date IS NOT NULL AND r.end_date <= toString(date()))
WITH t, engine_explanation, p, root,
     reduce(s = 100.0, r IN relationships(p) |
       CASE WHEN r.kind IN ['ownership', 'voting'] THEN s * coalesce(r.share_min, 0.0) / 100.0 ELSE s END) AS share
RETURN p,
       t.verdict AS verdict,
       root.id AS root_id,
       root.name AS root,
       share,
       [r IN relationships(p) | r.kind + ' ' + coalesce(r.source, '') + ' ' + coalesce(r.source_ref, '')] AS hop_sources,
       engine_explanation
ORDER BY share DESC, length(p), root_id
LIMIT 25
