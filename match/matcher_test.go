package match

import (
	"cmp"
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/agnivade/levenshtein"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/names"
)

// memory is a Candidates source over a slice, ranking by how many query
// tokens an entity's index tokens share (the stores rank by BM25; the
// matcher must not depend on more than "the right entity is among them").
type memory []model.Entity

func (m memory) EntitiesByIdentifier(_ context.Context, id string) ([]model.Entity, error) {
	var out []model.Entity
	for _, e := range m {
		if slices.Contains(e.Identifiers, id) {
			out = append(out, e)
		}
	}
	return out, nil
}

func (m memory) NameCandidates(_ context.Context, tokens []string, limit int) ([]model.Entity, error) {
	type hit struct {
		e model.Entity
		n int
	}
	var hits []hit
	for _, e := range m {
		idx := names.IndexTokens(append([]string{e.Name}, e.Aliases...))
		n := 0
		for _, t := range tokens {
			if slices.Contains(idx, t) {
				n++
			}
		}
		if n > 0 {
			hits = append(hits, hit{e, n})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if c := cmp.Compare(b.n, a.n); c != 0 {
			return c
		}
		return strings.Compare(a.e.ID, b.e.ID)
	})
	var out []model.Entity
	for i := 0; i < len(hits) && i < limit; i++ {
		out = append(out, hits[i].e)
	}
	return out, nil
}

var graph = memory{
	{ID: "lei:CN1", Name: "深圳华信云科技有限公司", Aliases: []string{"Shenzhen Huaxin Cloud Technology Co., Ltd."},
		Jurisdiction: "CN", Identifiers: []string{"XI-LEI:5493001KJTIIGC8Y1R12", "CN-USCC:91440300MA5FUTY20G"}},
	{ID: "lei:CN2", Name: "Hangzhou Huaxin Biotechnology Co., Ltd.", Jurisdiction: "CN"},
	{ID: "coh:01", Name: "Northwind Trading Limited", Jurisdiction: "GB", Identifiers: []string{"GB-COH:01234567"}},
	{ID: "us:01", Name: "Northwind Trading LLC", Jurisdiction: "US"},
	{ID: "de:01", Name: "Beispiel Maschinenbau GmbH", Jurisdiction: "DE"},
}

func TestMatch(t *testing.T) {
	m := New(graph, DefaultThresholds)
	for _, tc := range []struct {
		name     string
		c        Customer
		status   Status
		entity   string // Best (MATCHED) or the top candidate (REVIEW)
		reasonIn string // a rendered reason the result must carry
	}{
		{"identifier beats name", Customer{Name: "Totally Different Name", LEI: "5493001kjtiigc8y1r12"}, Matched, "lei:CN1", "LEI equal"},
		{"USCC", Customer{Name: "x", USCC: "91440300MA5FUTY20G"}, Matched, "lei:CN1", "USCC equal"},
		{"company number and country", Customer{Name: "Northwind", RegistrationNumber: "1234567", Country: "GB"}, Matched, "coh:01", "company number (GB) equal"},
		{"bad LEI check digits falls back to name", Customer{Name: "Beispiel Maschinenbau GmbH", LEI: "5493001KJTIIGC8Y1R13"}, Matched, "de:01", "not valid"},
		{"exact alias", Customer{Name: "Shenzhen Huaxin Cloud Technology Co., Ltd.", Country: "CN"}, Matched, "lei:CN1", "country CN = CN"},
		{"Co Ltd", Customer{Name: "Shenzhen Huaxin Cloud Technology Co Ltd"}, Matched, "lei:CN1", "name 1.00"},
		{"Company Limited", Customer{Name: "SHENZHEN HUAXIN CLOUD TECHNOLOGY COMPANY LIMITED"}, Matched, "lei:CN1", "after legal form"},
		{"有限公司", Customer{Name: "深圳华信云科技有限公司"}, Matched, "lei:CN1", "name 1.00"},
		{"Han script without legal form", Customer{Name: "深圳华信云科技"}, Matched, "lei:CN1", "after legal form"},
		{"pinyin only", Customer{Name: "Shenzhen Huaxin Yun Keji Youxian Gongsi"}, Matched, "lei:CN1", "as pinyin"},
		{"one typo", Customer{Name: "Shenzen Huaxin Cloud Technology Co., Ltd.", Country: "CN"}, Matched, "lei:CN1", "name 0.9"},
		{"country tells same names apart", Customer{Name: "Northwind Trading", Country: "US"}, Matched, "us:01", "country US = US"},
		{"without a country same names tie", Customer{Name: "Northwind Trading"}, Review, "coh:01", "tie with us:01"},
		{"hard negative sharing words", Customer{Name: "Hangzhou Huaxin Cloud Technology Co., Ltd.", Country: "CN"}, Review, "lei:CN1", ""},
		{"absent", Customer{Name: "Acme Rocket Sleds Inc", Country: "US"}, NoMatch, "", ""},
		{"legal form conflict needs review", Customer{Name: "Beispiel Maschinenbau Ltd"}, Review, "de:01", "legal form ltd ≠ gmbh"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := m.Match(context.Background(), tc.c)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			switch {
			case res.Best != nil:
				got = res.Best.Entity.ID
			case len(res.Candidates) > 0:
				got = res.Candidates[0].Entity.ID
			}
			var reasons []string
			if len(res.Candidates) > 0 {
				reasons = Strings(res.Candidates[0].Reasons)
			}
			reasons = append(reasons, Strings(res.Reasons)...)
			if res.Status != tc.status || (tc.entity != "" && got != tc.entity) {
				t.Fatalf("got %s %s (%v), want %s %s", res.Status, got, reasons, tc.status, tc.entity)
			}
			if (res.Status == Matched) != (res.Best != nil) {
				t.Errorf("status %s with Best %v", res.Status, res.Best)
			}
			if tc.reasonIn != "" && !slices.ContainsFunc(reasons, func(r string) bool { return strings.Contains(r, tc.reasonIn) }) {
				t.Errorf("reasons %q lack %q", reasons, tc.reasonIn)
			}
		})
	}
}

// A hard negative must never be MATCHED, whatever the thresholds' country
// bonus does to it.
func TestHardNegativeBelowMatch(t *testing.T) {
	m := New(graph, DefaultThresholds)
	res, err := m.Match(context.Background(), Customer{Name: "Hangzhou Huaxin Cloud Technology Co., Ltd.", Country: "CN"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Candidates {
		if c.Entity.ID == "lei:CN2" && c.Score >= DefaultThresholds.Match {
			t.Errorf("Hangzhou Huaxin Biotechnology scored %.2f", c.Score)
		}
	}
}

func TestReasonStrings(t *testing.T) {
	for _, tc := range []struct {
		r    Reason
		want string
	}{
		{Reason{Code: CodeIdentifierEqual, Detail: "XI-LEI:5493001KJTIIGC8Y1R12", Value: 1}, "LEI equal"},
		{Reason{Code: CodeNameSimilarity, Detail: NameAfterLegalForm, Value: 0.9612}, "name 0.96 after legal form"},
		{Reason{Code: CodeCountryAgree, Detail: "CN = CN"}, "country CN = CN"},
		{Reason{Code: CodeIdentifierNotFound, Detail: "REG:FR:123"}, "registration number (FR) 123 not in the graph"},
	} {
		if got := tc.r.String(); got != tc.want {
			t.Errorf("%+v renders %q, want %q", tc.r, got, tc.want)
		}
	}
}

// TestBagDistanceBoundsLevenshtein checks that the bag distance never
// exceeds the Levenshtein distance (similarity relies on it to skip).
func TestBagDistanceBoundsLevenshtein(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		b := make([]byte, rng.IntN(12))
		for i := range b {
			b[i] = "abcde fgh"[rng.IntN(9)]
		}
		return string(b)
	}
	for range 20000 {
		a, b := word(), word()
		if bag, lev := bagDistance(a, b), levenshtein.ComputeDistance(a, b); bag > lev {
			t.Fatalf("bagDistance(%q, %q) = %d > Levenshtein %d", a, b, bag, lev)
		}
	}
	if got := bagDistance("linden capital", "shenzhen"); got == 0 {
		t.Error("bagDistance of unlike names is 0")
	}
	if got := bagDistance("华为", "huawei"); got != 0 {
		t.Errorf("bagDistance of a non-ASCII name = %d, want 0 (no bound)", got)
	}
}
