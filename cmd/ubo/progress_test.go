package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/internal/progress"
)

// TestMain lets a test run the real main (UBO_TEST_MAIN=1) in a child
// process of the test binary, with the streams a user's shell gives it.
func TestMain(m *testing.M) {
	if os.Getenv("UBO_TEST_MAIN") == "1" {
		main()
	}
	os.Exit(m.Run())
}

// TestProgressBarsDraw: on a terminal a stage of unknown total shows its
// count, its further counts and a rate; one of known total shows the bar,
// the count of the total and an estimate of the time left.
func TestProgressBarsDraw(t *testing.T) {
	var buf bytes.Buffer
	p := newProgressBars(&buf, 0)
	counts := func(n int) []progress.Count {
		return []progress.Count{{Name: "entities", N: n}, {Name: "rejected", N: 1}}
	}
	p.Report(progress.Event{Stage: "ingest csv", Unit: "records", Done: 1000, Counts: counts(3)})
	p.Report(progress.Event{Stage: "ingest csv", Unit: "records", Done: 3500, End: true, Counts: counts(4)})
	p.Report(progress.Event{Stage: "write results", Unit: "results", Done: 5, Total: 10})
	p.Report(progress.Event{Stage: "write results", Unit: "results", Done: 10, Total: 10, End: true})
	p.Report(progress.Event{Stage: "screen", Unit: "rows", Done: 7}) // never ended: the next stage ends it
	p.Report(progress.Event{Stage: "export", Unit: "results", Done: 0, Total: 3, End: true})
	out := buf.String()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`ingest csv \(entities 3, rejected 1\) \(1000/-, \d+ records/(s|min|hr)\)`),
		regexp.MustCompile(`ingest csv \(entities 4, rejected 1\) 100% \|█+\| \(3500/3500, \d+ records/(s|min|hr)\)[^\n]*\n`),
		regexp.MustCompile(`write results  50% \|█+ +\| \(5/10, \d+ results/(s|min|hr)\) \[\d+s:\d+s\]`),
		regexp.MustCompile(`write results 100% \|█+\| \(10/10, [^)]*\)\n`),
		regexp.MustCompile(`screen 100% \|█+\| \(7/7, [^)]*\)[^\n]*\n`),
		regexp.MustCompile(`export   0% \|\s+\| \(0/3, [^)]*\)[^\n]*\n$`),
	} {
		if !want.MatchString(out) {
			t.Errorf("progress drawn:\n%q\nwant a match of %s", out, want)
		}
	}
}

// TestNoProgressOffTerminal runs the real binary with stderr redirected to
// a file, as cron and CI do: ingest, score, export, screen and db repack
// draw no progress bytes there (no carriage returns, no escapes, no bars).
func TestNoProgressOffTerminal(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string]string{
		"entities.csv":      nightlyEntities,
		"relationships.csv": strings.Replace(nightlyRelationships, "%s", "", 1),
		"customers.csv":     "customer_id,name,country\nk1,CN Holdco Co Ltd,CN\nk2,Clear Co Limited,GB\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(dir, "ubo.db")
	for _, args := range [][]string{
		{"ingest", "csv", "--entities", filepath.Join(dir, "entities.csv"), "--relationships", filepath.Join(dir, "relationships.csv")},
		{"score", "--as-of", "2026-01-01"},
		{"export", "--all", "--out", filepath.Join(dir, "out.jsonl")},
		{"screen", filepath.Join(dir, "customers.csv"), "--out", filepath.Join(dir, "screened.jsonl")},
		{"db", "repack"},
	} {
		t.Run(args[0], func(t *testing.T) {
			stderr, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
			if err != nil {
				t.Fatal(err)
			}
			defer stderr.Close()
			cmd := exec.Command(exe, append([]string{"--db", db}, args...)...)
			cmd.Env = append(os.Environ(), "UBO_TEST_MAIN=1", "UBO_DB=", "NEO4J_URI=")
			cmd.Stderr = stderr
			var stdout bytes.Buffer
			cmd.Stdout = &stdout
			if err := cmd.Run(); err != nil {
				b, _ := os.ReadFile(stderr.Name())
				t.Fatalf("ubo %v: %v; stderr:\n%s", args, err, b)
			}
			b, err := os.ReadFile(stderr.Name())
			if err != nil {
				t.Fatal(err)
			}
			if bytes.ContainsAny(b, "\r\x1b") || bytes.Contains(b, []byte("█")) || bytes.Contains(b, []byte("%")) {
				t.Errorf("ubo %v drew progress on a file:\n%q", args, b)
			}
		})
	}
}
