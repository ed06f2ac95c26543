package gen

import (
	"bytes"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/model"
)

type collected struct {
	entities []model.Entity
	rels     []model.Relationship
}

func collect(t *testing.T, cfg Config) (collected, Stats) {
	t.Helper()
	var c collected
	st, err := Stream(cfg,
		func(e model.Entity) error { c.entities = append(c.entities, e); return nil },
		func(r model.Relationship) error { c.rels = append(c.rels, r); return nil })
	if err != nil {
		t.Fatal(err)
	}
	return c, st
}

func TestStreamExactCountAndValidRecords(t *testing.T) {
	for _, n := range []int{1, 10, 11, 1000, 20000} {
		c, st := collect(t, Config{Entities: n, Seed: 3, ChineseShare: 0.2})
		if len(c.entities) != n || st.Entities != n {
			t.Fatalf("n=%d: emitted %d entities, stats %d", n, len(c.entities), st.Entities)
		}
		if st.Relationships != len(c.rels) {
			t.Errorf("n=%d: stats say %d relationships, emitted %d", n, st.Relationships, len(c.rels))
		}
		seen := make(map[string]model.EntityKind, n)
		for _, e := range c.entities {
			if _, dup := seen[e.ID]; dup {
				t.Fatalf("duplicate entity id %s", e.ID)
			}
			if !e.Kind.Valid() || e.Name == "" {
				t.Fatalf("bad entity %+v", e)
			}
			seen[e.ID] = e.Kind
		}
		relIDs := map[string]bool{}
		for _, r := range c.rels {
			if !r.Kind.Valid() {
				t.Fatalf("bad kind %+v", r)
			}
			if err := r.Share.Validate(); err != nil {
				t.Fatalf("bad share %+v: %v", r, err)
			}
			if _, ok := seen[r.HolderID]; !ok {
				t.Fatalf("relationship %s names unknown holder %s", r.SourceRef, r.HolderID)
			}
			if _, ok := seen[r.HeldID]; !ok {
				t.Fatalf("relationship %s names unknown held %s", r.SourceRef, r.HeldID)
			}
			if r.HolderID == r.HeldID {
				t.Fatalf("self loop %+v", r)
			}
			if seen[r.HeldID] == model.Person {
				t.Fatalf("a person is held: %+v", r)
			}
			if r.EndDate != "" && r.StartDate != "" && r.EndDate <= r.StartDate {
				t.Fatalf("ends before it starts: %+v", r)
			}
			if relIDs[r.ID] {
				t.Fatalf("duplicate relationship id %s", r.ID)
			}
			relIDs[r.ID] = true
		}
	}
}

// Entities come before the relationships naming them, so a streaming
// loader never sees a dangling edge.
func TestStreamDependencyOrder(t *testing.T) {
	emitted := map[string]bool{}
	_, err := Stream(Config{Entities: 30000, Seed: 9, ChineseShare: 0.1},
		func(e model.Entity) error { emitted[e.ID] = true; return nil },
		func(r model.Relationship) error {
			if !emitted[r.HolderID] || !emitted[r.HeldID] {
				return errors.New("edge before its entity: " + r.SourceRef)
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
}

func TestStreamHasTheHardParts(t *testing.T) {
	c, st := collect(t, Config{Entities: 50000, Seed: 1, ChineseShare: 0.1})
	for _, k := range []model.EntityKind{model.Company, model.Person, model.StateBody, model.Unknown} {
		if st.ByKind[k] == 0 {
			t.Errorf("no %s entities", k)
		}
	}
	for _, k := range []model.RelKind{model.Ownership, model.Voting, model.Board, model.Control, model.Consolidation, model.Officer} {
		if st.ByRelKind[k] == 0 {
			t.Errorf("no %s relationships", k)
		}
	}
	if st.Ended == 0 {
		t.Error("no ended relationships")
	}
	var bands, unknownShares, fiftyFifty int
	held := map[string][]model.Relationship{}
	for _, r := range c.rels {
		if r.Kind != model.Ownership || r.EndDate != "" {
			continue
		}
		held[r.HeldID] = append(held[r.HeldID], r)
		switch {
		case !r.Share.Known:
			unknownShares++
		case r.Share.MinExclusive && !r.Share.MaxExclusive && r.Share.Max-r.Share.Min == 25:
			bands++
		}
	}
	for _, rs := range held {
		if len(rs) == 2 && rs[0].Share == model.Exact(50) && rs[1].Share == model.Exact(50) {
			fiftyFifty++
		}
	}
	if bands == 0 || unknownShares == 0 || fiftyFifty == 0 {
		t.Errorf("PSC bands %d, unknown shares %d, 50/50 JVs %d: want all > 0", bands, unknownShares, fiftyFifty)
	}
	if cycles := ownershipCycles(c.rels); cycles == 0 {
		t.Error("no cross-holding cycles")
	}
	if d := maxDepth(c); d < 8 {
		t.Errorf("deepest ownership chain %d, want deep groups (about 10)", d)
	}
	// Ownership shares into one company never exceed 100% certain.
	for id, rs := range held {
		sum := 0.0
		for _, r := range rs {
			if r.Share.Known {
				sum += r.Share.Min
			}
		}
		if sum > 100.0001 {
			t.Errorf("%s: certain shares sum to %g", id, sum)
		}
	}
}

// ownershipCycles counts back edges of a DFS over ownership edges.
func ownershipCycles(rels []model.Relationship) int {
	adj := map[string][]string{}
	for _, r := range rels {
		if r.Kind == model.Ownership {
			adj[r.HolderID] = append(adj[r.HolderID], r.HeldID)
		}
	}
	state := map[string]int{} // 1 on stack, 2 done
	back := 0
	var dfs func(string)
	dfs = func(v string) {
		state[v] = 1
		for _, w := range adj[v] {
			switch state[w] {
			case 0:
				dfs(w)
			case 1:
				back++
			}
		}
		state[v] = 2
	}
	keys := make([]string, 0, len(adj))
	for k := range adj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if state[k] == 0 {
			dfs(k)
		}
	}
	return back
}

// maxDepth is the longest chain of current company → company parent edges
// that point from an older to a newer company (group trees; cross-holdings
// point the other way).
func maxDepth(c collected) int {
	kind := map[string]model.EntityKind{}
	for _, e := range c.entities {
		kind[e.ID] = e.Kind
	}
	num := func(id string) int { n, _ := strconv.Atoi(id[1:]); return n }
	parent := map[string]string{}
	for _, r := range c.rels {
		if r.EndDate != "" || kind[r.HolderID] != model.Company || kind[r.HeldID] != model.Company {
			continue
		}
		if _, ok := parent[r.HeldID]; !ok && num(r.HolderID) < num(r.HeldID) {
			parent[r.HeldID] = r.HolderID
		}
	}
	best := 0
	for id := range parent {
		d := 0
		for p, ok := parent[id]; ok && d < 1000; p, ok = parent[p] {
			d++
		}
		best = max(best, d)
	}
	return best
}

func TestChineseShareControlsRoots(t *testing.T) {
	chineseTops := func(share float64) int {
		c, _ := collect(t, Config{Entities: 20000, Seed: 5, ChineseShare: share})
		n := 0
		for _, e := range c.entities {
			if e.Kind == model.Company && (e.HQCountry == "CN" && e.Jurisdiction != "CN") {
				n++ // red-chip wrappers exist only in Chinese groups
			}
		}
		return n
	}
	none, half := chineseTops(0), chineseTops(0.5)
	if none != 0 || half == 0 {
		t.Errorf("offshore wrappers headquartered in CN: share 0 → %d, share 0.5 → %d", none, half)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, cfg := range []Config{{Entities: 0}, {Entities: -1}, {Entities: 5, ChineseShare: 1.5}} {
		if _, err := Stream(cfg, func(model.Entity) error { return nil }, func(model.Relationship) error { return nil }); err == nil {
			t.Errorf("Stream(%+v) accepted", cfg)
		}
	}
}

func TestCallbackErrorStops(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	_, err := Stream(Config{Entities: 1000, Seed: 1},
		func(model.Entity) error {
			n++
			if n == 50 {
				return stop
			}
			return nil
		},
		func(model.Relationship) error { return nil })
	if !errors.Is(err, stop) || n != 50 {
		t.Errorf("err %v after %d entities, want stop after 50", err, n)
	}
}

func TestWriteCSVReproducible(t *testing.T) {
	cfg := Config{Entities: 5000, Seed: 42, ChineseShare: 0.1}
	a, b, other := t.TempDir(), t.TempDir(), t.TempDir()
	if _, err := WriteCSV(cfg, a); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteCSV(cfg, b); err != nil {
		t.Fatal(err)
	}
	cfg.Seed = 43
	if _, err := WriteCSV(cfg, other); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{EntitiesFile, RelationshipsFile} {
		x, y, z := readFile(t, a, f), readFile(t, b, f), readFile(t, other, f)
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs with the same seed", f)
		}
		if bytes.Equal(x, z) {
			t.Errorf("%s identical for different seeds", f)
		}
	}
}

func readFile(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestWriteCSVShape(t *testing.T) {
	dir := t.TempDir()
	st, err := WriteCSV(Config{Entities: 3000, Seed: 7, ChineseShare: 0.2}, dir)
	if err != nil {
		t.Fatal(err)
	}
	ents := readCSV(t, filepath.Join(dir, EntitiesFile))
	if got := strings.Join(ents[0], ","); got != "id,name,kind,jurisdiction,hq_country,nationality,residence,state_owned,lists,identifiers,aliases" {
		t.Errorf("entities header %q", got)
	}
	if len(ents)-1 != st.Entities {
		t.Errorf("%d entity rows, stats %d", len(ents)-1, st.Entities)
	}
	rels := readCSV(t, filepath.Join(dir, RelationshipsFile))
	if got := strings.Join(rels[0], ","); got != "holder_id,held_id,kind,share,share_min,share_max,share_min_exclusive,share_max_exclusive,start_date,end_date,source_ref" {
		t.Errorf("relationships header %q", got)
	}
	if len(rels)-1 != st.Relationships {
		t.Errorf("%d relationship rows, stats %d", len(rels)-1, st.Relationships)
	}
	var exact, band, unknown int
	for _, r := range rels[1:] {
		switch {
		case r[3] != "" && r[4] == "" && r[5] == "":
			exact++
		case r[3] == "" && r[4] != "" && r[5] != "" && r[6] == "true" && r[7] == "false":
			band++
		case r[3] == "" && r[4] == "" && r[5] == "" && r[6] == "" && r[7] == "":
			unknown++
		default:
			t.Fatalf("share columns inconsistent: %q", r)
		}
	}
	if exact == 0 || band == 0 || unknown == 0 {
		t.Errorf("exact %d, band %d, unknown %d rows: want each > 0", exact, band, unknown)
	}
	// Multi-valued columns use ";" and kinds are valid.
	for _, e := range ents[1:] {
		if !model.EntityKind(e[2]).Valid() {
			t.Fatalf("bad kind in %q", e)
		}
		if strings.Contains(e[9], ",") {
			t.Fatalf("identifiers not ;-separated: %q", e[9])
		}
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

func TestRelationshipWriterShares(t *testing.T) {
	var buf bytes.Buffer
	w := NewRelationshipWriter(&buf)
	for _, s := range []model.Share{model.Exact(12.5), model.Range(25, 50, true, false), {}} {
		if err := w.Write(model.Relationship{HolderID: "a", HeldID: "b", Kind: model.Ownership, Share: s, SourceRef: "R1"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "a,b,ownership,12.5,,,,,,,R1\na,b,ownership,,25,50,true,false,,,R1\na,b,ownership,,,,,,,,R1\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

// One source record per holder and held: a holder never asserts the same
// current ownership link twice.
func TestNoDuplicateOwnershipLinks(t *testing.T) {
	c, _ := collect(t, Config{Entities: 100000, Seed: 1, ChineseShare: 0.05})
	seen := map[[2]string]bool{}
	for _, r := range c.rels {
		if r.Kind != model.Ownership || r.EndDate != "" {
			continue
		}
		k := [2]string{r.HolderID, r.HeldID}
		if seen[k] {
			t.Fatalf("duplicate ownership link %s → %s (%s)", r.HolderID, r.HeldID, r.SourceRef)
		}
		seen[k] = true
	}
}

func TestIdentifiersAreWellFormed(t *testing.T) {
	for _, n := range []string{"1", "42", "9999999", "123456789"} {
		l := lei(n)
		rem := 0
		for i := 0; i < len(l); i++ {
			rem = (rem*10 + int(l[i]-'0')) % 97
		}
		if len(l) != 20 || rem != 1 {
			t.Errorf("lei(%s) = %s: length %d, mod 97 = %d (want 20, 1)", n, l, len(l), rem)
		}
		u := uscc(n)
		weights := []int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
		sum := 0
		for i, w := range weights {
			sum += strings.IndexByte(usccAlphabet, u[i]) * w
		}
		if len(u) != 18 || usccAlphabet[(31-sum%31)%31] != u[17] {
			t.Errorf("uscc(%s) = %s: bad check character", n, u)
		}
	}
}

func TestWriteCustomers(t *testing.T) {
	cfg := Config{Entities: 20000, Seed: 5, ChineseShare: 0.2}
	dir := t.TempDir()
	path := filepath.Join(dir, CustomersFile)
	st, err := WriteCustomers(cfg, 1000, path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Customers != 1000 || st.Present != 750 || st.Absent != 250 {
		t.Errorf("stats %+v, want 1000 customers: 750 present, 250 absent", st)
	}
	rows := readCSV(t, path)
	if got := strings.Join(rows[0], ","); got != strings.Join(CustomerHeader, ",") {
		t.Errorf("header %q", got)
	}
	if len(rows)-1 != st.Customers {
		t.Errorf("%d rows, stats %d", len(rows)-1, st.Customers)
	}
	ids := map[string]bool{}
	withID, han := 0, 0
	for _, r := range rows[1:] {
		if ids[r[0]] || r[1] == "" {
			t.Fatalf("bad row %q", r)
		}
		ids[r[0]] = true
		if r[3] != "" || r[4] != "" || r[6] != "" {
			withID++
		}
		if strings.Contains(r[1], "有限公司") {
			han++
		}
	}
	if withID == 0 || han == 0 {
		t.Errorf("%d rows with an identifier, %d with a Han name; want some of each", withID, han)
	}
	again := filepath.Join(dir, "again.csv")
	if _, err := WriteCustomers(cfg, 1000, again); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(path)
	b, _ := os.ReadFile(again)
	if !bytes.Equal(a, b) {
		t.Error("the same config and count gave different files")
	}
}
