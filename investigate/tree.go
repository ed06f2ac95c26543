// Package investigate turns stored entities, relationships and results into
// what an investigator reads: ownership trees and verdict explanations.
package investigate

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// Link is the edge between a tree node and its parent.
type Link struct {
	Kind      model.RelKind `json:"kind"`
	Share     model.Share   `json:"share"`
	Ended     string        `json:"end_date,omitempty"`
	Source    string        `json:"source,omitempty"`
	SourceRef string        `json:"source_ref,omitempty"`
}

// Node is one entity in an ownership/control tree.
type Node struct {
	ID           string  `json:"id"`
	Name         string  `json:"name"`
	Kind         string  `json:"kind"`
	Jurisdiction string  `json:"jurisdiction,omitempty"`
	Verdict      string  `json:"verdict,omitempty"`
	Root         bool    `json:"chinese_root"`
	Flagged      bool    `json:"flagged"`
	Direction    string  `json:"direction,omitempty"` // "up" (holder) or "down" (held) relative to the parent
	Via          *Link   `json:"via,omitempty"`
	Cycle        bool    `json:"cycle,omitempty"`     // already on the path above: not expanded
	SeeAbove     bool    `json:"see_above,omitempty"` // expanded elsewhere in the tree
	More         int     `json:"more,omitempty"`      // links left out (hub cut or store limit)
	Children     []*Node `json:"children,omitempty"`
}

// TreeOptions shape a tree.
type TreeOptions struct {
	Dir         store.Direction
	Depth       int
	MinShare    float64 // hide ownership/voting links whose maximum is below this
	MaxChildren int     // show at most this many links per entity, then "+N more"
}

// ResultFn returns the latest result of an entity, if scored.
type ResultFn func(id string) (model.Result, bool)

// BuildTree arranges a subgraph as a tree rooted at id. Relationships are
// grouped per entity, sorted strongest first; an entity already on the path
// is shown once more with a cycle marker and not expanded.
func BuildTree(sg store.Subgraph, id string, opts TreeOptions, result ResultFn) (*Node, error) {
	ents := make(map[string]model.Entity, len(sg.Entities))
	for _, e := range sg.Entities {
		ents[e.ID] = e
	}
	if _, ok := ents[id]; !ok {
		return nil, fmt.Errorf("chain: %s: %w", id, store.ErrNotFound)
	}
	up := map[string][]model.Relationship{}
	down := map[string][]model.Relationship{}
	for _, r := range sg.Relationships {
		up[r.HeldID] = append(up[r.HeldID], r)
		down[r.HolderID] = append(down[r.HolderID], r)
	}
	if opts.MaxChildren <= 0 {
		opts.MaxChildren = 25
	}
	expanded := map[string]bool{}
	var build func(eid string, via *Link, dir string, depth int, path map[string]bool) *Node
	build = func(eid string, via *Link, dir string, depth int, path map[string]bool) *Node {
		n := newNode(ents[eid], eid, result)
		n.Via, n.Direction = via, dir
		if path[eid] {
			n.Cycle = true
			return n
		}
		if expanded[eid] && depth < opts.Depth {
			n.SeeAbove = true
			return n
		}
		expanded[eid] = true
		n.More = sg.Truncated[eid]
		if depth >= opts.Depth {
			return n
		}
		path[eid] = true
		defer delete(path, eid)
		addSide := func(rels []model.Relationship, d string) {
			rels = filterShare(rels, opts.MinShare)
			sortStrongest(rels)
			for i, r := range rels {
				if i >= opts.MaxChildren {
					n.More += len(rels) - i
					break
				}
				other := r.HolderID
				if d == "down" {
					other = r.HeldID
				}
				link := &Link{Kind: r.Kind, Share: r.Share, Ended: r.EndDate, Source: r.Source, SourceRef: r.SourceRef}
				n.Children = append(n.Children, build(other, link, d, depth+1, path))
			}
		}
		if opts.Dir&store.Up != 0 && (dir == "" || dir == "up") {
			addSide(up[eid], "up")
		}
		if opts.Dir&store.Down != 0 && (dir == "" || dir == "down") {
			addSide(down[eid], "down")
		}
		return n
	}
	return build(id, nil, "", 0, map[string]bool{}), nil
}

func newNode(e model.Entity, id string, result ResultFn) *Node {
	n := &Node{ID: id, Name: e.Name, Kind: string(e.Kind), Jurisdiction: e.Jurisdiction}
	if result != nil {
		if r, ok := result(id); ok {
			n.Verdict, n.Flagged = r.Verdict, r.Flagged
			n.Root = r.Verdict == model.VerdictChineseEntity
		}
	}
	return n
}

func filterShare(rels []model.Relationship, min float64) []model.Relationship {
	if min <= 0 {
		return slices.Clone(rels)
	}
	var out []model.Relationship
	for _, r := range rels {
		if (r.Kind == model.Ownership || r.Kind == model.Voting) && r.Share.Known && r.Share.Max < min {
			continue
		}
		out = append(out, r)
	}
	return out
}

// sortStrongest orders links by share maximum (unknown last), then id.
func sortStrongest(rels []model.Relationship) {
	slices.SortStableFunc(rels, func(a, b model.Relationship) int {
		sa, sb := shareKey(a), shareKey(b)
		if sa != sb {
			if sa > sb {
				return -1
			}
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
}

func shareKey(r model.Relationship) float64 {
	if !r.Share.Known {
		if r.Kind == model.Ownership || r.Kind == model.Voting {
			return -1
		}
		return 101 // control-type links first
	}
	return r.Share.Max
}

// Style decides how markers are drawn.
type Style struct{ Color bool }

const (
	ansiRed    = "\033[31;1m"
	ansiYellow = "\033[33m"
	ansiDim    = "\033[2m"
	ansiReset  = "\033[0m"
)

// RenderTree draws the tree with box-drawing characters.
func RenderTree(w io.Writer, root *Node, st Style) error {
	var b strings.Builder
	b.WriteString(nodeLabel(root, st))
	b.WriteByte('\n')
	var walk func(n *Node, prefix string)
	walk = func(n *Node, prefix string) {
		for i, c := range n.Children {
			last := i == len(n.Children)-1 && n.More == 0
			branch, next := "├── ", "│   "
			if last {
				branch, next = "└── ", "    "
			}
			b.WriteString(prefix + branch + linkLabel(c) + nodeLabel(c, st) + "\n")
			walk(c, prefix+next)
		}
		if n.More > 0 {
			b.WriteString(prefix + "└── " + paint(st, ansiDim, fmt.Sprintf("+%d more", n.More)) + "\n")
		}
	}
	walk(root, "")
	_, err := io.WriteString(w, b.String())
	return err
}

func linkLabel(n *Node) string {
	if n.Via == nil {
		return ""
	}
	arrow := "←"
	if n.Direction == "down" {
		arrow = "→"
	}
	s := string(n.Via.Kind)
	if n.Via.Share.Known || n.Via.Kind == model.Ownership || n.Via.Kind == model.Voting {
		s = n.Via.Share.String() + " " + s
	}
	if n.Via.Ended != "" {
		s += " (ended " + n.Via.Ended + ")"
	}
	return s + " " + arrow + " "
}

func nodeLabel(n *Node, st Style) string {
	name := n.Name
	if name == "" {
		name = "(unnamed)"
	}
	if n.Kind == string(model.Unknown) {
		name = "UNKNOWN HOLDER " + name
	}
	s := name + " [" + n.ID + "]"
	if n.Jurisdiction != "" {
		s += " " + n.Jurisdiction
	}
	switch {
	case n.Root:
		s += " " + paint(st, ansiRed, "★ CHINESE ROOT")
	case n.Flagged:
		s += " " + paint(st, ansiYellow, "⚑ "+n.Verdict)
	case n.Verdict != "" && n.Verdict != model.VerdictClear:
		s += " " + n.Verdict
	}
	if n.Cycle {
		s += " " + paint(st, ansiDim, "↻ cycle")
	}
	if n.SeeAbove {
		s += " " + paint(st, ansiDim, "(shown above)")
	}
	return s
}

func paint(st Style, code, s string) string {
	if !st.Color {
		return s
	}
	return code + s + ansiReset
}
