package storetest

import (
	"testing"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// testSnapshotRetire: what a source's snapshot no longer asserts is
// retired by the shared rules (store.RetireEntity), records asserted
// through an alias count for the entity, other sources' records are left
// alone, a generation never retired changes nothing, and retiring twice
// changes nothing more.
func testSnapshotRetire(t *testing.T, s store.Store) {
	sn, ok := s.(store.Snapshotter)
	if !ok {
		t.Fatalf("%s store is no store.Snapshotter", s.Backend())
	}
	const d1, d2 = "2026-11-01", "2026-11-02"
	upsertEntities(t, s,
		model.Entity{ID: "p", Name: "Li", Kind: model.Person, Nationality: []string{"CN"}, Source: "psc", SourceRef: "p"},
		model.Entity{ID: "c", Name: "C Ltd", Kind: model.Company, Source: "psc", SourceRef: "c"},
		model.Entity{ID: "x", Name: "X Ltd", Kind: model.Company, Source: "psc", SourceRef: "x"},
		model.Entity{ID: "x", Source: "gleif", SourceRef: "x"},
		model.Entity{ID: "f", Name: "F", Kind: model.Company, Lists: []string{"sanction", "us_ofac_sdn"}, Source: "ftm", SourceRef: "f"},
		model.Entity{ID: "f2", Name: "F2", Kind: model.Company, Source: "ftm", SourceRef: "f2"})
	upsertRels(t, s,
		model.Relationship{ID: "r1", HolderID: "p", HeldID: "c", Kind: model.Ownership, Share: model.Exact(60), Source: "psc"},
		model.Relationship{ID: "r2", HolderID: "x", HeldID: "c", Kind: model.Ownership, Share: model.Exact(40), Source: "psc"},
		model.Relationship{ID: "r3", HolderID: "x", HeldID: "c", Kind: model.Control, Source: "gleif"},
		model.Relationship{ID: "r4", HolderID: "p", HeldID: "x", Kind: model.Board, EndDate: "2020-01-01", Source: "psc"},
		model.Relationship{ID: "r5", HolderID: "p", HeldID: "x", Kind: model.Voting, EndDate: "2030-01-01", Source: "psc"})
	if err := s.MergeEntities(ctx(t), []store.Merge{{From: "f2", Into: "f"}}); err != nil {
		t.Fatal(err)
	}
	mark := func(source string, gen int64, as ...store.Assertion) {
		t.Helper()
		if err := sn.MarkAsserted(ctx(t), source, gen, as); err != nil {
			t.Fatalf("MarkAsserted %s %d: %v", source, gen, err)
		}
	}
	retire := func(source string, gen int64, date string, want store.RetireStats) {
		t.Helper()
		got, err := sn.RetireUnasserted(ctx(t), source, gen, date)
		if err != nil {
			t.Fatalf("RetireUnasserted %s %d: %v", source, gen, err)
		}
		equal(t, "retirement by "+source, got, want)
	}
	ent := func(id ...string) []store.Assertion {
		out := make([]store.Assertion, len(id))
		for i, v := range id {
			out[i] = store.Assertion{ID: v}
		}
		return out
	}
	rel := func(id ...string) []store.Assertion {
		out := ent(id...)
		for i := range out {
			out[i].Relationship = true
		}
		return out
	}
	ends := func() map[string]string {
		out := map[string]string{}
		for _, r := range relationships(t, s) {
			out[r.ID] = r.EndDate
		}
		return out
	}

	// First snapshots: everything asserted, nothing retired.
	mark("psc", 1, append(ent("p", "c", "x"), rel("r1", "r2", "r4", "r5")...)...)
	mark("psc", 1, ent("p")...) // marking twice changes nothing
	retire("psc", 1, d1, store.RetireStats{})
	mark("ftm", 1, store.Assertion{ID: "f", Lists: []string{"sanction"}}, store.Assertion{ID: "f2", Lists: []string{"us_ofac_sdn"}})
	retire("ftm", 1, d1, store.RetireStats{})

	// A snapshot that is never retired (interrupted) changes nothing, and
	// the next one is compared with the last retired one.
	mark("psc", 2, ent("c")...)
	mark("ftm", 2, ent("f")...)

	// psc drops p and r1 (p's ended r4 stays as it was, r5 ends now).
	mark("psc", 3, append(ent("c", "x"), rel("r2")...)...)
	retire("psc", 3, d2, store.RetireStats{Relationships: 2, Entities: 1})
	equal(t, "end dates", ends(), map[string]string{"r1": d2, "r2": "", "r3": "", "r4": "2020-01-01", "r5": d2})
	equal(t, "p's lists", getEntity(t, s, "p").Lists, []string{store.InactiveTagPrefix + d2})
	equal(t, "x's lists (gleif knows it)", getEntity(t, s, "x").Lists, []string(nil))
	retire("psc", 3, d2, store.RetireStats{}) // twice: nothing more

	// ftm asserts f through the merged id f2, with one of its two tags:
	// the union within a generation counts.
	mark("ftm", 4, store.Assertion{ID: "f2", Lists: []string{"sanction"}})
	mark("ftm", 4, store.Assertion{ID: "f2"})
	retire("ftm", 4, d2, store.RetireStats{ListTags: 1})
	equal(t, "f's lists", getEntity(t, s, "f").Lists, []string{"sanction", store.RetiredTagPrefix + d2 + ":us_ofac_sdn"})

	// Derived copies (Neo4j's packed ones) were rewritten with the records.
	if rp, ok := s.(store.Repacker); ok {
		st, err := rp.Repack(ctx(t), nil)
		if err != nil {
			t.Fatal(err)
		}
		if st.EntitiesWritten != 0 || st.RelationshipsWritten != 0 {
			t.Errorf("after retirements Repack rewrote %d entity and %d relationship copies", st.EntitiesWritten, st.RelationshipsWritten)
		}
	}

	// A source asserting p and r1 again makes p active and r1 open.
	upsertEntities(t, s, model.Entity{ID: "p", Source: "psc", SourceRef: "p"})
	equal(t, "p's lists asserted again", getEntity(t, s, "p").Lists, []string(nil))
	upsertRels(t, s, model.Relationship{ID: "r1", HolderID: "p", HeldID: "c", Kind: model.Ownership, Share: model.Exact(60), Source: "psc"})
	equal(t, "r1's end asserted again", ends()["r1"], "")
}

// testApplyDelta: a delta's changes retire the list tags a record gave
// before (its ledger entry, else the entity's own tags when only the
// source knows it) and a deletion makes an entity only the source knew
// inactive; tags another source may give stay.
func testApplyDelta(t *testing.T, s store.Store) {
	da, ok := s.(store.DeltaApplier)
	if !ok {
		t.Fatalf("%s store is no store.DeltaApplier", s.Backend())
	}
	sn := s.(store.Snapshotter)
	const d2 = "2026-11-02"
	upsertEntities(t, s,
		model.Entity{ID: "f", Name: "F", Kind: model.Company, Lists: []string{"sanction", "us_ofac_sdn"}, Source: "ftm", SourceRef: "f"},
		model.Entity{ID: "g", Name: "G", Kind: model.Company, Lists: []string{"sanction"}, Source: "ftm", SourceRef: "g"},
		model.Entity{ID: "g", Source: "csv", SourceRef: "g"})
	// f's ledger entry (a snapshot) gives both tags; h, written after, has none.
	if err := sn.MarkAsserted(ctx(t), "ftm", 1, []store.Assertion{{ID: "f", Lists: []string{"sanction", "us_ofac_sdn"}}, {ID: "g"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := sn.RetireUnasserted(ctx(t), "ftm", 1, "2026-11-01"); err != nil {
		t.Fatal(err)
	}
	upsertEntities(t, s, model.Entity{ID: "h", Name: "H", Kind: model.Person, Lists: []string{"role.pep", "sanction"}, Source: "ftm", SourceRef: "h"})
	apply := func(want store.RetireStats, changes ...store.RecordChange) {
		t.Helper()
		got, err := da.ApplyDelta(ctx(t), "ftm", changes)
		if err != nil {
			t.Fatalf("ApplyDelta: %v", err)
		}
		equal(t, "delta", got, want)
	}
	apply(store.RetireStats{ListTags: 3, Entities: 1},
		store.RecordChange{ID: "f", Lists: []string{"sanction"}, Date: d2},
		store.RecordChange{ID: "g", Deleted: true, Date: d2}, // csv may give the tag
		store.RecordChange{ID: "h", Deleted: true, Date: d2},
		store.RecordChange{ID: "nobody", Deleted: true, Date: d2})
	equal(t, "f's lists", getEntity(t, s, "f").Lists, []string{"sanction", store.RetiredTagPrefix + d2 + ":us_ofac_sdn"})
	equal(t, "g's lists", getEntity(t, s, "g").Lists, []string{"sanction"})
	equal(t, "h's lists", getEntity(t, s, "h").Lists, []string{store.InactiveTagPrefix + d2,
		store.RetiredTagPrefix + d2 + ":role.pep", store.RetiredTagPrefix + d2 + ":sanction"})
	// The ledger now holds f's new tags: deleting f retires the one left.
	apply(store.RetireStats{ListTags: 1, Entities: 1}, store.RecordChange{ID: "f", Deleted: true, Date: d2})
	equal(t, "f's lists deleted", getEntity(t, s, "f").Lists, []string{store.InactiveTagPrefix + d2,
		store.RetiredTagPrefix + d2 + ":sanction", store.RetiredTagPrefix + d2 + ":us_ofac_sdn"})
	apply(store.RetireStats{}, store.RecordChange{ID: "f", Deleted: true, Date: d2}) // twice: nothing more
}
