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

// Link is one assertion joining a tree node to its parent.
type Link struct {
	Kind      model.RelKind `json:"kind"`
	Share     model.Share   `json:"share"`
	Direct    string        `json:"direct,omitempty"`
	Ended     string        `json:"end_date,omitempty"`
	Source    string        `json:"source,omitempty"`
	SourceRef string        `json:"source_ref,omitempty"`
}

// Node is one entity in an ownership/control tree.
type Node struct {
	ID              string        `json:"id"`
	Name            string        `json:"name"`
	Aliases         []string      `json:"aliases,omitempty"`
	Kind            string        `json:"kind"`
	Jurisdiction    string        `json:"jurisdiction,omitempty"`
	HQCountry       string        `json:"hq_country,omitempty"`
	Nationality     []string      `json:"nationality,omitempty"`
	Verdict         model.Verdict `json:"verdict,omitempty"`
	Indeterminate   bool          `json:"indeterminate,omitempty"`
	PossibleVerdict model.Verdict `json:"possible_verdict,omitempty"`
	Root            bool          `json:"chinese_root"`
	Flagged         bool          `json:"flagged"`
	Direction       string        `json:"direction,omitempty"` // "up" (holder) or "down" (held) relative to the parent
	// Links are every assertion between this node and its parent (several
	// sources may assert several kinds), strongest first.
	Links    []Link  `json:"links,omitempty"`
	Cycle    bool    `json:"cycle,omitempty"`     // already on the path above: not expanded
	SeeAbove bool    `json:"see_above,omitempty"` // expanded elsewhere in the tree
	More     int     `json:"more,omitempty"`      // linked entities left out by the per-entity cut
	Unloaded int     `json:"unloaded,omitempty"`  // links the store did not load (its per-entity limit)
	Hidden   int     `json:"hidden,omitempty"`    // links hidden by --min-share
	Children []*Node `json:"children,omitempty"`
	// rootWords are what the run's policy calls a root ("listed root"),
	// for the text; the JSON keeps its chinese_root key whatever the policy.
	rootWords string
}

// TreeOptions shape a tree.
type TreeOptions struct {
	Dir         store.Direction
	Depth       int
	MinShare    float64 // hide ownership/voting links whose maximum is below this
	MaxChildren int     // show at most this many linked entities per entity, then "+N more"
}

// ResultFn returns the latest result of an entity, if scored.
type ResultFn func(id string) (model.Result, bool)

// BuildTree arranges a subgraph as a tree rooted at id. The links between
// an entity and one neighbour are grouped into one child, children sorted
// strongest first; an entity already on the path is shown once more with a
// cycle marker and not expanded, one already expanded elsewhere is marked
// "shown above".
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
	if opts.Depth <= 0 {
		opts.Depth = 6
	}
	expanded := map[string]bool{}
	var build func(eid string, links []Link, dir string, depth int, path map[string]bool) *Node
	build = func(eid string, links []Link, dir string, depth int, path map[string]bool) *Node {
		n := newNode(ents[eid], eid, result)
		n.Links, n.Direction = links, dir
		if path[eid] {
			n.Cycle = true
			return n
		}
		if expanded[eid] {
			n.SeeAbove = true
			return n
		}
		if depth >= opts.Depth {
			return n
		}
		expanded[eid] = true
		n.Unloaded = sg.Truncated[eid]
		path[eid] = true
		defer delete(path, eid)
		addSide := func(rels []model.Relationship, d string) {
			kept, hidden := filterShare(rels, opts.MinShare)
			n.Hidden += hidden
			groups := groupByNeighbour(kept, d)
			for i, gr := range groups {
				if i >= opts.MaxChildren {
					n.More += len(groups) - i
					break
				}
				n.Children = append(n.Children, build(gr.other, gr.links, d, depth+1, path))
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
	n := &Node{ID: id, Name: e.Name, Aliases: e.Aliases, Kind: string(e.Kind), Jurisdiction: e.Jurisdiction,
		HQCountry: e.HQCountry, Nationality: e.Nationality}
	if result != nil {
		if r, ok := result(id); ok {
			n.Verdict, n.Flagged = r.Verdict, r.Flagged
			n.Indeterminate, n.PossibleVerdict = r.Indeterminate, r.PossibleVerdict
			n.Root, n.rootWords = r.Verdict.IsRoot(), r.Words().Root
		}
	}
	return n
}

// filterShare drops ownership/voting links whose share cannot reach min
// and counts them.
func filterShare(rels []model.Relationship, min float64) ([]model.Relationship, int) {
	if min <= 0 {
		return rels, 0
	}
	var out []model.Relationship
	for _, r := range rels {
		if (r.Kind == model.Ownership || r.Kind == model.Voting) && r.Share.Known && r.Share.Max < min {
			continue
		}
		out = append(out, r)
	}
	return out, len(rels) - len(out)
}

type neighbourLinks struct {
	other string
	links []Link
	key   float64
}

// groupByNeighbour folds the links to one neighbour into one entry; the
// entries are ordered by their strongest link (control-type first, then
// share maximum, unknown shares last), then id.
func groupByNeighbour(rels []model.Relationship, dir string) []neighbourLinks {
	rels = slices.Clone(rels)
	sortStrongest(rels)
	var out []neighbourLinks
	at := map[string]int{}
	for _, r := range rels {
		other := r.HolderID
		if dir == "down" {
			other = r.HeldID
		}
		l := Link{Kind: r.Kind, Share: r.Share, Direct: r.Direct, Ended: r.EndDate, Source: r.Source, SourceRef: r.SourceRef}
		if i, ok := at[other]; ok {
			out[i].links = append(out[i].links, l)
			continue
		}
		at[other] = len(out)
		out = append(out, neighbourLinks{other: other, links: []Link{l}, key: shareKey(r)})
	}
	return out
}

// sortStrongest orders links by kind strength and share maximum (unknown
// last), then kind and id.
func sortStrongest(rels []model.Relationship) {
	slices.SortStableFunc(rels, func(a, b model.Relationship) int {
		sa, sb := shareKey(a), shareKey(b)
		if sa != sb {
			if sa > sb {
				return -1
			}
			return 1
		}
		if a.Kind != b.Kind {
			return slices.Index(model.RelKinds, a.Kind) - slices.Index(model.RelKinds, b.Kind)
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// shareKey ranks a link: control-type links above any share, officers and
// other non-counting links below every share.
func shareKey(r model.Relationship) float64 {
	switch r.Kind {
	case model.Board, model.Control, model.Consolidation, model.Branch:
		return 102
	case model.Ownership, model.Voting:
		if !r.Share.Known {
			return -1
		}
		return r.Share.Max
	case model.Influence:
		return 101
	}
	return -2
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
			last := i == len(n.Children)-1 && n.More == 0 && n.Unloaded == 0 && n.Hidden == 0
			branch, next := "├── ", "│   "
			if last {
				branch, next = "└── ", "    "
			}
			b.WriteString(prefix + branch + linkLabel(c) + nodeLabel(c, st) + "\n")
			walk(c, prefix+next)
		}
		if n.Hidden > 0 {
			branch := "├── "
			if n.More == 0 && n.Unloaded == 0 {
				branch = "└── "
			}
			b.WriteString(prefix + branch + paint(st, ansiDim, fmt.Sprintf("(%d link(s) below --min-share hidden)", n.Hidden)) + "\n")
		}
		if n.More > 0 || n.Unloaded > 0 {
			var more string
			switch {
			case n.Unloaded == 0:
				more = fmt.Sprintf("+%d more", n.More)
			case n.More == 0:
				more = fmt.Sprintf("+%d more link(s) not loaded", n.Unloaded)
			default:
				more = fmt.Sprintf("+%d more, and %d link(s) not loaded", n.More, n.Unloaded)
			}
			b.WriteString(prefix + "└── " + paint(st, ansiDim, more) + "\n")
		}
	}
	walk(root, "")
	_, err := io.WriteString(w, b.String())
	return err
}

func linkLabel(n *Node) string {
	if len(n.Links) == 0 {
		return ""
	}
	parts := make([]string, 0, len(n.Links))
	seen := map[string]bool{}
	for _, l := range n.Links {
		p := LinkText(l)
		if !seen[p] { // the same link asserted by two sources is drawn once
			seen[p] = true
			parts = append(parts, p)
		}
	}
	arrow := "←"
	if n.Direction == "down" {
		arrow = "→"
	}
	return strings.Join(parts, ", ") + " " + arrow + " "
}

// LinkText is one link in words: "60% ownership", "ownership (share
// unknown)", "consolidation (ultimate)", "board (ended 2020-01-31)".
func LinkText(l Link) string {
	s := string(l.Kind)
	switch {
	case l.Share.Known:
		s = l.Share.String() + " " + s
	case l.Kind == model.Ownership || l.Kind == model.Voting:
		s += " (share unknown)"
	}
	if l.Kind == model.Consolidation && l.Direct == "indirect" {
		s += " (ultimate)"
	}
	if l.Ended != "" {
		s += " (ended " + l.Ended + ")"
	}
	return s
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
	if len(n.Aliases) > 0 {
		aka := "aka " + n.Aliases[0]
		if len(n.Aliases) > 1 {
			aka += fmt.Sprintf(" +%d", len(n.Aliases)-1)
		}
		s += " " + paint(st, ansiDim, "("+aka+")")
	}
	if c := countryText(n); c != "" {
		s += " " + c
	}
	switch {
	case n.Root:
		words := n.rootWords
		if words == "" {
			words = model.VerdictChineseEntity.Words().Root
		}
		s += " " + paint(st, ansiRed, "★ "+strings.ToUpper(words))
	case n.Flagged:
		s += " " + paint(st, ansiYellow, "⚑ "+string(n.Verdict))
	case n.Verdict != "" && n.Verdict != model.VerdictClear:
		s += " " + string(n.Verdict)
	}
	if n.Indeterminate && n.Kind != string(model.Unknown) {
		s += " " + paint(st, ansiYellow, "? could be "+string(n.PossibleVerdict))
	}
	if n.Cycle {
		s += " " + paint(st, ansiDim, "↻ cycle")
	}
	if n.SeeAbove {
		s += " " + paint(st, ansiDim, "(shown above)")
	}
	return s
}

// countryText is where an entity belongs: its jurisdiction, a different
// headquarters country, or a person's nationalities.
func countryText(n *Node) string {
	s := n.Jurisdiction
	if n.HQCountry != "" && n.HQCountry != n.Jurisdiction {
		if s != "" {
			s += ", "
		}
		s += "HQ " + n.HQCountry
	}
	if s == "" && len(n.Nationality) > 0 {
		s = "national of " + strings.Join(n.Nationality, "/")
	}
	return s
}

func paint(st Style, code, s string) string {
	if !st.Color {
		return s
	}
	return code + s + ansiReset
}
