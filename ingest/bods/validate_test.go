package bods

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/ingest/ingesttest"
)

type lineField struct {
	line  int
	field string
}

// TestDeclaredVersions: every file's declared versions are counted; a
// statement declaring a version ubo does not read (0.1, a made-up 0.999),
// or one that contradicts its shape, is rejected naming
// publicationDetails.bodsVersion, and nothing of it is written.
func TestDeclaredVersions(t *testing.T) {
	tests := []struct {
		file     string
		versions map[string]int
		rejects  []lineField
		reason   string
		entities int
	}{
		{"v01.jsonl", map[string]int{"0.1": 3},
			[]lineField{{1, "publicationDetails.bodsVersion"}, {2, "publicationDetails.bodsVersion"}, {3, "publicationDetails.bodsVersion"}},
			`BODS "0.1" is not supported`, 0},
		{"v0999.json", map[string]int{"0.999": 3, "0.3": 1, "0.4": 1},
			[]lineField{{2, "publicationDetails.bodsVersion"}, {5, "publicationDetails.bodsVersion"}, {8, "publicationDetails.bodsVersion"},
				{11, "publicationDetails.bodsVersion"}, {14, "publicationDetails.bodsVersion"}},
			"", 0},
		{"v02.jsonl", map[string]int{"0.2": 8}, nil, "", 3},
		{"v03.json", map[string]int{"0.3": 17}, nil, "", 8},
		{"v04-chain.jsonl", map[string]int{"0.4": 15}, nil, "", 6},
		{"bad.jsonl", map[string]int{"": 9}, nil, "", -1},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			sink := ingesttest.NewSink()
			p := NewParser(sink)
			if err := p.ParseFile(context.Background(), fixtures+tt.file); err != nil {
				t.Fatal(err)
			}
			want := []FileVersions{{File: fixtures + tt.file, Versions: tt.versions}}
			if got := p.Versions(); !reflect.DeepEqual(got, want) {
				t.Errorf("versions %+v, want %+v", got, want)
			}
			if tt.entities < 0 {
				return
			}
			var got []lineField
			for _, r := range sink.Rejects {
				got = append(got, lineField{r.Line, r.Field})
				if tt.reason != "" && !strings.Contains(r.Reason, tt.reason) {
					t.Errorf("reason %q, want %q", r.Reason, tt.reason)
				}
			}
			if !reflect.DeepEqual(got, tt.rejects) {
				t.Errorf("rejects %v, want %v\n%v", got, tt.rejects, sink.Rejects)
			}
			if len(sink.Entities) != tt.entities || (tt.entities == 0 && len(sink.Rels) != 0) {
				t.Errorf("wrote %d entities, %d relationships; want %d entities", len(sink.Entities), len(sink.Rels), tt.entities)
			}
		})
	}
}

func TestFileVersionsString(t *testing.T) {
	f := FileVersions{File: "a.json", Versions: map[string]int{"0.4": 12, "0.999": 2, "": 1}}
	want := `a.json: no bodsVersion: 1 statement(s), BODS 0.4: 12 statement(s), BODS "0.999" (unsupported, rejected): 2 statement(s)`
	if got := f.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestInvalidV04Rejected: 0.4 statements that break the official schema
// are each rejected naming the offending field; the valid one after them
// is read.
func TestInvalidV04Rejected(t *testing.T) {
	s := parseFiles(t, "invalid-v04.jsonl")
	want := []struct {
		lineField
		reason string
	}{
		{lineField{1, "recordDetails.jurisdiction.code"}, "minLength"},         // one letter
		{lineField{2, "recordDetails.addresses[0].country.code"}, "maxLength"}, // three letters
		{lineField{3, "recordDetails.nationalities[0].code"}, "maxLength"},
		{lineField{4, "statementDate"}, "'2024-02-30' is not valid date"},
		{lineField{5, "recordDetails.interests[0].startDate"}, "'last spring' is not valid date"},
		{lineField{6, "recordDetails.isComponent"}, "missing"},
		{lineField{7, "declarationSubject"}, "missing"},
		{lineField{8, "recordDetails.identifiers[0].uri"}, "is not valid uri"},
		{lineField{9, "recordDetails.interestedParty"}, "missing"},
	}
	if len(s.Rejects) != len(want) {
		t.Fatalf("%d rejects, want %d: %v", len(s.Rejects), len(want), s.Rejects)
	}
	for i, w := range want {
		r := s.Rejects[i]
		if r.Line != w.line || r.Field != w.field || !strings.Contains(r.Reason, w.reason) || !strings.Contains(r.Reason, "BODS 0.4 schema") {
			t.Errorf("reject %d: %v; want line %d field %q reason ~%q", i, r, w.line, w.field, w.reason)
		}
	}
	if len(s.Entities) != 1 || s.Entities["bods:inv-ok"].Name != "Valid Ltd" || len(s.Rels) != 0 {
		t.Errorf("entities %v, relationships %v; want only Valid Ltd", s.Entities, s.Rels)
	}
}
