package bench

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
)

// Baseline is what users do today without ubo: load the ownership edges,
// then enumerate every simple ownership path downstream of every Chinese
// root and add up the products of the shares per reached entity — the
// networkx all_simple_paths approach, or Cypher's
//
//	MATCH p = (r:Root)-[:OWNS*]->(t) WHERE none(n IN nodes(p)[1..] WHERE n:Root)
//	RETURN t, sum(reduce(s = 1.0, r IN relationships(p) | s * r.share))
//
// written plainly in Go (CSR adjacency, an explicit DFS stack), so the
// comparison measures the algorithm, not a slow runtime.
type Baseline struct {
	// StopAtRoots ends paths at the first root (the careful query with the
	// WHERE clause, whose sums equal U on acyclic data); off, it is the
	// plain [:OWNS*] match most users write, which walks through roots.
	stopAtRoots bool

	ids   map[string]int32
	root  []bool
	off   []int32 // CSR over holders after Freeze
	to    []int32
	share []float64

	// Edges as added, before Freeze.
	eFrom, eTo []int32
	eShare     []float64
}

// NewBaseline returns an empty baseline graph.
func NewBaseline(stopAtRoots bool) *Baseline {
	return &Baseline{ids: map[string]int32{}, stopAtRoots: stopAtRoots}
}

func (b *Baseline) node(id string) int32 {
	if i, ok := b.ids[id]; ok {
		return i
	}
	i := int32(len(b.root))
	b.ids[id] = i
	b.root = append(b.root, false)
	return i
}

// AddEntity records e and whether it is a root under p (country rules and
// list tags, as the engine's roots).
func (b *Baseline) AddEntity(e model.Entity, p *policy.Policy, concern map[string]bool) {
	i := b.node(e.ID)
	b.root[i] = IsRoot(e, p, concern)
}

// IsRoot applies the policy's root rules to one entity.
func IsRoot(e model.Entity, p *policy.Policy, concern map[string]bool) bool {
	r := p.Roots
	person := e.Kind == model.Person
	switch {
	case slices.Contains(p.ExcludeJurisdictions, e.Jurisdiction) && e.Jurisdiction != "":
		return false
	case !person && r.Incorporation && concern[e.Jurisdiction]:
		return true
	case !person && r.Headquarters && concern[e.HQCountry]:
		return true
	case e.Kind == model.StateBody && r.StateBody && (concern[e.Jurisdiction] || concern[e.HQCountry]):
		return true
	case person && r.Nationality && slices.ContainsFunc(e.Nationality, func(c string) bool { return concern[c] }):
		return true
	case person && r.Residence && concern[e.Residence]:
		return true
	}
	return slices.ContainsFunc(e.Lists, func(t string) bool { return slices.Contains(r.ListTags, t) })
}

// AddRelationship keeps current ownership edges, with the certain share
// (the lower bound; an unknown share multiplies as 0 but is still walked,
// as [:OWNS*] walks it).
func (b *Baseline) AddRelationship(r model.Relationship, asOf string) {
	if r.Kind != model.Ownership || (r.EndDate != "" && r.EndDate <= asOf) || (r.StartDate != "" && r.StartDate > asOf) {
		return
	}
	s := 0.0
	if r.Share.Known {
		s = r.Share.Min / 100
	}
	b.eFrom = append(b.eFrom, b.node(r.HolderID))
	b.eTo = append(b.eTo, b.node(r.HeldID))
	b.eShare = append(b.eShare, s)
}

// Freeze builds the adjacency.
func (b *Baseline) Freeze() {
	n := len(b.root)
	b.off = make([]int32, n+1)
	for _, f := range b.eFrom {
		b.off[f+1]++
	}
	for i := 1; i <= n; i++ {
		b.off[i] += b.off[i-1]
	}
	b.to = make([]int32, len(b.eFrom))
	b.share = make([]float64, len(b.eFrom))
	pos := slices.Clone(b.off[:n])
	for e, f := range b.eFrom {
		b.to[pos[f]] = b.eTo[e]
		b.share[pos[f]] = b.eShare[e]
		pos[f]++
	}
	b.eFrom, b.eTo, b.eShare, b.ids = nil, nil, nil, nil
}

// BaselineResult is the outcome of one enumeration.
type BaselineResult struct {
	Roots    int           // Chinese roots the enumeration starts from
	Paths    int64         // simple paths enumerated
	Reached  int           // entities with a positive summed share
	Elapsed  time.Duration // traversal only, loading excluded
	Finished bool          // false: the deadline stopped it
}

// ErrDeadline reports an enumeration stopped by its timeout.
var ErrDeadline = errors.New("baseline: did not finish before the deadline")

// Enumerate walks every simple ownership path from every root, stopping at
// other roots, and returns the per-entity sums in share (0..1 scale).
func (b *Baseline) Enumerate(ctx context.Context, timeout time.Duration) (BaselineResult, []float64, error) {
	n := len(b.root)
	start := time.Now()
	deadline := start.Add(timeout)
	sum := make([]float64, n)
	onPath := make([]bool, n)
	type frame struct {
		node int32
		next int32   // next out-edge to try
		prod float64 // product of shares root → node
	}
	var stack []frame
	res := BaselineResult{}
	steps := 0
	for r := range n {
		if !b.root[r] {
			continue
		}
		res.Roots++
		stack = append(stack[:0], frame{node: int32(r), next: b.off[r], prod: 1})
		onPath[r] = true
		for len(stack) > 0 {
			if steps++; steps&0xfff == 0 {
				if time.Now().After(deadline) {
					res.Elapsed = time.Since(start)
					return res, nil, ErrDeadline
				}
				if err := ctx.Err(); err != nil {
					return res, nil, err
				}
			}
			top := &stack[len(stack)-1]
			if top.next == b.off[top.node+1] {
				onPath[top.node] = false
				stack = stack[:len(stack)-1]
				continue
			}
			e := top.next
			top.next++
			w := b.to[e]
			if onPath[w] || (b.stopAtRoots && b.root[w]) {
				continue // not simple, or the path would pass another root
			}
			prod := top.prod * b.share[e]
			res.Paths++
			sum[w] += prod
			onPath[w] = true
			stack = append(stack, frame{node: w, next: b.off[w], prod: prod})
		}
	}
	for _, s := range sum {
		if s > 0 {
			res.Reached++
		}
	}
	res.Elapsed = time.Since(start)
	res.Finished = true
	return res, sum, nil
}
