// Package queries is the Neo4j store and everything else in ubo that speaks
// Cypher. Every query is an embedded .cypher file under cypher/ (one query
// per file, named by purpose, always parameterised); Go code never builds
// Cypher from data.
//
// Data model in Neo4j:
//
//	(:Entity:Company|Person|StateBody|Arrangement|UnknownHolder {id, name,
//	    kind, jurisdiction, hq_country, nationality[], residence,
//	    state_owned, lists[], identifiers[], source, source_ref, provenance[],
//	    aliases[], address_countries[],
//	    search_forms[] (names.SearchForms of every name: `ubo search`),
//	    name_tokens (names.IndexTokens, space-separated: screening
//	    candidates), verdict, indeterminate, chinese_share_min, chinese_share_max,
//	    _packed})
//	  plus :Flagged on entities the current run flagged
//	(:Identifier {value})-[:IDENTIFIES]->(:Entity)   exact identifier lookup
//	(:Alias {id, into})                              merged-away ids
//	(:Run {id, status, started, finished, policy, policy_hash, as_of, data})
//	(:UboState {id: 'current', run_id, publishing})  the current run: the
//	    complete run last published onto the entities; publishing names a
//	    run whose publish began and has not finished
//	(:UboSchema {id: 'names', names})  the name index version every
//	    entity carries (Init migrates older stores)
//	(:ResultChunk {run_id, seq, first, last, size, ids[], verdicts[],
//	    flagged[], indeterminate[], share_min[], share_max[],
//	    explanations[], data})  up to 5,000 results of a run in entity id
//	    order, the lists parallel; data = every result in store/codec's
//	    binary form (see results.go)
//
// Relationships run holder → held and are typed by kind in upper case
// (:OWNERSHIP, :VOTING, :BOARD, :CONTROL, :INFLUENCE, :CONSOLIDATION, :BRANCH,
// :FUND_MANAGEMENT, :TRUST_ROLE, :NOMINEE, :OFFICER, :UNKNOWN_INTEREST) with
// {id, kind, share_known, share_min, share_max, share_min_exclusive,
// share_max_exclusive, direct, start_date, end_date, source, source_ref,
// _packed}. _packed is a byte-array copy of the fields in store/codec's
// form (a relationship's without its ends), written with the properties by
// every ubo write and read by the whole-graph streams instead of them (see
// packed.go; `ubo db repack` rebuilds it after hand edits).
// Typed relationships rather than one generic type: Browser users write
// (a)-[:OWNERSHIP]->(b), counts by kind come from the count store, and each
// type has its own id index whose order the whole-graph stream reads without
// a server-side sort. Cypher cannot parameterise a relationship type, so the
// few per-kind queries are templates whose __REL_TYPE__ / __REL_TYPES__
// placeholders are filled from model.RelKinds only (see cypher.go).
//
// Writes are UNWIND $rows batches inside one ExecuteWrite transaction per
// caller batch, with labels set dynamically (SET e:$(...)) rather than by
// FOREACH over CASE, and nothing written for unchanged entities or
// relationships. FinishRun publishes verdicts in concurrent UNWIND batches:
// normally only the rows whose values differ from the current run's (Go
// merges the two runs' result chunks), after an interrupted publish or on a
// first run every row, compared on the server; either way only entities
// whose verdict properties or :Flagged label change are written. The run
// they come from is kept once, on the :UboState node, not on every entity,
// so a nightly run writes as many entities as changed verdicts. An entity
// the current run did not score loses :Flagged but keeps the properties of
// the run that last scored it. Whole-graph reads (EachEntity,
// EachRelationship, EachEntityProjected) read keyset pages in index order,
// the next page requested while the caller works on the current one: each
// page is one Bolt record holding the packed copies of up to 10,000
// entities or relationships (with the count and last id it covers, so that
// entries without a copy are read from their properties), because
// per-record driver overhead dominated when rows came one record each, and
// reading thirteen properties per row dominated the server's work. Result
// streams read a run's chunks a few ahead through two read transactions
// and merge them by entity id. Neighbourhood walks breadth-first, one
// query per level, never with a variable-length pattern. The named queries
// for Neo4j Browser users live in the subpackage queries/browser.
package queries
