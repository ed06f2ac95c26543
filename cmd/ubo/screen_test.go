package main

import (
	"os"
	"path/filepath"
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
