package queries

import (
	"strings"
	"testing"

	"github.com/ubo-project/ubo/model"
)

func TestEscapeLucene(t *testing.T) {
	if got, want := escapeLucene(`a+b(c)~d*e?f:g\h/i"j`), `a\+b\(c\)\~d\*e\?f\:g\\h\/i\"j`; got != want {
		t.Errorf("escapeLucene = %q, want %q", got, want)
	}
}

func TestNameQuery(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Huawei Technologies", "+search_forms:(huawei^2 OR huawei* OR huawei~1) +search_forms:(technologies^2 OR technologies* OR technologies~1)"},
		{"ZTE corp", "+search_forms:(zte^2 OR zte*) +search_forms:(corp^2 OR corp*)"},
		{"AND OR NOT", "+search_forms:(and^2 OR and*) +search_forms:(or^2 OR or*) +search_forms:(not^2 OR not*)"}, // lower case: not operators
		{"(*)~", ""},
		{"", ""},
	} {
		if got := nameQuery(tc.in); got != tc.want {
			t.Errorf("nameQuery(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestQueriesRendered checks that every embedded query loads and that no
// placeholder survives rendering.
func TestQueriesRendered(t *testing.T) {
	all := append([]string{qUpsertEntities, qEachEntity, qNeighboursUp, qNeighboursDown, qMergeEntity,
		qCountEntities, qSearchNames}, schemaStatements()...)
	for _, k := range model.RelKinds {
		all = append(all, qUpsertRelationships[k], qEachRelationship[k], qCountRelationships[k])
		if !strings.Contains(qUpsertRelationships[k], ":"+relType(k)+"]") {
			t.Errorf("upsert query for %s lacks its type: %s", k, qUpsertRelationships[k])
		}
	}
	for _, q := range all {
		if strings.Contains(q, "__REL_TYPE") {
			t.Errorf("placeholder left in query:\n%s", q)
		}
	}
	// One id index per relationship kind, plus the node schema.
	n := 0
	for _, st := range schemaStatements() {
		if strings.Contains(st, "FOR ()-[r:") {
			n++
		}
	}
	if n != len(model.RelKinds) {
		t.Errorf("%d relationship id indexes, want %d", n, len(model.RelKinds))
	}
	if !strings.Contains(qNeighboursUp, "OWNERSHIP|VOTING|BOARD") {
		t.Errorf("neighbourhood query lacks the type alternation: %s", qNeighboursUp)
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"neo4j://user:pw@host:7687":  "neo4j://host:7687",
		"bolt://127.0.0.1:7687":      "bolt://127.0.0.1:7687",
		"neo4j+s://u@db.example.com": "neo4j+s://db.example.com",
	} {
		if got := redact(in); got != want {
			t.Errorf("redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormHasWords(t *testing.T) {
	for _, tc := range []struct {
		form, words string
		want        bool
	}{
		{"huawei technologies co ltd", "technologies huawei", true},
		{"huawei technologies", "huawie", true}, // two letters swapped
		{"huawei technologies", "huawe", true},  // one letter missing
		{"huawei technologies", "hua", true},    // the start of a word
		{"huawei technologies", "hue", false},
		{"huawei technologies", "huawei group", false}, // every word
		{"zte corp", "zte", true},
	} {
		if got := formHasWords(strings.Fields(tc.form), strings.Fields(tc.words)); got != tc.want {
			t.Errorf("formHasWords(%q, %q) = %v, want %v", tc.form, tc.words, got, tc.want)
		}
	}
}

func TestTokenQuery(t *testing.T) {
	tokens := usableTokens([]string{"shenzhen", "a:b", "", " ", "shenzhen", "华信"})
	for _, tc := range []struct {
		name string
		df   map[string]int
		hits int
		want string
	}{
		{"no counts: any token", nil, 33, `name_tokens:a\:b name_tokens:shenzhen name_tokens:华信`},
		{"all rare", map[string]int{"a:b": 3, "shenzhen": 300, "华信": 1}, 33, `name_tokens:a\:b name_tokens:shenzhen name_tokens:华信`},
		{"rare required, common optional", map[string]int{"a:b": 34, "shenzhen": 301, "华信": 301}, 33,
			`+(name_tokens:a\:b) name_tokens:shenzhen name_tokens:华信`},
		{"rare in few enough entities: the rare alone", map[string]int{"a:b": 33, "shenzhen": 301, "华信": 301}, 33,
			`name_tokens:a\:b`},
		{"uncounted counts as rare, not as few", map[string]int{"shenzhen": 301, "华信": 301}, 33,
			`+(name_tokens:a\:b) name_tokens:shenzhen name_tokens:华信`},
		{"all common: any", map[string]int{"a:b": 301, "shenzhen": 301, "华信": 301}, 33,
			`name_tokens:a\:b name_tokens:shenzhen name_tokens:华信`},
		// "Linden Capital Parners": the misspelt rare token is in no entity,
		// so the common ones must find the candidates.
		{"rare ones in no entity: any", map[string]int{"a:b": 0, "shenzhen": 301, "华信": 301}, 33,
			`name_tokens:a\:b name_tokens:shenzhen name_tokens:华信`},
	} {
		if got := tokenQuery(tokens, tc.df, tc.hits); got != tc.want {
			t.Errorf("%s: tokenQuery = %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := tokenQuery(usableTokens([]string{"", " "}), nil, 33); got != "" {
		t.Errorf("tokenQuery of no usable token = %q, want none", got)
	}
}
