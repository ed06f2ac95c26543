package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/store"
)

// ingestJSON runs `ubo ingest --json` and decodes its summary.
func ingestJSON(t *testing.T, db string, wantCode int, args ...string) (ingestSummary, string) {
	t.Helper()
	code, stdout, stderr := runUbo(t, append([]string{"--db", db, "ingest", "--json"}, args...)...)
	if code != wantCode {
		t.Fatalf("ubo ingest %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, wantCode, stdout, stderr)
	}
	var s ingestSummary
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatalf("ingest --json: %v: %q", err, stdout)
	}
	return s, stderr
}

// The summary counts distinct entities, each once however many records
// wrote it (a GLEIF parent named by three relationship records is one
// entity), as new, updated or unchanged, on both stores; a re-ingest is
// all unchanged.
func TestIngestCountsDistinctEntities(t *testing.T) {
	rr, err := filepath.Abs(filepath.Join("..", "..", "testdata", "gleif", "rr-shared-ends.xml"))
	if err != nil {
		t.Fatal(err)
	}
	ftm, err := filepath.Abs(filepath.Join("..", "..", "testdata", "ftm", "skipped.ftm.json"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	renamed := filepath.Join(dir, "renamed.ftm.json")
	b, err := os.ReadFile(ftm)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(renamed, []byte(strings.ReplaceAll(string(b), `"Example Payee Holdings Ltd"`, `"Example Payee Holdings Limited"`)), 0o644); err != nil {
		t.Fatal(err)
	}
	type step struct {
		args                []string
		code                int
		written, relWritten int
		entities            ingest.EntityCounts
		line                string // the summary line says
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"gleif relationships with shared ends", []step{
			{args: []string{"gleif", rr}, written: 20, relWritten: 10, entities: ingest.EntityCounts{New: 16},
				line: "read 10, written 20 entities and 10 relationships, rejected 0 (rejects: none); 16 distinct entities: 16 new, 0 updated, 0 unchanged; resolved"},
			{args: []string{"gleif", rr}, written: 20, relWritten: 10, entities: ingest.EntityCounts{Unchanged: 16},
				line: "16 distinct entities: 0 new, 0 updated, 16 unchanged"},
		}},
		{"ftm renamed", []step{
			{args: []string{"ftm", ftm}, code: exitRejects, written: 2, relWritten: 1, entities: ingest.EntityCounts{New: 2}},
			{args: []string{"ftm", renamed}, code: exitRejects, written: 2, relWritten: 1, entities: ingest.EntityCounts{Updated: 1, Unchanged: 1},
				line: "2 distinct entities: 0 new, 1 updated, 1 unchanged"},
			{args: []string{"ftm", renamed}, code: exitRejects, written: 2, relWritten: 1, entities: ingest.EntityCounts{Unchanged: 2}},
		}},
	}
	for _, tt := range tests {
		for _, s := range bothStores {
			t.Run(tt.name+"/"+s.name, func(t *testing.T) {
				db := s.db(t)
				t.Chdir(t.TempDir())
				for i, st := range tt.steps {
					got, stderr := ingestJSON(t, db, st.code, st.args...)
					if got.EntitiesWritten != st.written || got.RelationshipsWritten != st.relWritten ||
						got.Entities == nil || *got.Entities != st.entities {
						t.Errorf("step %d: entities written %d, relationships %d, distinct %+v; want %d, %d, %+v",
							i, got.EntitiesWritten, got.RelationshipsWritten, got.Entities, st.written, st.relWritten, st.entities)
					}
					if !strings.Contains(stderr, st.line) {
						t.Errorf("step %d: summary lacks %q:\n%s", i, st.line, stderr)
					}
				}
			})
		}
	}
}

// FtM records of schemata with no ownership meaning are counted as
// skipped, by schema, in the summary line and --json: every line read is
// written, rejected or skipped.
func TestIngestFtMCountsSkippedRecords(t *testing.T) {
	ftm, err := filepath.Abs(filepath.Join("..", "..", "testdata", "ftm", "skipped.ftm.json"))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	got, stderr := ingestJSON(t, filepath.Join(t.TempDir(), "ubo.db"), exitRejects, "ftm", ftm)
	want := map[string]int{"Address": 2, "Payment": 1, "Ownership of a record left out of the graph": 1}
	if got.Skipped != 4 || !reflect.DeepEqual(got.SkippedBy, want) {
		t.Errorf("skipped %d %v, want 4 %v", got.Skipped, got.SkippedBy, want)
	}
	// No line of the file needs a placeholder, so each line written is one record.
	if written := got.EntitiesWritten + got.RelationshipsWritten; got.Read != written+got.Rejected+got.Skipped {
		t.Errorf("read %d != written %d + rejected %d + skipped %d", got.Read, written, got.Rejected, got.Skipped)
	}
	if line := "skipped 4 (Address 2, Ownership of a record left out of the graph 1, Payment 1)"; !strings.Contains(stderr, line) {
		t.Errorf("summary lacks %q:\n%s", line, stderr)
	}
}

// An OpenSanctions deletion carries only the id: it applies like any
// deletion, on both stores. The sanctioned owner deleted becomes inactive,
// its tags retired; the ownership deleted is ended: either way what it
// owned is CLEAR after scoring. Ids the store does not have are counted
// in the summary, not rejected.
func TestFtMDeleteByIDAlone(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string { return writeTestFile(t, dir, name, content) }
	entities := write("entities.ftm.json",
		ftmLine("NK-parent", "Example Listed Holdings Ltd", "Company", map[string][]string{"name": {"Example Listed Holdings Ltd"},
			"jurisdiction": {"ru"}, "topics": {"sanction"}}, []string{"ubo_fixture", "us_ofac_sdn"}, true)+
			ftmLine("NK-sub", "Example Subsidiary GmbH", "Company", map[string][]string{"name": {"Example Subsidiary GmbH"}, "jurisdiction": {"de"}}, []string{"ubo_fixture"}, false)+
			ftmLine("NK-own", "", "Ownership", map[string][]string{"owner": {"NK-parent"}, "asset": {"NK-sub"}, "percentage": {"60"}}, []string{"ubo_fixture"}, false))
	tests := []struct {
		name, delta string
		wantDelta   *deltaSummary // nil: no entity record changed
		relWritten  int
		says        []string
	}{
		{"owner", `{"op":"DEL","entity":{"id":"NK-parent"}}` + "\n" + `{"op":"DEL","entity":{"id":"NK-never-seen"}}` + "\n",
			&deltaSummary{Changes: 1, RetireStats: store.RetireStats{Entities: 1, ListTags: 3}}, 0,
			[]string{"delta: 1 record change(s): 1 entity(ies) inactive, 0 reactivated, 3 list tag(s) retired",
				"skipped 1 (DEL of an id not in the store 1)"}},
		{"ownership", `{"op":"DEL","entity":{"id":"NK-own"}}` + "\n" + `{"op":"DEL","entity":{"id":"NK-never-seen"}}` + "\n",
			nil, 1, []string{"written 0 entities and 1 relationships", "skipped 1 (DEL of an id not in the store 1)"}},
	}
	for _, tt := range tests {
		delta := write(tt.name+".delta.json", tt.delta)
		for _, s := range bothStores {
			t.Run(tt.name+"/"+s.name, func(t *testing.T) {
				db := s.db(t)
				t.Chdir(t.TempDir())
				verdict := func() string {
					t.Helper()
					if code, out, stderr := runUbo(t, "--db", db, "score", "--policy", "ofac-50"); code != 0 {
						t.Fatalf("score: exit %d\n%s%s", code, out, stderr)
					}
					code, out, stderr := runUbo(t, "--db", db, "explain", "ftm:NK-sub", "--json")
					var x struct {
						Result struct {
							Verdict string `json:"verdict"`
						} `json:"result"`
					}
					if err := json.Unmarshal([]byte(out), &x); code != 0 || err != nil {
						t.Fatalf("explain: exit %d, %v\n%s%s", code, err, out, stderr)
					}
					return x.Result.Verdict
				}
				ingestJSON(t, db, 0, "ftm", entities)
				if v := verdict(); v != "OWNED_50" {
					t.Fatalf("before the delta NK-sub is %s, want OWNED_50", v)
				}
				got, stderr := ingestJSON(t, db, 0, "ftm", delta)
				if got.Rejected != 0 || got.Skipped != 1 || got.SkippedBy["DEL of an id not in the store"] != 1 || got.RelationshipsWritten != tt.relWritten {
					t.Errorf("delta summary %+v, want no reject, the unknown id skipped, %d relationship(s) written", got, tt.relWritten)
				}
				if !reflect.DeepEqual(got.Delta, tt.wantDelta) {
					t.Errorf("delta %+v, want %+v", got.Delta, tt.wantDelta)
				}
				for _, line := range tt.says {
					if !strings.Contains(stderr, line) {
						t.Errorf("summary lacks %q:\n%s", line, stderr)
					}
				}
				if v := verdict(); v != "CLEAR" {
					t.Errorf("after the id-only deletion NK-sub is %s, want CLEAR", v)
				}
			})
		}
	}
}

// writeTestFile writes content to dir/name and returns the path.
func writeTestFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
