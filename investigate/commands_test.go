package investigate

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/ubo-project/ubo/internal/storetesting"
	"github.com/ubo-project/ubo/store"
)

// Options no command can answer are InputErrors (the CLI's exit 2), with
// the option named; good ones pass.
func TestCommandOptionsCheck(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string // "" for no error
	}{
		{"search", SearchOptions{Words: []string{"huaxin", "holdings"}, Limit: 1}.Check(), ""},
		{"search, empty text", SearchOptions{Words: []string{" ", ""}, Limit: 20}.Check(), "search: empty text"},
		{"search, limit 0", SearchOptions{Words: []string{"x"}}.Check(), "search: --limit 0: want 1 or more"},
		{"chain", ChainOptions{ID: "x", Dir: store.Up, Depth: 20, MinShare: 100, MaxChildren: 1}.Check(), ""},
		{"chain, depth 0", ChainOptions{Depth: 0, MaxChildren: 1}.Check(), "chain: --depth 0: want 1..20"},
		{"chain, depth 21", ChainOptions{Depth: 21, MaxChildren: 1}.Check(), "chain: --depth 21: want 1..20"},
		{"chain, negative share", ChainOptions{Depth: 1, MinShare: -1, MaxChildren: 1}.Check(), "chain: --min-share -1: want a percent in 0..100"},
		{"chain, no children", ChainOptions{Depth: 1}.Check(), "chain: --max-children 0: want 1 or more"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ie InputError
			switch {
			case tc.want == "" && tc.err != nil:
				t.Errorf("error %v, want none", tc.err)
			case tc.want != "" && (!errors.As(tc.err, &ie) || tc.err.Error() != tc.want):
				t.Errorf("error %#v, want InputError %q", tc.err, tc.want)
			}
		})
	}
}

// An id no entity has is an InputError for every command that takes one,
// and the search text is the words joined.
func TestCommandsOnAnEmptyStore(t *testing.T) {
	ctx := context.Background()
	st := storetesting.Embedded(t)
	var ie InputError
	if _, err := FindEntity(ctx, st, "nobody"); !errors.As(err, &ie) || err.Error() != `no entity "nobody" (try 'ubo search')` {
		t.Errorf("FindEntity: %v", err)
	}
	if _, err := ExplainID(ctx, st, "nobody"); !errors.As(err, &ie) {
		t.Errorf("ExplainID: %v", err)
	}
	if _, err := Chain(ctx, st, ChainOptions{ID: "nobody", Dir: store.Up, Depth: 1, MaxChildren: 1}); !errors.As(err, &ie) {
		t.Errorf("Chain: %v", err)
	}
	o := SearchOptions{Words: []string{" huaxin", "holdings "}, Limit: 5}
	hits, err := SearchWith(ctx, st, o)
	if err != nil || len(hits) != 0 || o.Text() != "huaxin holdings" {
		t.Fatalf("SearchWith: %v, %v; text %q", hits, err, o.Text())
	}
	var out, noHits bytes.Buffer
	if err := RenderHits(&out, &noHits, o.Text(), hits); err != nil || out.Len() != 0 || noHits.String() != "no entity matches \"huaxin holdings\"\n" {
		t.Errorf("RenderHits: %v, out %q, no hits %q", err, out.String(), noHits.String())
	}
}

// RenderHits marks flagged and indeterminate verdicts and unscored hits.
func TestRenderHits(t *testing.T) {
	hits := []Hit{
		{ID: "a", Name: "Alpha", Kind: "company", Jurisdiction: "CN", Verdict: "CHINESE_ENTITY", Flagged: true},
		{ID: "b", Name: "Beta", Kind: "company", Verdict: "CLEAR", Indeterminate: true, PossibleVerdict: "CONTROLLED"},
		{ID: "c", Name: "Gamma", Kind: "person"},
	}
	var out bytes.Buffer
	if err := RenderHits(&out, nil, "x", hits); err != nil {
		t.Fatal(err)
	}
	want := "ID  NAME   KIND     JURISDICTION  VERDICT\n" +
		"a   Alpha  company  CN            CHINESE_ENTITY ⚑\n" +
		"b   Beta   company  -             CLEAR (could be CONTROLLED)\n" +
		"c   Gamma  person   -             (not scored)\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}
