package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// ubo screen as the nightly job runs it: exit 1 before any run, then the
// rows on stdout or in --out, exit 4 for rejected rows and 5 with
// --fail-on-flagged (which wins over 4).
func TestScreenCommand(t *testing.T) {
	n := newNightly(t)
	customers := filepath.Join(n.dir, "customers.csv")
	n.write(customers, "customer_id,name,country\nk1,CN Holdco Co Ltd,CN\nk2,Clear Co Limited,GB\nk3,Nobody Ltd,FR\n")

	if code, _, stderr := n.ubo("screen", customers); code != 1 || !strings.Contains(stderr, "ubo score") {
		t.Fatalf("screen before score: exit %d, stderr %q", code, stderr)
	}
	n.score(0)

	code, stdout, stderr := n.ubo("screen", customers)
	if code != 0 {
		t.Fatalf("screen: exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], `"status":"MATCHED"`) || !strings.Contains(lines[0], `"verdict":"CHINESE_ENTITY"`) ||
		!strings.Contains(lines[1], `"verdict":"CLEAR"`) || !strings.Contains(lines[2], `"status":"NO_MATCH"`) || !strings.Contains(lines[2], `"verdict":""`) {
		t.Errorf("rows:\n%s", stdout)
	}
	if !strings.Contains(stderr, "3 rows: 2 matched, 0 review, 1 no match; 1 matched flagged") {
		t.Errorf("summary: %s", stderr)
	}

	if code, _, stderr := n.ubo("screen", customers, "--fail-on-flagged"); code != 5 {
		t.Errorf("--fail-on-flagged: exit %d, want 5: %s", code, stderr)
	}

	bad := filepath.Join(n.dir, "bad.csv")
	n.write(bad, "customer_id,name,country\nk1,CN Holdco Co Ltd,CN\nk2,,GB\n")
	out := filepath.Join(n.dir, "rows.csv")
	rejects := filepath.Join(n.dir, "bad-rejects.csv")
	code, stdout, stderr = n.ubo("screen", bad, "--format", "csv", "--out", out, "--rejects", rejects)
	if code != 4 || stdout != "" {
		t.Errorf("rejected row: exit %d (want 4), stdout %q, stderr %s", code, stdout, stderr)
	}
	if b, err := os.ReadFile(out); err != nil || !strings.HasPrefix(string(b), "customer_id,status,score") || strings.Count(string(b), "\n") != 2 {
		t.Errorf("--out csv: %q %v", b, err)
	}
	if b, err := os.ReadFile(rejects); err != nil || !strings.Contains(string(b), "bad.csv,3,name,missing") {
		t.Errorf("rejects: %q %v", b, err)
	}
	if code, _, _ := n.ubo("screen", bad, "--fail-on-flagged", "--rejects", rejects); code != 5 {
		t.Errorf("flagged and rejected: exit %d, want 5", code)
	}

	unknown := filepath.Join(n.dir, "unknown.csv")
	n.write(unknown, "customer_id,nom\nk1,x\n")
	if code, _, stderr := n.ubo("screen", unknown); code != 1 || !strings.Contains(stderr, `unknown column "nom"`) {
		t.Errorf("unknown column: exit %d, %s", code, stderr)
	}
	if code, _, _ := n.ubo("screen", customers, "--format", "xml"); code != 2 {
		t.Errorf("bad --format: exit %d, want 2", code)
	}
}

// Without --rejects a screening that rejects rows writes a new
// <customers>-rejects-<time>.csv, and no later run removes or replaces it;
// a named --rejects file is always written, its header alone when nothing
// was rejected.
func TestScreenRejectsFiles(t *testing.T) {
	n := newNightly(t)
	n.score(0)
	t.Chdir(n.dir)
	clean := filepath.Join(n.dir, "clean.csv")
	n.write(clean, "customer_id,name,country\nk1,CN Holdco Co Ltd,CN\n")
	bad := filepath.Join(n.dir, "bad.csv")
	n.write(bad, "customer_id,name,country\nk1,CN Holdco Co Ltd,CN\nk2,,GB\n")

	rejectsFiles := func() []string {
		m, _ := filepath.Glob(filepath.Join(n.dir, "bad-rejects-*.csv"))
		return m
	}
	if code, _, stderr := n.ubo("screen", bad); code != 4 || len(rejectsFiles()) != 1 || !strings.Contains(stderr, "bad-rejects-") {
		t.Fatalf("first rejected run: exit %d, files %v, stderr %s", code, rejectsFiles(), stderr)
	}
	first := rejectsFiles()[0]
	if b, _ := os.ReadFile(first); !strings.Contains(string(b), "bad.csv,3,name,missing") {
		t.Errorf("rejects file %s: %q", first, b)
	}
	if code, _, stderr := n.ubo("screen", clean); code != 0 || !strings.Contains(stderr, "rejects: none") {
		t.Errorf("clean run: exit %d, stderr %s", code, stderr)
	}
	if code, _, _ := n.ubo("screen", bad); code != 4 {
		t.Errorf("second rejected run: exit %d", code)
	}
	if got := rejectsFiles(); len(got) != 2 || !slices.Contains(got, first) {
		t.Errorf("after a clean and a second rejected run: %v, want the first file kept and a second one", got)
	}

	named := filepath.Join(n.dir, "named-rejects.csv")
	n.write(named, "stale\n")
	if code, _, _ := n.ubo("screen", clean, "--rejects", named); code != 0 {
		t.Errorf("clean run with --rejects: exit %d", code)
	}
	if b, err := os.ReadFile(named); err != nil || string(b) != "file,line,field,reason\n" {
		t.Errorf("named rejects after a clean run: %q %v, want the header alone", b, err)
	}
}
