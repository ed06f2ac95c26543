package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMistypedDBCreatesNothing: every command that only reads a store, and
// score, fails with exit 3 on a --db path that does not exist, and leaves no
// file there.
func TestMistypedDBCreatesNothing(t *testing.T) {
	dir := t.TempDir()
	customers := filepath.Join(dir, "customers.csv")
	if err := os.WriteFile(customers, []byte("customer_id,name\nc1,Acme Ltd\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
	}{
		{"search", []string{"search", "acme"}},
		{"explain", []string{"explain", "gb-coh:1"}},
		{"chain", []string{"chain", "gb-coh:1"}},
		{"db status", []string{"db", "status"}},
		{"db repack", []string{"db", "repack"}},
		{"db reset", []string{"db", "reset", "--force"}},
		{"export", []string{"export"}},
		{"runs", []string{"runs"}},
		{"diff", []string{"diff"}},
		{"screen", []string{"screen", customers}},
		{"serve", []string{"serve", "--listen", "127.0.0.1:0"}},
		{"score", []string{"score"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(dir, "ubo-typo.db")
			code, _, stderr := runUbo(t, append([]string{"--db", db}, tc.args...)...)
			if code != exitUnreachable || !strings.Contains(stderr, db) || !strings.Contains(stderr, "no such store") {
				t.Errorf("exit %d (want %d), stderr %q", code, exitUnreachable, stderr)
			}
			matches, _ := filepath.Glob(db + "*")
			if len(matches) > 0 {
				t.Errorf("%s left %v", tc.name, matches)
			}
		})
	}
}

// TestScoreEmptyStore: scoring a store that exists but holds nothing fails
// (exit 1) and records no run.
func TestScoreEmptyStore(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ubo.db")
	if code, _, stderr := runUbo(t, "--db", db, "db", "init"); code != 0 {
		t.Fatalf("db init: exit %d, %s", code, stderr)
	}
	code, stdout, stderr := runUbo(t, "--db", db, "score", "--fail-on-new-flags")
	if code != exitFailure || !strings.Contains(stderr, "no entities") || stdout != "" {
		t.Errorf("score of an empty store: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if code, stdout, _ := runUbo(t, "--db", db, "runs", "--json"); code != 0 || strings.TrimSpace(stdout) != "[]" {
		t.Errorf("runs: exit %d, %q", code, stdout)
	}
}
