package store

import (
	"strings"
	"testing"
)

func TestRedactURI(t *testing.T) {
	for in, want := range map[string]string{
		"bolt://neo4j:secret@db.example:7687": "bolt://***@db.example:7687",
		"neo4j+s://u:p@w@host":                "neo4j+s://***@host",
		"bolt://127.0.0.1:7687":               "bolt://127.0.0.1:7687",
		"/var/lib/ubo/ubo.db":                 "/var/lib/ubo/ubo.db",
		"dir@2026/ubo.db":                     "dir@2026/ubo.db",
	} {
		if got := RedactURI(in); got != want {
			t.Errorf("RedactURI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStatusWriteText(t *testing.T) {
	s := Status{Backend: "neo4j", Location: "bolt://u:pw@h:7687", ServerVersion: "5.26",
		Entities: map[string]int{"person": 2, "company": 3}, Relationships: map[string]int{}, Runs: 4}
	var b strings.Builder
	if err := s.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	want := "store:    neo4j (bolt://***@h:7687) — reachable\nversion:  5.26\n" +
		"entities: 5\n  company            3\n  person             2\nrelationships: 0\nruns:     4\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
