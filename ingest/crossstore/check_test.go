package crossstore

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// wantEntity is a hand-written expectation for one stored entity. Kind,
// jurisdiction, HQ country, residence and state_owned are compared exactly;
// Name only when set; the list fields exactly when not nil.
type wantEntity struct {
	ID           string
	Name         string
	Kind         model.EntityKind
	Jurisdiction string
	HQCountry    string
	Residence    string
	StateOwned   bool
	Nationality  []string
	Identifiers  []string
	Lists        []string
}

// wantRel is a hand-written expectation for one stored assertion: some
// relationship holder → held of that kind must have exactly this share
// (bounds and exclusivity), direct flag and dates.
type wantRel struct {
	Holder, Held string
	Kind         model.RelKind
	Share        model.Share
	Direct       string
	Start, End   string
}

func (w wantRel) String() string {
	return fmt.Sprintf("%s -%s %s direct=%q %s..%s-> %s", w.Holder, w.Kind, w.Share, w.Direct, w.Start, w.End, w.Held)
}

// unknownShare is the share of an assertion that gives none.
var unknownShare = model.Share{}

func checkEntities(t *testing.T, st store.Store, want []wantEntity) {
	t.Helper()
	ctx := context.Background()
	for _, w := range want {
		got, err := st.Entity(ctx, w.ID)
		if err != nil {
			t.Errorf("entity %s: %v", w.ID, err)
			continue
		}
		if got.ID != w.ID {
			t.Errorf("entity %s resolves to %s", w.ID, got.ID)
		}
		var diffs []string
		cmp := func(field string, g, x any) {
			if !reflect.DeepEqual(g, x) {
				diffs = append(diffs, fmt.Sprintf("%s %#v, want %#v", field, g, x))
			}
		}
		if w.Name != "" {
			cmp("name", got.Name, w.Name)
		}
		cmp("kind", got.Kind, w.Kind)
		cmp("jurisdiction", got.Jurisdiction, w.Jurisdiction)
		cmp("hq_country", got.HQCountry, w.HQCountry)
		cmp("residence", got.Residence, w.Residence)
		cmp("state_owned", got.StateOwned, w.StateOwned)
		if w.Nationality != nil {
			cmp("nationality", got.Nationality, w.Nationality)
		}
		if w.Identifiers != nil {
			cmp("identifiers", got.Identifiers, w.Identifiers)
		}
		if w.Lists != nil {
			cmp("lists", got.Lists, w.Lists)
		}
		if len(diffs) > 0 {
			t.Errorf("entity %s: %s", w.ID, strings.Join(diffs, "; "))
		}
	}
}

// checkAbsent asserts that none of ids is an entity or an alias.
func checkAbsent(t *testing.T, st store.Store, ids []string) {
	t.Helper()
	for _, id := range ids {
		_, err := st.Entity(context.Background(), id)
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("entity %s: got err %v, want it absent", id, err)
		}
	}
}

func checkRelationships(t *testing.T, st store.Store, want []wantRel) {
	t.Helper()
	type key struct {
		holder, held string
		kind         model.RelKind
	}
	byKey := map[key][]model.Relationship{}
	err := st.EachRelationship(context.Background(), func(r *model.Relationship) error {
		k := key{r.HolderID, r.HeldID, r.Kind}
		byKey[k] = append(byKey[k], *r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		cands := byKey[key{w.Holder, w.Held, w.Kind}]
		found := false
		for _, r := range cands {
			if r.Share == w.Share && r.Direct == w.Direct && r.StartDate == w.Start && r.EndDate == w.End {
				found = true
				break
			}
		}
		if !found {
			var got []string
			for _, r := range cands {
				got = append(got, wantRel{r.HolderID, r.HeldID, r.Kind, r.Share, r.Direct, r.StartDate, r.EndDate}.String())
			}
			t.Errorf("no relationship %s; same ends and kind: %v", w, got)
		}
	}
}

// firstDiff shows where two dumps part, line by line.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n  %s\n  %s", i+1, x, y)
		}
	}
	return "no difference"
}
