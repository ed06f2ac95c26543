package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/embedded"
)

// The nightly pipeline through the CLI on an embedded store: generic CSV
// ingest, score, runs, diff and export, with the exit codes cron relies on.

const nightlyEntities = `id,name,kind,jurisdiction,nationality
sasac,SASAC,state_body,CN,
cn-holdco,CN Holdco Co. Ltd,company,CN,
us-inc,US Inc,company,US,
jv-ltd,JV Ltd,company,GB,
target-gmbh,Target GmbH,company,DE,
smith,Jane Smith,person,,GB
clear-co,Clear Co Ltd,company,GB,
`

const nightlyRelationships = `holder_id,held_id,kind,share,start_date,end_date,source_ref
sasac,cn-holdco,ownership,60,2015-03-01,,r1
cn-holdco,jv-ltd,ownership,50,2019-06-30,%s,r2
us-inc,jv-ltd,ownership,50,2019-06-30,,r3
jv-ltd,target-gmbh,ownership,100,2020-01-15,,r4
smith,clear-co,ownership,100,2020-01-15,,r5
`

type nightly struct {
	t         *testing.T
	dir, db   string
	ents, rel string
}

func newNightly(t *testing.T) *nightly {
	dir := t.TempDir()
	n := &nightly{t: t, dir: dir, db: filepath.Join(dir, "ubo.db"),
		ents: filepath.Join(dir, "entities.csv"), rel: filepath.Join(dir, "relationships.csv")}
	n.write(n.ents, nightlyEntities)
	n.ingest("")
	return n
}

func (n *nightly) write(path, content string) {
	n.t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		n.t.Fatal(err)
	}
}

// ingest (re)loads the data; endDate ends the CN Holdco → JV edge.
func (n *nightly) ingest(endDate string) {
	n.t.Helper()
	n.write(n.rel, strings.Replace(nightlyRelationships, "%s", endDate, 1))
	if code, _, stderr := n.ubo("ingest", "csv", "--entities", n.ents, "--relationships", n.rel); code != 0 {
		n.t.Fatalf("ingest: exit %d: %s", code, stderr)
	}
}

func (n *nightly) ubo(args ...string) (int, string, string) {
	n.t.Helper()
	return runUbo(n.t, append([]string{"--db", n.db}, args...)...)
}

func (n *nightly) score(wantCode int, args ...string) model.Run {
	n.t.Helper()
	code, stdout, stderr := n.ubo(append([]string{"score", "--as-of", "2026-01-01", "--json"}, args...)...)
	if code != wantCode {
		n.t.Fatalf("score %v: exit %d, want %d; stderr: %s", args, code, wantCode, stderr)
	}
	var run model.Run
	if err := json.Unmarshal([]byte(stdout), &run); err != nil {
		n.t.Fatalf("score --json output %q: %v", stdout, err)
	}
	return run
}

func jsonlIDs(t *testing.T, s string) []string {
	t.Helper()
	var ids []string
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		if line == "" {
			continue
		}
		var m struct{ ID, Verdict string }
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("jsonl line %q: %v", line, err)
		}
		ids = append(ids, m.ID+"="+m.Verdict)
	}
	return ids
}

func TestNightlyExitCodes(t *testing.T) {
	n := newNightly(t)

	// The first run flags everything it flags: exit 5 with --fail-on-new-flags.
	first := n.score(exitNewFlags, "--fail-on-new-flags")
	if first.Status != model.RunComplete || first.NewlyFlagged != 4 {
		t.Fatalf("first run %+v", first)
	}
	// Same data again: nothing new, exit 0.
	second := n.score(exitOK, "--fail-on-new-flags")
	if second.NewlyFlagged != 0 || second.PreviousRun != first.ID {
		t.Errorf("second run %+v", second)
	}

	// The plain summary is one line on stdout.
	code, stdout, stderr := n.ubo("score", "--as-of", "2026-01-01")
	if code != 0 || strings.Count(stdout, "\n") != 1 || !strings.Contains(stdout, "OWNED_50 2") ||
		!strings.Contains(stdout, "newly flagged 0, newly cleared 0") {
		t.Errorf("summary: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if strings.Contains(stderr, "\r") {
		t.Errorf("progress drawn on a non-terminal stderr: %q", stderr)
	}

	// End the Chinese parent's edge: JV and Target are cleared, nothing new.
	n.ingest("2025-06-30")
	cleared := n.score(exitOK, "--fail-on-new-flags")
	if cleared.NewlyCleared != 2 || cleared.NewlyFlagged != 0 {
		t.Errorf("after ending the edge: %+v", cleared)
	}
	code, stdout, _ = n.ubo("diff", "--json")
	if code != 0 || !strings.Contains(stdout, `"id":"jv-ltd","old_verdict":"OWNED_50","new_verdict":"CLEAR"`) ||
		strings.Count(stdout, "\n") != 2 {
		t.Errorf("diff: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = n.ubo("export", "--changed-since", first.ID)
	if got := jsonlIDs(t, stdout); code != 0 || strings.Join(got, " ") != "jv-ltd=CLEAR target-gmbh=CLEAR" {
		t.Errorf("export --changed-since: exit %d, %v", code, got)
	}
	// Restore it: newly flagged again, exit 5.
	n.ingest("")
	if again := n.score(exitNewFlags, "--fail-on-new-flags"); again.NewlyFlagged != 2 {
		t.Errorf("after restoring the edge: %+v", again)
	}

	code, stdout, _ = n.ubo("runs")
	if code != 0 || strings.Count(stdout, "complete") != 5 {
		t.Errorf("runs: exit %d\n%s", code, stdout)
	}
}

func TestNightlyDryRunWritesNothing(t *testing.T) {
	n := newNightly(t)
	code, stdout, stderr := n.ubo("score", "--dry-run", "--fail-on-new-flags")
	if code != exitNewFlags || !strings.HasPrefix(stdout, "dry run (nothing written)") {
		t.Errorf("dry run: exit %d, %q %q", code, stdout, stderr)
	}
	code, stdout, _ = n.ubo("runs", "--json")
	if code != 0 || strings.TrimSpace(stdout) != "[]" {
		t.Errorf("runs after a dry run: exit %d %q", code, stdout)
	}
}

func TestNightlyUsageErrors(t *testing.T) {
	n := newNightly(t)
	n.score(exitOK)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"score bad as-of", []string{"score", "--as-of", "yesterday"}, "--as-of"},
		{"score unknown policy", []string{"score", "--policy", "no-such-policy"}, "no-such-policy"},
		{"score args", []string{"score", "extra"}, "extra"},
		{"export bad format", []string{"export", "--format", "xml"}, "xml"},
		{"export bad verdict", []string{"export", "--verdict", "RED"}, "RED"},
		{"export unknown changed-since", []string{"export", "--changed-since", "nope"}, `"nope"`},
		{"export unknown run", []string{"export", "--run", "nope"}, `"nope"`},
		{"diff unknown run", []string{"diff", "nope"}, `"nope"`},
		{"diff three runs", []string{"diff", "a", "b", "c"}, "3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := n.ubo(tt.args...)
			if code != exitUsage || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d (want %d), stderr %q (want %q)", code, exitUsage, stderr, tt.want)
			}
		})
	}
}

func TestExportOutAtomic(t *testing.T) {
	n := newNightly(t)
	out := filepath.Join(n.dir, "flagged.jsonl")

	// No run yet: exit 1, and no file, not even an empty one.
	if code, _, stderr := n.ubo("export", "--out", out); code != exitFailure || !strings.Contains(stderr, "ubo score") {
		t.Errorf("export before scoring: exit %d, %q", code, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("failed export left %s: %v", out, err)
	}
	n.score(exitOK)
	// A usage error leaves an existing file alone.
	n.write(out, "yesterday\n")
	if code, _, _ := n.ubo("export", "--out", out, "--changed-since", "nope"); code != exitUsage {
		t.Errorf("exit %d", code)
	}
	if b, _ := os.ReadFile(out); string(b) != "yesterday\n" {
		t.Errorf("failed export replaced the file: %q", b)
	}
	for _, format := range []string{"jsonl", "csv", "bods"} {
		code, stdout, stderr := n.ubo("export", "--format", format, "--out", out)
		if code != 0 || stdout != "" || !strings.Contains(stderr, "exported 4 entities") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", format, code, stdout, stderr)
		}
		b, _ := os.ReadFile(out)
		if !strings.Contains(string(b), "target-gmbh") {
			t.Errorf("%s export lacks target-gmbh: %s", format, b)
		}
	}
	entries, _ := os.ReadDir(n.dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// TestScoreLockedStore: a score while another holds the store's scoring
// lock exits 3 naming the holder; --wait gives up after its duration.
func TestScoreLockedStore(t *testing.T) {
	n := newNightly(t)
	st, err := embedded.Open(n.db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	_, unlock, err := st.LockRuns(context.Background(), store.NewLockHolder("ubo score --policy ofac-50"))
	if err != nil {
		t.Fatal(err)
	}
	checkLockedRefusals(t, func(wait ...string) (int, string, string) {
		return n.ubo(append([]string{"score"}, wait...)...)
	}, "score")
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	n.score(exitOK)
}

// TestNightlyOtherPolicyBetween: a run of another policy between two
// default runs changes neither --fail-on-new-flags nor diff nor runs, which
// compare with the previous run of the same policy and say which.
func TestNightlyOtherPolicyBetween(t *testing.T) {
	n := newNightly(t)
	first := n.score(exitNewFlags, "--fail-on-new-flags")
	doj := n.score(exitNewFlags, "--fail-on-new-flags", "--policy", "doj-covered-person")
	if doj.PreviousRun != "" || doj.Policy != "doj-covered-person" {
		t.Errorf("doj run %+v: want no previous run", doj)
	}
	again := n.score(exitOK, "--fail-on-new-flags")
	if again.PreviousRun != first.ID || again.NewlyFlagged != 0 || again.NewlyCleared != 0 {
		t.Errorf("default after doj: %+v, want compared with %s", again, first.ID)
	}
	code, stdout, stderr := n.ubo("diff")
	if code != 0 || !strings.Contains(stderr, "from run "+first.ID) || !strings.Contains(stderr, "0 change(s)") ||
		strings.Contains(stderr, "warning") {
		t.Errorf("diff: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, _, stderr = n.ubo("diff", doj.ID, again.ID)
	if code != 0 || !strings.Contains(stderr, "warning") || !strings.Contains(stderr, "doj-covered-person@") {
		t.Errorf("diff across policies: exit %d, stderr %q", code, stderr)
	}
	code, stdout, _ = n.ubo("runs")
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if code != 0 || len(lines) != 4 || !strings.HasSuffix(lines[0], "SINCE") ||
		!strings.HasSuffix(lines[1], first.ID) || !strings.Contains(lines[2], "doj-covered-person@") ||
		!strings.HasSuffix(lines[2], "-") {
		t.Errorf("runs: exit %d\n%s", code, stdout)
	}
	// The doj run alone has no earlier run of its policy to diff with.
	n.score(exitOK, "--policy", "doj-covered-person")
	if code, _, stderr := n.ubo("diff"); code != 0 || !strings.Contains(stderr, "from run "+doj.ID) {
		t.Errorf("diff after a second doj run: exit %d, %q", code, stderr)
	}
}

// TestRunsPrune: 'ubo runs prune --keep N' on the CLI, its refusals, and a
// pruned run in runs and diff.
func TestRunsPrune(t *testing.T) {
	n := newNightly(t)
	var ids []string
	for range 4 {
		ids = append(ids, n.score(exitOK).ID)
	}
	code, stdout, stderr := n.ubo("runs", "prune", "--keep", "2", "--json")
	var got struct{ Pruned []string }
	if err := json.Unmarshal([]byte(stdout), &got); code != 0 || err != nil ||
		strings.Join(got.Pruned, " ") != ids[1]+" "+ids[0] {
		t.Errorf("runs prune: exit %d, stdout %q (want %v pruned), stderr %q", code, stdout, ids[:2], stderr)
	}
	code, stdout, _ = n.ubo("runs")
	if code != 0 || strings.Count(stdout, " pruned ") != 2 || strings.Count(stdout, " complete ") != 2 {
		t.Errorf("runs after prune: exit %d\n%s", code, stdout)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"keep 0", []string{"runs", "prune", "--keep", "0"}, exitUsage, "at least 1"},
		{"diff a pruned run", []string{"diff", ids[0]}, exitUsage, "pruned"},
		{"nothing left", []string{"runs", "prune", "--keep", "2"}, exitOK, "pruned the results of 0 run(s)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := n.ubo(tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d (want %d), stderr %q (want %q)", code, tc.code, stderr, tc.want)
			}
		})
	}
	// While a score holds the lock, prune refuses.
	st, err := embedded.Open(n.db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	_, unlock, err := st.LockRuns(context.Background(), store.NewLockHolder("ubo score"))
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if code, _, stderr := n.ubo("runs", "prune"); code != exitUnreachable || !strings.Contains(stderr, "ubo score") {
		t.Errorf("prune of a locked store: exit %d, %q", code, stderr)
	}
}
