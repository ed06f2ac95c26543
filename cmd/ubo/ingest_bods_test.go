package main

import (
	"path/filepath"
	"strings"
	"testing"
)

const bodsDir = "../../testdata/bods"

// TestIngestBODSSaysDeclaredVersions: the ingest says, per file, which
// BODS versions its statements declare, and an unsupported version's
// statements are rejected (exit 4), not read as another version.
func TestIngestBODSSaysDeclaredVersions(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ubo.db")
	v01, v04 := filepath.Join(bodsDir, "v01.jsonl"), filepath.Join(bodsDir, "v04-chain.json")
	code, _, stderr := runUbo(t, "--db", db, "ingest", "bods", "--rejects", filepath.Join(t.TempDir(), "r.csv"), v01, v04)
	if code != exitRejects {
		t.Errorf("exit %d, want %d; stderr: %s", code, exitRejects, stderr)
	}
	for _, want := range []string{
		"ingest bods: " + v01 + `: BODS "0.1" (unsupported, rejected): 3 statement(s)` + "\n",
		"ingest bods: " + v04 + ": BODS 0.4: 15 statement(s)\n",
		"rejected 3 ",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
}
