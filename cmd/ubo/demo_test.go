package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/ubo-project/ubo/internal/neo4jtest"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the current output")

const goldenDir = "../../testdata/golden"

// demoRows parses the demo's flagged and indeterminate tables into
// id → verdict (flagged) and id → "VERDICT could be POSSIBLE" (open).
func demoRows(t *testing.T, out string) (flagged, open map[string]string) {
	t.Helper()
	flagged, open = map[string]string{}, map[string]string{}
	section := ""
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "Flagged entities"):
			section = "flagged"
			continue
		case strings.HasPrefix(line, "Not flagged on the known facts"):
			section = "open"
			continue
		case line == "" || strings.HasPrefix(line, "VERDICT"):
			if line == "" {
				section = ""
			}
			continue
		}
		f := strings.Fields(line)
		switch section {
		case "flagged":
			flagged[f[1]] = f[0]
		case "open":
			open[f[2]] = f[0] + " could be " + f[1]
		}
	}
	return flagged, open
}

func TestDemoEndToEnd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	code, out, errOut := runUbo(t, "demo", "--db", db)
	if code != 0 {
		t.Fatalf("demo: exit %d\n%s\n%s", code, out, errOut)
	}
	flagged, open := demoRows(t, out)
	want := map[string]string{
		// Shenzhen group → HK holding → NL B.V. → UK company (GLEIF level 2)
		"lei:3003005QNV6HK7RT2M97": "CHINESE_ENTITY",
		"lei:5299009KBT3HK4W8PN59": "CHINESE_ENTITY", // incorporated in HK
		"lei:7245009HXEU4NL81QW26": "CONTROLLED",
		"lei:213800HXUK7P9T3M5V41": "CONTROLLED",
		// the PSC names its owner by Companies House number: resolved to the GLEIF entity
		"lei:213800NBS9GB4K2P6X33": "CONTROLLED",
		// 50/50 JV, one partner registered in China
		"lei:213800TPH2GB8R5W1Q22":                 "JOINT_CONTROL",
		"psc:12345678:Sl9uMh6fZ3kTq1WxC8bNr5pDy2G": "CHINESE_ENTITY",
		// Cayman holding headquartered in Shenzhen, and its UK subsidiary
		"lei:984500JHC2KY6S4R8D79": "CHINESE_ENTITY",
		"lei:213800SDC5GB3Y7N2L31": "CONTROLLED",
		// BODS cross-holdings: 20% direct + 30% through a covered company
		"bods:zhongyuan-semi": "CHINESE_ENTITY",
		"bods:avalon-micro":   "CONTROLLED",
		"bods:brecon-wafer":   "OWNED_50",
		// FtM chain to a Hong Kong parent
		"ftm:demo-leung":         "CHINESE_ENTITY",
		"ftm:demo-kowloon-bay":   "CHINESE_ENTITY",
		"ftm:demo-pacific-crest": "CONTROLLED",
		"ftm:demo-meridian":      "CONTROLLED",
	}
	for id, v := range want {
		if flagged[id] != v {
			t.Errorf("%s: flagged as %q, want %q", id, flagged[id], v)
		}
	}
	if len(flagged) != len(want) {
		t.Errorf("flagged %d entities, want %d: %v", len(flagged), len(want), flagged)
	}
	wantOpen := map[string]string{
		"lei:213800HGC6GB1X4T8Z02": "CLEAR could be CONTROLLED", // psc-exists-but-not-identified
		"lei:213800CRB3GB7V2K9H72": "CLEAR could be CONTROLLED", // GLEIF parent NON_PUBLIC
	}
	for id, v := range wantOpen {
		if open[id] != v {
			t.Errorf("%s: open as %q, want %q", id, open[id], v)
		}
	}
	if len(open) != len(wantOpen) {
		t.Errorf("indeterminate table: %v, want %v", open, wantOpen)
	}
	for _, s := range []string{"16 flagged (CHINESE_ENTITY 7, CONTROLLED 7, OWNED_50 1, JOINT_CONTROL 1)",
		"Next commands to try:", "ubo explain lei:213800TPH2GB8R5W1Q22 --db " + db,
		// The bundled customer list: a Han-script alias, an LEI, a typo, a
		// partial name for review and a customer not in the graph.
		"Screening a sample customer list (8 customers",
		"ACME-0002  MATCHED   1.00   ftm:demo-kowloon-bay",
		"lei:213800TPH2GB8R5W1Q22   JOINT_CONTROL   LEI equal",
		"ACME-0005  MATCHED", "ACME-0007  REVIEW", "ACME-0008  NO_MATCH  0.00   -",
		// and how to open the page
		"ubo serve --db " + db + "\n    and open http://127.0.0.1:8080/", "http://127.0.0.1:8080/#/entity/lei:"} {
		if !strings.Contains(out, s) {
			t.Errorf("demo output lacks %q:\n%s", s, out)
		}
	}

	// The kept store answers explain: the undisclosed owner is indeterminate.
	code, out, errOut = runUbo(t, "explain", "lei:213800HGC6GB1X4T8Z02", "--json", "--db", db)
	if code != 0 {
		t.Fatalf("explain: exit %d: %s", code, errOut)
	}
	var x struct {
		Result struct {
			Verdict         string `json:"verdict"`
			Indeterminate   bool   `json:"indeterminate"`
			PossibleVerdict string `json:"possible_verdict"`
		} `json:"result"`
		Uncertain []struct {
			HolderID string `json:"holder_id"`
			Verdict  string `json:"verdict"`
		} `json:"uncertain"`
	}
	if err := json.Unmarshal([]byte(out), &x); err != nil {
		t.Fatalf("explain --json: %v\n%s", err, out)
	}
	if x.Result.Verdict != "CLEAR" || !x.Result.Indeterminate || x.Result.PossibleVerdict != "CONTROLLED" {
		t.Errorf("Harrowgate: %+v, want CLEAR, indeterminate, possibly CONTROLLED", x.Result)
	}
	if len(x.Uncertain) != 1 || !strings.HasPrefix(x.Uncertain[0].HolderID, "unknown:psc:10293847:") || x.Uncertain[0].Verdict != "CONTROLLED" {
		t.Errorf("Harrowgate what-if: %+v, want the undisclosed PSC → CONTROLLED", x.Uncertain)
	}

	// A store that holds data is refused without --force, accepted with it.
	if code, _, errOut := runUbo(t, "demo", "--db", db); code != exitUsage || !strings.Contains(errOut, "--force") {
		t.Errorf("demo into a non-empty store: exit %d, %q; want %d naming --force", code, errOut, exitUsage)
	}
	code, out, errOut = runUbo(t, "demo", "--db", db, "--force")
	if code != 0 {
		t.Fatalf("demo --force: exit %d: %s", code, errOut)
	}
	if again, _ := demoRows(t, out); len(again) != len(want) {
		t.Errorf("demo --force again: %d flagged, want %d (ingest is idempotent)", len(again), len(want))
	}
}

func TestDemoTemporaryStore(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	t.Setenv("UBO_DB", filepath.Join(tmp, "must-not-be-used.db"))
	code, out, errOut := runUbo(t, "demo")
	if code != 0 {
		t.Fatalf("demo: exit %d\n%s", code, errOut)
	}
	if !strings.Contains(out, "temporary store is deleted") || !strings.Contains(out, "ubo explain lei:213800TPH2GB8R5W1Q22 --db demo.db") {
		t.Errorf("demo without --db: output does not say the store is gone and how to keep one:\n%s", out)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("demo left %v in the temporary directory", left)
	}

	code, out, errOut = runUbo(t, "demo", "--keep")
	if code != 0 {
		t.Fatalf("demo --keep: exit %d\n%s", code, errOut)
	}
	kept, _ := filepath.Glob(filepath.Join(tmp, "ubo-demo-*", "ubo.db"))
	if len(kept) != 1 || !strings.Contains(out, "--db "+kept[0]) {
		t.Fatalf("demo --keep: kept %v; output:\n%s", kept, out)
	}
	if code, _, _ := runUbo(t, "search", "thames", "--db", kept[0]); code != 0 {
		t.Errorf("search in the kept store: exit %d", code)
	}
	if code, _, _ := runUbo(t, "demo", "--keep", "--db", filepath.Join(tmp, "x.db")); code != exitUsage {
		t.Errorf("demo --keep --db: exit %d, want %d", code, exitUsage)
	}
}

// investigatorCases are the golden-file commands over the demo data; both
// stores must print exactly the same.
var investigatorCases = []struct {
	name string
	args []string
}{
	{"search-name", []string{"search", "huaxin"}},
	{"search-words-any-order", []string{"search", "lumina, SHENZHEN"}},
	{"search-lei-any-case", []string{"search", "lei:3003005qnv6hk7rt2m97"}},
	{"search-company-number", []string{"search", "11223344"}},
	{"search-uscc", []string{"search", "91440300MA5JHCAP8J"}},
	{"search-json", []string{"search", "harrowgate", "--json"}},
	{"search-limit", []string{"search", "ltd", "--limit", "3"}},
	{"chain-cross-source", []string{"chain", "lei:213800NBS9GB4K2P6X33"}},
	{"chain-alias-id", []string{"chain", "gb-coh:11223344", "--depth", "2"}},
	{"chain-down", []string{"chain", "lei:3003005QNV6HK7RT2M97", "--down"}},
	{"chain-down-hub-cut", []string{"chain", "lei:3003005QNV6HK7RT2M97", "--down", "--max-children", "1", "--depth", "2"}},
	{"chain-cycle-both", []string{"chain", "bods:brecon-wafer", "--both"}},
	{"chain-min-share", []string{"chain", "ftm:demo-meridian", "--min-share", "50"}},
	{"chain-unknown-holder", []string{"chain", "lei:213800HGC6GB1X4T8Z02"}},
	{"chain-json", []string{"chain", "lei:213800TPH2GB8R5W1Q22", "--json"}},
	{"explain-joint-venture", []string{"explain", "lei:213800TPH2GB8R5W1Q22"}},
	{"explain-aggregate", []string{"explain", "bods:brecon-wafer"}},
	{"explain-cross-source", []string{"explain", "lei:213800NBS9GB4K2P6X33"}},
	{"explain-headquarters", []string{"explain", "lei:984500JHC2KY6S4R8D79"}},
	{"explain-undisclosed-psc", []string{"explain", "lei:213800HGC6GB1X4T8Z02"}},
	{"explain-gleif-exception", []string{"explain", "lei:213800CRB3GB7V2K9H72"}},
	{"explain-json", []string{"explain", "ftm:demo-meridian", "--json"}},
	{"explain-aliases", []string{"explain", "ftm:demo-kowloon-bay"}},
	{"search-alias-han", []string{"search", "九龍灣貿易"}},
	{"search-alias-pinyin", []string{"search", "jiulongwan"}},
}

var runIDPattern = regexp.MustCompile(`\d{8}T\d{6}Z-[0-9a-f]{6}`)
var asOfPattern = regexp.MustCompile(`as of (\d{4}-\d{2}-\d{2})\.`)

// loadDemo runs `ubo demo` into db and returns the run's as-of date.
func loadDemo(t *testing.T, db string) string {
	t.Helper()
	code, out, errOut := runUbo(t, "demo", "--db", db)
	if code != 0 {
		t.Fatalf("demo --db %s: exit %d\n%s\n%s", db, code, out, errOut)
	}
	m := asOfPattern.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("demo output has no as-of date:\n%s", out)
	}
	return m[1]
}

// checkGolden runs every investigator case against db and compares the
// output, run id and as-of date masked, with testdata/golden.
func checkGolden(t *testing.T, db, asOf string, updateFiles bool) {
	for _, c := range investigatorCases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runUbo(t, append(c.args, "--db", db)...)
			if code != 0 {
				t.Fatalf("ubo %s: exit %d: %s", strings.Join(c.args, " "), code, errOut)
			}
			got := runIDPattern.ReplaceAllString(out, "<RUN>")
			got = strings.ReplaceAll(got, asOf, "<AS-OF>")
			path := filepath.Join(goldenDir, c.name+".txt")
			if updateFiles {
				if err := os.MkdirAll(goldenDir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./cmd/ubo -run TestInvestigatorGoldenEmbedded -update)", err)
			}
			if got != string(want) {
				t.Errorf("ubo %s: output differs from %s\n--- got ---\n%s\n--- want ---\n%s", strings.Join(c.args, " "), path, got, want)
			}
		})
	}
}

func TestInvestigatorGoldenEmbedded(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	asOf := loadDemo(t, db)
	checkGolden(t, db, asOf, *update)

	for _, c := range []struct {
		args []string
		want string // in stderr
	}{
		{[]string{"search", " "}, "empty text"},
		{[]string{"search", "huaxin", "--limit", "0"}, "--limit"},
		{[]string{"chain", "lei:213800NBS9GB4K2P6X33", "--depth", "0"}, "--depth"},
		{[]string{"chain", "lei:213800NBS9GB4K2P6X33", "--min-share", "101"}, "--min-share"},
		{[]string{"chain", "lei:213800NBS9GB4K2P6X33", "--max-children", "0"}, "--max-children"},
		{[]string{"chain", "no-such-entity"}, "ubo search"},
		{[]string{"explain", "no-such-entity"}, "ubo search"},
		{[]string{"explain"}, "accepts 1 arg"},
	} {
		code, _, errOut := runUbo(t, append(c.args, "--db", db)...)
		if code != exitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("ubo %s: exit %d, stderr %q; want %d mentioning %q", strings.Join(c.args, " "), code, errOut, exitUsage, c.want)
		}
	}
	if code, out, _ := runUbo(t, "search", "zzz-nothing-like-it", "--json", "--db", db); code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("search without hits --json: exit %d, %q; want 0 and []", code, out)
	}
}

// bothStores gives a test a fresh store of each kind: its --db value.
var bothStores = []struct {
	name string
	db   func(t *testing.T) string
}{
	{"embedded", func(t *testing.T) string { return filepath.Join(t.TempDir(), "ubo.db") }},
	{"neo4j", func(t *testing.T) string { _, cfg := emptyNeo4j(t); return cfg.URI }},
}

// emptyNeo4j resets the test Neo4j (skipping, or failing on CI, when there
// is none) and points the CLI's database and credential variables at it.
func emptyNeo4j(t *testing.T) (neo4j.DriverWithContext, neo4jtest.Config) {
	t.Helper()
	driver, cfg := neo4jtest.Driver(t)
	neo4jtest.Reset(t, driver)
	t.Setenv("NEO4J_DATABASE", cfg.Database)
	if cfg.Password != "" {
		t.Setenv("NEO4J_USERNAME", cfg.Username)
		t.Setenv("NEO4J_PASSWORD", cfg.Password)
	}
	return driver, cfg
}

// TestInvestigatorGoldenNeo4j checks that Neo4j gives byte-for-byte the
// output the embedded store gives (the golden files are shared; -update
// rewrites them from the embedded store only).
func TestInvestigatorGoldenNeo4j(t *testing.T) {
	_, cfg := emptyNeo4j(t)
	asOf := loadDemo(t, cfg.URI)
	checkGolden(t, cfg.URI, asOf, false)
}
