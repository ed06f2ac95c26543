package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// ofacDir holds a graph of listed Russian and Iranian entities and what
// they own: nothing in it is Chinese.
var ofacDir = filepath.Join("..", "..", "testdata", "ofac")

// Under ofac-50 the roots are listed entities, whatever their country: no
// output calls them or their holdings Chinese (the JSON keys and CSV
// headers chinese_share… are the export contract's names and stay), and
// every root's sentence names the list that makes it one. On both stores.
func TestOFACPolicyNeverSaysChinese(t *testing.T) {
	dir, err := filepath.Abs(ofacDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range bothStores {
		t.Run(s.name, func(t *testing.T) {
			db := s.db(t)
			t.Chdir(t.TempDir())
			ubo := func(args ...string) string {
				t.Helper()
				code, stdout, stderr := runUbo(t, append([]string{"--db", db}, args...)...)
				if code != 0 {
					t.Fatalf("ubo %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, stdout, stderr)
				}
				return stdout
			}
			ubo("ingest", "csv", "--entities", filepath.Join(dir, "entities.csv"),
				"--relationships", filepath.Join(dir, "relationships.csv"))
			summary := ubo("score", "--policy", "ofac-50", "--as-of", "2026-01-01")
			if !strings.Contains(summary, "LISTED_ENTITY 3, OWNED_50 2") {
				t.Errorf("score summary does not count the listed roots: %s", summary)
			}

			// Every read path of the stores: one result (explain, chain),
			// whole results (BODS, explain --json), summaries (JSON Lines,
			// CSV) and the screening reader; text outputs for a root, an
			// open and a clear entity.
			// Neo4j commands cost seconds each: there, the roots and one
			// entity of each kind of sentence (the rendering is the
			// codec's and the engine's, the same for both stores).
			outputs := map[string]string{"score": summary, "runs --json": ubo("runs", "--json")}
			ids := []string{"ru-volga", "ir-pars", "ru-petrov", "gb-volga", "cy-limassol", "de-hamburg", "nl-rotterdam", "ae-dubai", "xx-nominee", "no-oslo"}
			if s.name == "neo4j" {
				ids = []string{"ru-volga", "ir-pars", "ru-petrov", "cy-limassol", "ae-dubai", "no-oslo"}
			}
			for _, id := range ids {
				outputs["explain --json "+id] = ubo("explain", id, "--json")
			}
			for _, id := range []string{"ru-volga", "ae-dubai", "no-oslo"} {
				outputs["explain "+id] = ubo("explain", id)
			}
			outputs["chain --down ru-volga"] = ubo("chain", "ru-volga", "--down")
			outputs["chain --up ae-dubai"] = ubo("chain", "ae-dubai", "--up")
			for _, format := range []string{"jsonl", "csv", "bods"} {
				outputs["export "+format] = ubo("export", "--format", format, "--all")
			}
			outputs["screen csv"] = ubo("screen", filepath.Join(dir, "customers.csv"), "--format", "csv")
			for name, out := range outputs {
				if where := saysChinese(t, name, out); where != "" {
					t.Errorf("%s says Chinese: %s", name, where)
				}
			}

			// The root sentence names the rule and the list.
			for id, want := range map[string]string{
				"ru-volga":  "LLC Volga Trade is a listed root: listed as us.ofac.sdn.",
				"ir-pars":   "Pars Maritime Services Co is a listed root: listed as sanction.",
				"ru-petrov": "Ivan Petrov is a listed root: listed as us.ofac.sdn.",
			} {
				var x struct {
					Result struct {
						Verdict     string `json:"verdict"`
						Explanation string `json:"explanation"`
					} `json:"result"`
				}
				if err := json.Unmarshal([]byte(outputs["explain --json "+id]), &x); err != nil {
					t.Fatal(err)
				}
				if x.Result.Verdict != "LISTED_ENTITY" || x.Result.Explanation != want {
					t.Errorf("explain %s: %s %q, want LISTED_ENTITY %q", id, x.Result.Verdict, x.Result.Explanation, want)
				}
				if !strings.Contains(outputs["export jsonl"], want) {
					t.Errorf("the JSON Lines export lacks %q", want)
				}
			}
			if !strings.Contains(outputs["explain no-oslo"], "No ownership or control link reaches a listed root.") {
				t.Errorf("explain of a clear entity:\n%s", outputs["explain no-oslo"])
			}
			if !strings.Contains(outputs["chain --down ru-volga"], "★ LISTED ROOT") {
				t.Errorf("chain does not mark the listed root:\n%s", outputs["chain --down ru-volga"])
			}
			// --verdict takes any root verdict for the roots.
			if out := ubo("export", "--verdict", "CHINESE_ENTITY"); strings.Count(out, "\n") != 3 {
				t.Errorf("export --verdict CHINESE_ENTITY: %d rows, want the 3 listed roots:\n%s", strings.Count(out, "\n"), out)
			}
		})
	}
}

// saysChinese returns where out says "Chinese" other than in a JSON key or
// a CSV header: out is JSON (one document or lines), CSV or text.
func saysChinese(t *testing.T, name, out string) string {
	t.Helper()
	trimmed := strings.TrimSpace(out)
	switch {
	case strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "["):
		dec := json.NewDecoder(strings.NewReader(trimmed))
		for dec.More() {
			var v any
			if err := dec.Decode(&v); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if where := chineseValue(v); where != "" {
				return where
			}
		}
		return ""
	case strings.Contains(name, "csv"):
		rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, row := range rows[1:] {
			for _, cell := range row {
				if strings.Contains(strings.ToLower(cell), "chinese") {
					return cell
				}
			}
		}
		return ""
	}
	if i := bytes.Index(bytes.ToLower([]byte(out)), []byte("chinese")); i >= 0 {
		return out[max(0, i-60):min(len(out), i+60)]
	}
	return ""
}

// chineseValue returns a string value of v that says Chinese.
func chineseValue(v any) string {
	switch v := v.(type) {
	case string:
		if strings.Contains(strings.ToLower(v), "chinese") {
			return v
		}
	case []any:
		for _, x := range v {
			if s := chineseValue(x); s != "" {
				return s
			}
		}
	case map[string]any:
		for _, x := range v {
			if s := chineseValue(x); s != "" {
				return s
			}
		}
	}
	return ""
}
