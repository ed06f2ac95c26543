package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIngestWrongFormatAndEmpty is issue 19 item 12 at the command line:
// every ingestor refuses a file of another format, and an empty file,
// with exit 2 and a message naming the file and what it looks like,
// before the store is opened.
func TestIngestWrongFormatAndEmpty(t *testing.T) {
	dir := t.TempDir()
	sample := func(name string) string { return filepath.Join("..", "..", "demo", "sample", name) }
	empty := filepath.Join(dir, "empty.txt")
	os.WriteFile(empty, nil, 0o644)
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"psc to gleif", []string{"gleif", sample("psc-snapshot.jsonl")}, []string{"psc-snapshot.jsonl", "PSC snapshot records", "ubo ingest psc"}},
		{"xml to psc", []string{"psc", sample("gleif-lei.xml")}, []string{"gleif-lei.xml", "XML, root element <LEIData>"}},
		{"xml to bods", []string{"bods", sample("gleif-rr.xml")}, []string{"gleif-rr.xml", "XML"}},
		{"xml to ftm", []string{"ftm", sample("gleif-lei.xml")}, []string{"gleif-lei.xml", "XML"}},
		{"bods to ftm", []string{"ftm", sample("bods-0.4.json")}, []string{"BODS statements"}},
		{"psc to csv", []string{"csv", "--entities", sample("psc-snapshot.jsonl")}, []string{"PSC snapshot records"}},
		{"file to icij", []string{"icij", sample("psc-snapshot.jsonl")}, []string{"a folder or a .zip"}},
		{"empty to gleif", []string{"gleif", empty}, []string{"empty.txt", "the file is empty"}},
		{"empty to psc", []string{"psc", empty}, []string{"empty.txt", "the file is empty"}},
		{"empty to bods", []string{"bods", empty}, []string{"empty.txt", "the file is empty"}},
		{"empty to ftm", []string{"ftm", empty}, []string{"empty.txt", "the file is empty"}},
		{"empty to csv", []string{"csv", "--relationships", empty}, []string{"empty.txt", "the file is empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "ubo.db")
			code, _, stderr := runUbo(t, append([]string{"--db", db, "ingest"}, tt.args...)...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d; stderr: %s", code, exitUsage, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q does not say %q", stderr, w)
				}
			}
			if _, err := os.Stat(db); err == nil {
				t.Error("a refused input touched the store")
			}
		})
	}
}

// TestIngestPSCReusedIDKeepsPerson is issue 19 item 3 at the command
// line: the summary counts the reused PSC id as ambiguous, a warning
// names it, and `search` finds the person.
func TestIngestPSCReusedIDKeepsPerson(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ubo.db")
	code, _, stderr := runUbo(t, "--db", db, "ingest", "psc", filepath.Join("..", "..", "testdata", "psc", "reused-psc-id.jsonl"))
	if code != 0 || !strings.Contains(stderr, "resolved 1 merge(s), 1 ambiguous") ||
		!strings.Contains(stderr, "kept apart as psc:12345678:SAMEID123:corporate-entity") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	code, out, stderr := runUbo(t, "--db", db, "search", "Jane Doe")
	if code != 0 || !strings.Contains(out, "psc:12345678:SAMEID123 ") || !strings.Contains(out, "person") {
		t.Errorf("search: exit %d: %s %s", code, out, stderr)
	}
}
