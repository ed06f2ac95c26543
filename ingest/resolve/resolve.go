// Package resolve joins entities that different sources (or different
// records of one source) know under different ids but with a shared
// identifier — LEI, Companies House number, Chinese unified social credit
// code, or a registry's (country, number) — and folds each group into one
// entity with store.MergeEntities.
//
// It is deterministic and idempotent: the groups and the surviving id
// depend only on what the store holds, not on the order files were
// ingested in, and a second run finds nothing left to merge. A group that
// would join two different LEIs, two different Companies House numbers or
// two different USCCs is ambiguous: it is reported and not merged; so is
// a group that would make a person one entity with a company, state body
// or arrangement.
package resolve

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/ubo-project/ubo/ingest/norm"
	"github.com/ubo-project/ubo/internal/faultpoint"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// Report says what Resolve did.
type Report struct {
	Entities  int           // entities scanned
	Clusters  int           // groups of two or more entities sharing identifiers
	Merges    []store.Merge // the merges applied, sorted by Into then From
	Ambiguous []Ambiguity   // groups left unmerged
}

// Ambiguity is a group of entities joined by shared identifiers that also
// carry conflicting identifiers of a scheme that names one entity only,
// or entities of incompatible kinds (a person and a company).
type Ambiguity struct {
	Entities  []string // sorted ids
	Conflicts []string // e.g. "XI-LEI: 5493…, 2138…", "kind: company, person"
}

func (a Ambiguity) String() string {
	return strings.Join(a.Entities, ", ") + " (" + strings.Join(a.Conflicts, "; ") + ")"
}

// mergeBatch is how many merges go to the store in one call.
const mergeBatch = 1000

// uniqueSchemes are the schemes whose values name exactly one entity: two
// values of one of them in a group make it ambiguous.
var uniqueSchemes = []string{norm.SchemeLEI, norm.SchemeCOH, norm.SchemeUSCC}

// Store is what resolution reads and writes: every entity, and the merges.
type Store interface {
	store.GraphReader
	store.GraphWriter
}

// Resolve streams every entity of st, groups those sharing an identifier
// (union-find over match keys), picks each group's canonical id (lei: >
// gb-coh: > cn-uscc: > any other, then the lexically smallest) and merges
// the others into it.
func Resolve(ctx context.Context, st Store) (Report, error) {
	var (
		rep   Report
		ids   []string
		keys  [][]string // match keys per entity index
		kinds []model.EntityKind
		first = map[string]int{}
		uf    unionFind
	)
	err := st.EachEntity(ctx, func(e *model.Entity) error {
		rep.Entities++
		ks := MatchKeys(e.Identifiers)
		if len(ks) == 0 {
			return nil // nothing to join on: not kept in memory
		}
		i := len(ids)
		ids = append(ids, e.ID)
		uf.add()
		keys = append(keys, ks)
		kinds = append(kinds, e.Kind)
		for _, k := range ks {
			if j, ok := first[k]; ok {
				uf.union(i, j)
			} else {
				first[k] = i
			}
		}
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("resolve: read entities: %w", err)
	}
	groups := map[int][]int{}
	for i := range ids {
		r := uf.find(i)
		groups[r] = append(groups[r], i)
	}
	for _, members := range groups {
		if len(members) < 2 {
			continue
		}
		rep.Clusters++
		if conflicts := append(conflictsIn(members, keys), kindConflict(members, kinds)...); len(conflicts) > 0 {
			a := Ambiguity{Conflicts: conflicts}
			for _, m := range members {
				a.Entities = append(a.Entities, ids[m])
			}
			sort.Strings(a.Entities)
			rep.Ambiguous = append(rep.Ambiguous, a)
			continue
		}
		into := ids[members[0]]
		for _, m := range members[1:] {
			if preferred(ids[m], into) {
				into = ids[m]
			}
		}
		for _, m := range members {
			if ids[m] != into {
				rep.Merges = append(rep.Merges, store.Merge{From: ids[m], Into: into})
			}
		}
	}
	sort.Slice(rep.Merges, func(i, j int) bool {
		a, b := rep.Merges[i], rep.Merges[j]
		if a.Into != b.Into {
			return a.Into < b.Into
		}
		return a.From < b.From
	})
	sort.Slice(rep.Ambiguous, func(i, j int) bool { return rep.Ambiguous[i].Entities[0] < rep.Ambiguous[j].Entities[0] })
	// A faults build may shrink the batches (internal/faultpoint.Size).
	size := faultpoint.Size(faultpoint.ResolveBatch, mergeBatch)
	for i := 0; i < len(rep.Merges); i += size {
		batch := rep.Merges[i:min(i+size, len(rep.Merges))]
		if err := st.MergeEntities(ctx, batch); err != nil {
			return rep, fmt.Errorf("resolve: merge %d entities: %w", len(batch), err)
		}
		faultpoint.Hit(faultpoint.ResolveBatch)
	}
	return rep, nil
}

// conflictsIn lists, per unique scheme, the groups' distinct values when
// there is more than one.
func conflictsIn(members []int, keys [][]string) []string {
	var out []string
	for _, scheme := range uniqueSchemes {
		seen := map[string]bool{}
		for _, m := range members {
			for _, k := range keys[m] {
				if v, ok := strings.CutPrefix(k, scheme+":"); ok {
					seen[v] = true
				}
			}
		}
		if len(seen) > 1 {
			vals := make([]string, 0, len(seen))
			for v := range seen {
				vals = append(vals, v)
			}
			sort.Strings(vals)
			out = append(out, scheme+": "+strings.Join(vals, ", "))
		}
	}
	return out
}

// kindConflict names the kinds of a group that holds a person and an
// entity of a kind a person cannot be (model.KindsCompatible): a shared
// identifier does not make a person a company, so such a group is
// ambiguous rather than merged.
func kindConflict(members []int, kinds []model.EntityKind) []string {
	seen := map[model.EntityKind]bool{}
	for _, m := range members {
		seen[kinds[m]] = true
	}
	list := make([]string, 0, len(seen))
	for k := range seen {
		list = append(list, string(k))
	}
	sort.Strings(list)
	for i, a := range list {
		for _, b := range list[i+1:] {
			if !model.KindsCompatible(model.EntityKind(a), model.EntityKind(b)) {
				return []string{"kind: " + strings.Join(list, ", ")}
			}
		}
	}
	return nil
}

// rank orders id prefixes for the canonical id of a group.
func rank(id string) int {
	switch {
	case strings.HasPrefix(id, "lei:"):
		return 0
	case strings.HasPrefix(id, "gb-coh:"):
		return 1
	case strings.HasPrefix(id, "cn-uscc:"):
		return 2
	}
	return 3
}

func preferred(a, b string) bool {
	if ra, rb := rank(a), rank(b); ra != rb {
		return ra < rb
	}
	return a < b
}

// MatchKeys returns the keys identifiers are matched on, in a canonical
// spelling: valid LEIs and USCCs upper-cased, Companies House numbers
// padded to 8, REG numbers of a Chinese registry that are valid USCCs as
// CN-USCC, and all-digit REG numbers without leading zeros (sources
// disagree on padding). Other schemes (and malformed values) do not join
// entities.
func MatchKeys(identifiers []string) []string {
	var out []string
	for _, id := range identifiers {
		scheme, value, ok := strings.Cut(strings.TrimSpace(id), ":")
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		switch strings.ToUpper(scheme) {
		case norm.SchemeLEI:
			if v := strings.ToUpper(value); norm.ValidLEI(v) {
				out = append(out, norm.SchemeLEI+":"+v)
			}
		case norm.SchemeCOH:
			if v := GBCompanyNumber(value); v != "" {
				out = append(out, norm.SchemeCOH+":"+v)
			}
		case norm.SchemeUSCC:
			if v := strings.ToUpper(value); norm.ValidUSCC(v) {
				out = append(out, norm.SchemeUSCC+":"+v)
			}
		case norm.SchemeREG:
			cc, num, ok := strings.Cut(value, ":")
			cc = strings.ToUpper(strings.TrimSpace(cc))
			num = norm.RegistryNumber(num)
			if !ok || len(cc) != 2 || num == "" {
				continue
			}
			if cc == "CN" && norm.ValidUSCC(num) {
				out = append(out, norm.SchemeUSCC+":"+num)
				continue
			}
			if allDigits(num) {
				if num = strings.TrimLeft(num, "0"); num == "" {
					continue
				}
			}
			out = append(out, norm.SchemeREG+":"+cc+":"+num)
		case "FTM", "ICIJ":
			// Source-assigned ids: FtM referents and OpenSanctions' icijId
			// name the same record exactly, so they match as given.
			if value != "" {
				out = append(out, strings.ToUpper(scheme)+":"+value)
			}
		}
	}
	return model.SortedUnique(out)
}

// unionFind is a disjoint-set forest over entity indexes.
type unionFind struct{ parent []int }

func (u *unionFind) add() { u.parent = append(u.parent, len(u.parent)) }

func (u *unionFind) find(i int) int {
	for u.parent[i] != i {
		u.parent[i] = u.parent[u.parent[i]]
		i = u.parent[i]
	}
	return i
}

// union links the larger root under the smaller, so roots are stable.
func (u *unionFind) union(a, b int) {
	ra, rb := u.find(a), u.find(b)
	if ra == rb {
		return
	}
	if ra < rb {
		u.parent[rb] = ra
	} else {
		u.parent[ra] = rb
	}
}
