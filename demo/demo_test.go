package demo

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/ingest/norm"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store/embedded"
)

func TestSampleIdentifiersAreValid(t *testing.T) {
	leiRe := regexp.MustCompile(`<(?:lei:LEI|rr:NodeID|repex:LEI|lei:ManagingLOU)>([^<]+)<`)
	for _, f := range Files {
		data, err := Open(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range leiRe.FindAllStringSubmatch(string(data), -1) {
			if !norm.ValidLEI(m[1]) {
				t.Errorf("%s: %s is not a valid LEI", f.Name, m[1])
			}
		}
	}
}

func TestLoad(t *testing.T) {
	ctx := context.Background()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	first, err := Load(ctx, st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Sources) != 4 || first.Merged == 0 {
		t.Fatalf("Load: %+v, want four sources and cross-source merges", first)
	}
	for _, s := range first.Sources {
		if s.Read == 0 || s.Entities == 0 || s.Relationships == 0 {
			t.Errorf("%s: %+v, want records read and written", s.Source, s.Stats)
		}
	}
	snapshot := func() (ents, rels []string) {
		_ = st.EachEntity(ctx, func(e *model.Entity) error {
			ents = append(ents, e.ID+"|"+e.Name+"|"+e.Jurisdiction+"|"+e.HQCountry+"|"+strings.Join(e.Identifiers, ","))
			return nil
		})
		_ = st.EachRelationship(ctx, func(r *model.Relationship) error {
			rels = append(rels, r.ID+"|"+r.HolderID+"|"+r.HeldID+"|"+r.Share.String())
			return nil
		})
		return ents, rels
	}
	ents, rels := snapshot()

	// Cross-source resolution: the PSC's corporate owner named by its
	// Companies House number is the GLEIF entity, and the PSC's id is an alias.
	e, err := st.Entity(ctx, "gb-coh:09876543")
	if err != nil || e.ID != "lei:213800HXUK7P9T3M5V41" || e.Name != "Huaxin Precision UK Limited" {
		t.Errorf("gb-coh:09876543 resolves to %+v (%v), want the GLEIF entity", e, err)
	}
	// Every held company has a name: none is left a bare PSC stub.
	for _, s := range ents {
		f := strings.Split(s, "|")
		if f[1] == "" {
			t.Errorf("entity without a name: %s", s)
		}
	}

	// Loading again changes nothing.
	if _, err := Load(ctx, st, Options{}); err != nil {
		t.Fatal(err)
	}
	ents2, rels2 := snapshot()
	if strings.Join(ents, "\n") != strings.Join(ents2, "\n") || strings.Join(rels, "\n") != strings.Join(rels2, "\n") {
		t.Errorf("a second Load changed the store: %d→%d entities, %d→%d relationships", len(ents), len(ents2), len(rels), len(rels2))
	}
}
