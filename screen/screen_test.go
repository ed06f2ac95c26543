package screen_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/internal/progress/progresstest"
	"github.com/ubo-project/ubo/internal/storetesting"
	"github.com/ubo-project/ubo/match"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
	"github.com/ubo-project/ubo/scoring"
	"github.com/ubo-project/ubo/screen"
	"github.com/ubo-project/ubo/store"
)

// seed writes a small graph: a Chinese parent (Han legal name, English
// alias, LEI and USCC) owning 60% of a UK company, a US namesake of the UK
// company, and a Chinese hard negative.
func seed(t *testing.T, st store.Store) {
	t.Helper()
	ctx := context.Background()
	es := []model.Entity{
		{ID: "lei:5493001KJTIIGC8Y1R12", Name: "深圳华信云科技有限公司", Kind: model.Company, Jurisdiction: "CN",
			Aliases:     []string{"Shenzhen Huaxin Cloud Technology Co., Ltd."},
			Identifiers: []string{"XI-LEI:5493001KJTIIGC8Y1R12", "CN-USCC:91440300MA5FUTY20G"}, Source: "test", SourceRef: "1"},
		{ID: "coh:01234567", Name: "Northwind Trading Limited", Kind: model.Company, Jurisdiction: "GB",
			Identifiers: []string{"GB-COH:01234567"}, Source: "test", SourceRef: "2"},
		{ID: "us:northwind", Name: "Northwind Trading LLC", Kind: model.Company, Jurisdiction: "US", Source: "test", SourceRef: "3"},
		{ID: "cn:bio", Name: "Hangzhou Huaxin Biotechnology Co., Ltd.", Kind: model.Company, Jurisdiction: "CN", Source: "test", SourceRef: "4"},
	}
	if err := st.UpsertEntities(ctx, es); err != nil {
		t.Fatal(err)
	}
	rel := model.Relationship{HolderID: es[0].ID, HeldID: es[1].ID, Kind: model.Ownership,
		Share: model.Share{Known: true, Min: 60, Max: 60}, Source: "test", SourceRef: "5"}
	rel.ID = model.RelationshipID(rel.Source, rel.SourceRef, rel.HolderID, rel.HeldID, rel.Kind)
	if err := st.UpsertRelationships(ctx, []model.Relationship{rel}); err != nil {
		t.Fatal(err)
	}
}

func score(t testing.TB, st store.Store) model.Run {
	t.Helper()
	out, err := scoring.Run(context.Background(), st, scoring.Options{Policy: policy.Default()})
	if err != nil {
		t.Fatal(err)
	}
	return out.Run
}

const customers = `customer_id,name,country,lei,registration_number,registration_country,uscc,identifiers,address
c1,Shenzhen Huaxin Cloud Technology Co Ltd,CN,,,,,,
c2,深圳华信云科技有限公司,,,,,,,
c3,Shenzhen Huaxin Yun Keji Youxian Gongsi,China,,,,,,
c4,NORTHWIND TRADING LTD,GB,,,,,,
c5,Northwind Trading,,,,,,,
c6,Garbled,,5493001KJTIIGC8Y1R12,,,,,
c7,Acme Rocket Sleds Inc,US,,,,,,
c8,,CN,,,,,,
c9,Acme,Narnia,,,,,,
c10,Someone,,,,,,LEI,
c11,Hangzhou Huaxin Cloud Technologies,CN,,,,,,
c1,Repeated Id,,,,,,,
c12,Northwind Trading Limited,,,01234567,GB,,,
`

func TestScreenFile(t *testing.T) {
	t.Run("embedded", func(t *testing.T) { testScreenFile(t, storetesting.Embedded(t)) })
	t.Run("neo4j", func(t *testing.T) { testScreenFile(t, storetesting.Neo4j(t)(t)) })
}

func testScreenFile(t *testing.T, st store.Store) {
	ctx := context.Background()
	seed(t, st)
	if _, err := screen.New(ctx, st, match.DefaultThresholds); !errors.Is(err, screen.ErrNoRun) {
		t.Fatalf("no run: got %v, want ErrNoRun", err)
	}
	run := score(t, st)
	sc, err := screen.New(ctx, st, match.DefaultThresholds)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "customers.csv")
	if err := os.WriteFile(in, []byte(customers), 0o644); err != nil {
		t.Fatal(err)
	}
	out, rejects := filepath.Join(dir, "out.jsonl"), filepath.Join(dir, "rejects.csv")
	sum, err := sc.ScreenFile(ctx, screen.FileOptions{In: in, Out: out, Rejects: rejects})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rows []screen.Row
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var r screen.Row
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		rows = append(rows, r)
	}
	want := []struct {
		id, status, entity string
		verdict            model.Verdict
	}{
		{"c1", "MATCHED", "lei:5493001KJTIIGC8Y1R12", model.VerdictChineseEntity},
		{"c2", "MATCHED", "lei:5493001KJTIIGC8Y1R12", model.VerdictChineseEntity},
		{"c3", "MATCHED", "lei:5493001KJTIIGC8Y1R12", model.VerdictChineseEntity},
		{"c4", "MATCHED", "coh:01234567", model.VerdictControlled},
		{"c5", "REVIEW", "", ""},
		{"c6", "MATCHED", "lei:5493001KJTIIGC8Y1R12", model.VerdictChineseEntity},
		{"c7", "NO_MATCH", "", ""},
		{"c11", "REVIEW", "", ""},
		{"c12", "MATCHED", "coh:01234567", model.VerdictControlled},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d:\n%s", len(rows), len(want), data)
	}
	for i, w := range want {
		r := rows[i]
		if r.CustomerID != w.id || r.Status != w.status || r.EntityID != w.entity || r.Verdict != w.verdict {
			t.Errorf("row %d = %s %s %s %s, want %v (reasons %q)", i, r.CustomerID, r.Status, r.EntityID, r.Verdict, w, r.Reasons)
		}
		if r.RunID != run.ID || !strings.HasPrefix(r.Policy, "default@") {
			t.Errorf("row %s: run %q policy %q", r.CustomerID, r.RunID, r.Policy)
		}
		if len(r.Reasons) == 0 && r.Status != "NO_MATCH" {
			t.Errorf("row %s has no reasons", r.CustomerID)
		}
		if r.Status == "REVIEW" && len(r.Candidates) < 1 {
			t.Errorf("REVIEW row %s lists no candidates", r.CustomerID)
		}
	}
	if rows[5].Reasons[0] != "LEI equal" {
		t.Errorf("identifier row reasons %q", rows[5].Reasons)
	}
	if rows[8].Reasons[0] != "company number (GB) equal" {
		t.Errorf("registration number row reasons %q", rows[8].Reasons)
	}
	if sum.Matched != 6 || sum.Review != 2 || sum.NoMatch != 1 || sum.Rejected != 4 || sum.Flagged != 6 {
		t.Errorf("summary %+v", sum)
	}
	f, err := os.Open(rejects)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	wantRejects := [][]string{
		{"file", "line", "field", "reason"},
		{in, "9", "name", "missing"},
		{in, "10", "country", ""},
		{in, "11", "identifiers", ""},
		{in, "13", "customer_id", ""},
	}
	if len(recs) != len(wantRejects) {
		t.Fatalf("rejects %q", recs)
	}
	for i, w := range wantRejects {
		if recs[i][0] != w[0] || recs[i][1] != w[1] || recs[i][2] != w[2] || (w[3] != "" && recs[i][3] != w[3]) {
			t.Errorf("reject %d = %q, want %q", i, recs[i], w)
		}
	}

	// CSV output: the same rows flattened, with a header.
	var buf bytes.Buffer
	clean := filepath.Join(dir, "clean.csv")
	if err := os.WriteFile(clean, []byte("customer_id,name\nx1,Northwind Trading\nx2,深圳华信云科技有限公司\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(rejects, []byte("stale"), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err = sc.ScreenFile(ctx, screen.FileOptions{In: clean, Stdout: &buf, OutFormat: "csv", Rejects: rejects})
	if err != nil {
		t.Fatal(err)
	}
	recs, err = csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || strings.Join(recs[0], ",") != strings.Join(screen.CSVHeader(), ",") ||
		recs[1][1] != "REVIEW" || recs[1][13] == "" || recs[2][3] != "lei:5493001KJTIIGC8Y1R12" {
		t.Errorf("csv output %q", recs)
	}
	// A clean run writes no rejects file of its own naming and removes no
	// earlier one; a named one describes the run: its header alone.
	if b, err := os.ReadFile(rejects); err != nil || string(b) != "stale" || sum.Rejected != 0 || sum.RejectsFile != "" {
		t.Errorf("a clean run: rejects file %q, %v, summary %+v; want the earlier file untouched", b, err, sum)
	}
	sum, err = sc.ScreenFile(ctx, screen.FileOptions{In: clean, Stdout: io.Discard, Rejects: rejects, RejectsNamed: true})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(rejects); err != nil || string(b) != "file,line,field,reason\n" || sum.RejectsFile != rejects {
		t.Errorf("a clean run with a named rejects file: %q, %v, summary %+v; want the header alone", b, err, sum)
	}
}

func TestScreenBatchIsInOrder(t *testing.T) {
	st := storetesting.Embedded(t)
	seed(t, st)
	score(t, st)
	sc, err := screen.New(context.Background(), st, match.DefaultThresholds)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := sc.Screen(context.Background(), []match.Customer{
		{CustomerID: "b", Name: "Acme"}, {CustomerID: "a", Name: "Northwind Trading Limited", Country: "GB"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].CustomerID != "b" || rows[0].Verdict != "" || rows[1].Verdict != model.VerdictControlled {
		t.Errorf("rows %+v", rows)
	}
}

// TestScreenProgress: screening reports the rows read after each batch of
// 256 customers and a final event with the matched, flagged and rejected counts.
func TestScreenProgress(t *testing.T) {
	st := storetesting.Embedded(t)
	seed(t, st)
	score(t, st)
	sc, err := screen.New(context.Background(), st, match.DefaultThresholds)
	if err != nil {
		t.Fatal(err)
	}
	var in strings.Builder
	in.WriteString("customer_id,name,country,lei,registration_number,registration_country,uscc,identifiers,address\n")
	in.WriteString("flagged,Northwind Trading Limited,,,01234567,GB,,,\nrejected,,CN,,,,,,\n")
	for i := range 598 {
		fmt.Fprintf(&in, "c%d,Acme Rocket Sleds Inc,US,,,,,,\n", i)
	}
	path := filepath.Join(t.TempDir(), "customers.csv")
	if err := os.WriteFile(path, []byte(in.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	rec := &progresstest.Recorder{}
	var out bytes.Buffer
	if _, err := sc.ScreenFile(context.Background(), screen.FileOptions{In: path, Stdout: &out, Progress: rec}); err != nil {
		t.Fatal(err)
	}
	var done []int
	for _, e := range rec.Stage("screen") {
		done = append(done, e.Done)
	}
	// A batch is 256 customers; the rejected row is read but in none.
	if !slices.Equal(done, []int{0, 257, 513, 600}) {
		t.Errorf("rows read as reported %v, want 0, 257, 513, then 600", done)
	}
	final, ok := rec.Final("screen")
	for name, want := range map[string]int{"matched": 1, "flagged": 1, "rejected": 1} {
		if got, _ := progresstest.Count(final, name); !ok || got != want {
			t.Errorf("final %s = %d (final event present %v), want %d", name, got, ok, want)
		}
	}
}
