package queries

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/ubo-project/ubo/model"
)

//go:embed cypher/*.cypher cypher/schema/*.cypher
var cypherFiles embed.FS

// relType is the Neo4j relationship type of a kind: OWNERSHIP, FUND_MANAGEMENT, ...
func relType(k model.RelKind) string { return strings.ToUpper(string(k)) }

// allRelTypes is the alternation of every ubo relationship type, used in
// patterns that must not see other relationships (e.g. :IDENTIFIES).
func allRelTypes() string {
	types := make([]string, len(model.RelKinds))
	for i, k := range model.RelKinds {
		types[i] = relType(k)
	}
	return strings.Join(types, "|")
}

// mustQuery returns an embedded query with __REL_TYPES__ filled in. Cypher
// cannot parameterise relationship types, so those placeholders are the one
// thing substituted, and only from model.RelKinds.
func mustQuery(name string) string {
	b, err := cypherFiles.ReadFile("cypher/" + name + ".cypher")
	if err != nil {
		panic(fmt.Sprintf("queries: embedded query %s: %v", name, err))
	}
	return strings.ReplaceAll(string(b), "__REL_TYPES__", allRelTypes())
}

// perKind renders a query template once per relationship kind.
func perKind(name string) map[model.RelKind]string {
	q := mustQuery(name)
	out := make(map[model.RelKind]string, len(model.RelKinds))
	for _, k := range model.RelKinds {
		out[k] = strings.ReplaceAll(q, "__REL_TYPE__", relType(k))
	}
	return out
}

// schemaStatements lists the schema files in name order, per-kind templates
// expanded for every kind.
func schemaStatements() []string {
	entries, err := fs.ReadDir(cypherFiles, "cypher/schema")
	if err != nil {
		panic(fmt.Sprintf("queries: embedded schema: %v", err))
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	var out []string
	for _, n := range names {
		q := mustQuery("schema/" + strings.TrimSuffix(n, ".cypher"))
		if !strings.Contains(q, "__REL_TYPE__") {
			out = append(out, q)
			continue
		}
		for _, k := range model.RelKinds {
			out = append(out, strings.ReplaceAll(q, "__REL_TYPE__", relType(k)))
		}
	}
	return out
}

// The queries, loaded once.
var (
	qUpsertEntities        = mustQuery("upsert_entities")
	qEntitiesForUpsert     = mustQuery("entities_for_upsert")
	qUpsertRelationships   = perKind("upsert_relationships")
	qRelsOfRecords         = perKind("relationships_of_records")
	qEachEntity            = mustQuery("each_entity")
	qEachRelationship      = perKind("each_relationship")
	qEachEntityProperties  = mustQuery("each_entity_properties")
	qEachRelProperties     = perKind("each_relationship_properties")
	qEntitiesByIDs         = mustQuery("entities_by_ids")
	qSetEntityPacked       = mustQuery("set_entity_packed")
	qSetRelPacked          = perKind("set_relationship_packed")
	qEntitiesUnpackedIn    = mustQuery("entities_unpacked_in")
	qRelsUnpackedIn        = perKind("relationships_unpacked_in")
	qUnpackedRelsOf        = mustQuery("unpacked_relationships_of")
	qEntityByID            = mustQuery("entity_by_id")
	qEntitiesByIdentifier  = mustQuery("entities_by_identifier")
	qSearchNames           = mustQuery("search_names")
	qSchemaState           = mustQuery("schema_state")
	qSetSchemaState        = mustQuery("set_schema_state")
	qNamesUnindexed        = mustQuery("names_unindexed")
	qSetNameIndex          = mustQuery("set_name_index")
	qCanonicalIDs          = mustQuery("canonical_ids")
	qNeighboursUp          = mustQuery("neighbours_up")
	qNeighboursDown        = mustQuery("neighbours_down")
	qMergeResolve          = mustQuery("merge_resolve")
	qMergeEntity           = mustQuery("merge_entity")
	qBeginRun              = mustQuery("begin_run")
	qFinishRun             = mustQuery("finish_run")
	qSetCurrentRun         = mustQuery("set_current_run")
	qRunExists             = mustQuery("run_exists")
	qRuns                  = mustQuery("runs")
	qCreateResultChunks    = mustQuery("create_result_chunks")
	qResultChunks          = mustQuery("result_chunks")
	qLoadResultChunks      = mustQuery("load_result_chunks")
	qLoadResultChunkFlags  = mustQuery("load_result_chunk_flags")
	qResultOf              = mustQuery("result_of")
	qResultOfAny           = mustQuery("result_of_any")
	qResultChunkBySeq      = mustQuery("result_chunk_by_seq")
	qResultChunkSummary    = mustQuery("result_chunk_summary")
	qStoredResults         = mustQuery("stored_results")
	qNameCandidatesEach    = mustQuery("name_candidates_each")
	qTokenFrequencies      = mustQuery("token_frequencies")
	qEntitiesByIdentifiers = mustQuery("entities_by_identifiers")
	qPublishResults        = mustQuery("publish_results")
	qFlaggedEntities       = mustQuery("flagged_entities")
	qPublishState          = mustQuery("publish_state")
	qBeginPublish          = mustQuery("begin_publish")
	qUnflag                = mustQuery("unflag")
	qLockRuns              = mustQuery("lock_runs")
	qPublishedVerdicts     = mustQuery("published_verdicts")
	qHeartbeatLock         = mustQuery("heartbeat_lock")
	qUnlockRuns            = mustQuery("unlock_runs")
	qTakeOverLock          = mustQuery("take_over_lock")
	qDeleteResultChunks    = mustQuery("delete_result_chunks")
	qReset                 = mustQuery("reset") // per label, see Reset
	qServerVersion         = mustQuery("server_version")
	qCountEntities         = mustQuery("count_entities")
	qCountRelationships    = perKind("count_relationships")
)
