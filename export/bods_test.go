package export_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/ubo-project/ubo/export"
	"github.com/ubo-project/ubo/scoring/scoringtest"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/embedded"
)

const schemaDir = "../ingest/bods/schema-0.4"

func openEmbedded(t *testing.T) store.Store {
	t.Helper()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "ubo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	return st
}

// statementSchema compiles the carried BODS 0.4 schema: the record schemas
// are referenced by $id (urn:entity, urn:components, …), so every file is
// added as a resource under its own $id.
func statementSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	files, err := filepath.Glob(filepath.Join(schemaDir, "*.json"))
	if err != nil || len(files) < 6 {
		t.Fatalf("schema files in %s: %v, %v", schemaDir, files, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		id, _ := doc.(map[string]any)["$id"].(string)
		if id == "" {
			t.Fatalf("%s: no $id", f)
		}
		if err := c.AddResource(id, doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	sch, err := c.Compile("urn:statement")
	if err != nil {
		t.Fatalf("compile BODS schema: %v", err)
	}
	return sch
}

func scoredFixture(t *testing.T) store.Store {
	st := openEmbedded(t)
	scoringtest.Load(t, st)
	scoringtest.Score(t, st, scoringtest.Clock())
	return st
}

// TestBODSValidates checks every statement of the flagged and the full
// export against the official BODS 0.4 schema, one at a time so a failure
// names the statement.
func TestBODSValidates(t *testing.T) {
	sch := statementSchema(t)
	st := scoredFixture(t)
	for _, f := range []export.Filter{{}, {All: true}} {
		out := scoringtest.Export(t, st, export.BODS, f)
		var raw []json.RawMessage
		if err := json.Unmarshal(out, &raw); err != nil {
			t.Fatalf("bods output is not a JSON array: %v\n%s", err, out)
		}
		if len(raw) == 0 {
			t.Fatal("no statements")
		}
		for i, s := range raw {
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte("[" + string(s) + "]")))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(inst); err != nil {
				t.Errorf("statement %d invalid: %v\n%s", i, err, s)
			}
		}
		whole, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(whole); err != nil {
			t.Errorf("package (all=%v) invalid: %v", f.All, err)
		}
	}
}

type statement struct {
	StatementID   string         `json:"statementId"`
	RecordID      string         `json:"recordId"`
	RecordType    string         `json:"recordType"`
	RecordStatus  string         `json:"recordStatus"`
	RecordDetails map[string]any `json:"recordDetails"`
	Annotations   []struct {
		Description string `json:"description"`
	} `json:"annotations"`
}

// TestBODSContent checks the evidence chain is there: Target's statement
// carries the verdict, and the relationships SASAC → CN Holdco → JV → Target
// are stated with their shares, each statement once.
func TestBODSContent(t *testing.T) {
	st := scoredFixture(t)
	var stmts []statement
	if err := json.Unmarshal(scoringtest.Export(t, st, export.BODS, export.Filter{}), &stmts); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	byRecord := map[string]statement{}
	for _, s := range stmts {
		if seen[s.StatementID] {
			t.Errorf("statement %s written twice", s.StatementID)
		}
		seen[s.StatementID] = true
		prev, stated := byRecord[s.RecordID]
		switch {
		case !stated && s.RecordStatus != "new":
			t.Errorf("record %s first stated as %q", s.RecordID, s.RecordStatus)
		case stated && s.RecordStatus != "updated":
			t.Errorf("record %s stated again as %q after %q", s.RecordID, s.RecordStatus, prev.RecordStatus)
		}
		byRecord[s.RecordID] = s
	}
	// Wang is stated in Board Co's chain first, then exported himself: the
	// update carries his verdict.
	if w := byRecord[scoringtest.CNPerson]; w.RecordStatus != "updated" || len(w.Annotations) == 0 ||
		!bytes.Contains([]byte(w.Annotations[0].Description), []byte("CHINESE_ENTITY")) {
		t.Errorf("person-wang's last statement = %+v", w)
	}
	target, ok := byRecord[scoringtest.Target]
	if !ok || target.RecordType != "entity" || len(target.Annotations) == 0 {
		t.Fatalf("target statement %+v", target)
	}
	if d := target.Annotations[0].Description; !bytes.Contains([]byte(d), []byte("OWNED_50")) {
		t.Errorf("target annotation %q lacks the verdict", d)
	}
	if p, ok := byRecord[scoringtest.CNPerson]; !ok || p.RecordType != "person" {
		t.Errorf("person statement %+v", p)
	}
	// Other names: an entity's alternateNames, a person's names of type
	// "alternative".
	if alt, _ := byRecord[scoringtest.CNHoldco].RecordDetails["alternateNames"].([]any); len(alt) != 1 || alt[0] != "中国控股有限公司" {
		t.Errorf("cn-holdco alternateNames = %v", byRecord[scoringtest.CNHoldco].RecordDetails["alternateNames"])
	}
	if names, _ := byRecord[scoringtest.CNPerson].RecordDetails["names"].([]any); len(names) != 2 ||
		names[1].(map[string]any)["fullName"] != "王伟" || names[1].(map[string]any)["type"] != "alternative" {
		t.Errorf("person-wang names = %v", byRecord[scoringtest.CNPerson].RecordDetails["names"])
	}
	var rels [][2]string
	for _, s := range stmts {
		if s.RecordType == "relationship" {
			rels = append(rels, [2]string{s.RecordDetails["interestedParty"].(string), s.RecordDetails["subject"].(string)})
		}
	}
	for _, want := range [][2]string{{scoringtest.CNHoldco, scoringtest.JV}, {scoringtest.CNPerson, scoringtest.BoardCo},
		{scoringtest.JV, scoringtest.Target}} {
		if !slices.Contains(rels, want) {
			t.Errorf("no relationship statement %s → %s in %v", want[0], want[1], rels)
		}
	}
}
