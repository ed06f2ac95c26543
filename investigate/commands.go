package investigate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// What the investigators' commands (`ubo search`, `ubo chain`, `ubo
// explain`) do between their options and their output, so that cmd/ubo
// only turns flags into these options and opens the store, and the same
// checks serve any other front end.

// InputError is a mistake in what was asked (an option out of range, an
// id no entity has), not a failure of the store: the CLI exits 2 on it.
type InputError struct{ Msg string }

func (e InputError) Error() string { return e.Msg }

func inputErrorf(format string, a ...any) error { return InputError{fmt.Sprintf(format, a...)} }

// FindEntity resolves an id (or an alias id) to its entity; InputError
// when no entity has it.
func FindEntity(ctx context.Context, st store.Lookup, id string) (model.Entity, error) {
	e, err := st.Entity(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return e, inputErrorf("no entity %q (try 'ubo search')", id)
	}
	if err != nil {
		return e, fmt.Errorf("lookup %s: %w", id, err)
	}
	return e, nil
}

// ExplainID is Explain of the entity id names (FindEntity).
func ExplainID(ctx context.Context, st Store, id string) (*Explanation, error) {
	e, err := FindEntity(ctx, st, id)
	if err != nil {
		return nil, err
	}
	x, err := Explain(ctx, st, e)
	if err != nil {
		return nil, fmt.Errorf("explain: %w", err)
	}
	return x, nil
}

// SearchOptions are what `ubo search` asks for.
type SearchOptions struct {
	Words []string // one search text: several words without quotes are one text
	Limit int      // at most this many hits, 1 or more
}

// Text is the search text the words make.
func (o SearchOptions) Text() string { return strings.TrimSpace(strings.Join(o.Words, " ")) }

// Check reports options no search can answer (InputError).
func (o SearchOptions) Check() error {
	if o.Text() == "" {
		return inputErrorf("search: empty text")
	}
	if o.Limit < 1 {
		return inputErrorf("search: --limit %d: want 1 or more", o.Limit)
	}
	return nil
}

// SearchWith is Search with checked options.
func SearchWith(ctx context.Context, st Store, o SearchOptions) ([]Hit, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	hits, err := Search(ctx, st, o.Text(), o.Limit)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return hits, nil
}

// RenderHits writes search hits as a table: id, name, kind, jurisdiction
// and the verdict (⚑ when flagged, what it could be when indeterminate).
// No hits: a line saying so on noHits (stderr), nothing on w.
func RenderHits(w, noHits io.Writer, text string, hits []Hit) error {
	if len(hits) == 0 {
		_, err := fmt.Fprintf(noHits, "no entity matches %q\n", text)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tKIND\tJURISDICTION\tVERDICT")
	for _, h := range hits {
		v := h.Verdict
		if v == "" {
			v = "(not scored)"
		} else if h.Flagged {
			v += " ⚑"
		}
		if h.Indeterminate {
			v += " (could be " + h.PossibleVerdict + ")"
		}
		jur := h.Jurisdiction
		if jur == "" {
			jur = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", h.ID, h.Name, h.Kind, jur, v)
	}
	return tw.Flush()
}

// ChainOptions are what `ubo chain` asks for: the tree around ID.
type ChainOptions struct {
	ID          string
	Dir         store.Direction
	Depth       int     // hops, 1..20
	MinShare    float64 // percent, 0..100
	MaxChildren int     // links shown per entity, 1 or more
}

// Check reports options no tree can be drawn for (InputError).
func (o ChainOptions) Check() error {
	switch {
	case o.Depth < 1 || o.Depth > 20:
		return inputErrorf("chain: --depth %d: want 1..20", o.Depth)
	case o.MinShare < 0 || o.MinShare > 100:
		return inputErrorf("chain: --min-share %g: want a percent in 0..100", o.MinShare)
	case o.MaxChildren < 1:
		return inputErrorf("chain: --max-children %d: want 1 or more", o.MaxChildren)
	}
	return nil
}

// Chain builds the tree around o.ID with the verdicts of the latest
// complete run.
func Chain(ctx context.Context, st Store, o ChainOptions) (*Node, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	e, err := FindEntity(ctx, st, o.ID)
	if err != nil {
		return nil, err
	}
	// Several links may join two entities (kinds, sources): load a few per
	// entity shown, bounded so that hubs stay cheap; the tree cuts to
	// MaxChildren entities and says "+N more".
	sg, err := st.Neighbourhood(ctx, e.ID, o.Dir, o.Depth, 4*(o.MaxChildren+1))
	if err != nil {
		return nil, err
	}
	_, result, err := LatestResults(ctx, st)
	if err != nil {
		return nil, err
	}
	return BuildTree(sg, e.ID, TreeOptions{Dir: o.Dir, Depth: o.Depth, MinShare: o.MinShare, MaxChildren: o.MaxChildren}, result)
}
