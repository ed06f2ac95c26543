package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/investigate"
	"github.com/ubo-project/ubo/store"
)

// The investigators' commands and `db` run without cobra (runXxx with
// their options) and print exactly what the commands print; their input
// errors exit 2 before or after the store is opened.
func TestInvestigatorRunFunctions(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ubo.db")
	loadDemo(t, db)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		args []string // the same command through cobra
		run  func(g *globalOptions) error
	}{
		{"search", []string{"search", "huaxin", "holdings"}, func(g *globalOptions) error {
			return runSearch(ctx, g, searchOptions{SearchOptions: investigate.SearchOptions{Words: []string{"huaxin", "holdings"}, Limit: 20}})
		}},
		{"search --json", []string{"search", "harrowgate", "--json", "--limit", "3"}, func(g *globalOptions) error {
			return runSearch(ctx, g, searchOptions{SearchOptions: investigate.SearchOptions{Words: []string{"harrowgate"}, Limit: 3}, JSON: true})
		}},
		{"chain --both", []string{"chain", "bods:brecon-wafer", "--both"}, func(g *globalOptions) error {
			return runChain(ctx, g, investigate.ChainOptions{ID: "bods:brecon-wafer", Dir: store.Both, Depth: 6, MaxChildren: 25}, false)
		}},
		{"chain --json", []string{"chain", "lei:213800TPH2GB8R5W1Q22", "--json", "--depth", "2", "--min-share", "10"}, func(g *globalOptions) error {
			return runChain(ctx, g, investigate.ChainOptions{ID: "lei:213800TPH2GB8R5W1Q22", Dir: store.Up, Depth: 2, MinShare: 10, MaxChildren: 25}, true)
		}},
		{"explain", []string{"explain", "bods:brecon-wafer"}, func(g *globalOptions) error {
			return runExplain(ctx, g, "bods:brecon-wafer", explainOptions{})
		}},
		{"explain --json", []string{"explain", "ftm:demo-meridian", "--json"}, func(g *globalOptions) error {
			return runExplain(ctx, g, "ftm:demo-meridian", explainOptions{JSON: true})
		}},
		{"db status --json", []string{"db", "status", "--json"}, func(g *globalOptions) error {
			return runDBStatus(ctx, g, dbStatusOptions{JSON: true})
		}},
		{"db status", []string{"db", "status"}, func(g *globalOptions) error {
			return runDBStatus(ctx, g, dbStatusOptions{})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, want, wantErr := runUbo(t, append([]string{"--db", db}, tc.args...)...)
			if code != exitOK {
				t.Fatalf("ubo %v: exit %d: %s", tc.args, code, wantErr)
			}
			var out, errOut bytes.Buffer
			g := &globalOptions{DB: db, In: strings.NewReader(""), Out: &out, ErrOut: &errOut}
			if err := tc.run(g); err != nil {
				t.Fatal(err)
			}
			if out.String() != want || errOut.String() != wantErr {
				t.Errorf("without cobra:\n%s%s\nwith cobra:\n%s%s", out.String(), errOut.String(), want, wantErr)
			}
		})
	}
	for _, tc := range []struct {
		name string
		run  func(g *globalOptions) error
		want string
	}{
		{"explain, no such entity", func(g *globalOptions) error { return runExplain(ctx, g, "nobody", explainOptions{}) },
			`no entity "nobody" (try 'ubo search')`},
		{"chain, no such entity", func(g *globalOptions) error {
			return runChain(ctx, g, investigate.ChainOptions{ID: "nobody", Dir: store.Up, Depth: 1, MaxChildren: 1}, false)
		}, `no entity "nobody" (try 'ubo search')`},
		{"chain, depth out of range", func(g *globalOptions) error {
			return runChain(ctx, g, investigate.ChainOptions{ID: "x", Depth: 21, MaxChildren: 1}, false)
		}, "chain: --depth 21: want 1..20"},
		{"search, empty text", func(g *globalOptions) error {
			return runSearch(ctx, g, searchOptions{SearchOptions: investigate.SearchOptions{Words: []string{" "}, Limit: 1}})
		}, "search: empty text"},
		{"db reset, not confirmed", func(g *globalOptions) error { return runDBReset(ctx, g, dbResetOptions{}) },
			"db reset: not confirmed (type 'yes', or pass --force)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			g := &globalOptions{DB: db, In: strings.NewReader("no\n"), Out: &out, ErrOut: &errOut}
			err := tc.run(g)
			if err == nil || err.Error() != tc.want || exitCode(err) != exitUsage {
				t.Errorf("error %v (exit %d), want %q (exit %d)", err, exitCode(err), tc.want, exitUsage)
			}
		})
	}
}

// withNewStore (as withStore) closes the store whatever fn returns, and returns fn's error:
// the embedded file's lock is free for the next command.
func TestWithStoreCloses(t *testing.T) {
	ctx := context.Background()
	g := &globalOptions{DB: filepath.Join(t.TempDir(), "ubo.db"), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}
	boom := errors.New("boom")
	for i, want := range []error{boom, nil} {
		err := g.withNewStore(ctx, func(st store.Store) error {
			if err := st.Init(ctx); err != nil {
				return err
			}
			return want
		})
		if !errors.Is(err, want) || (want == nil && err != nil) {
			t.Errorf("call %d: error %v, want %v", i, err, want)
		}
	}
}

// closeCtxRecorder records the context its Close was called with.
type closeCtxRecorder struct {
	store.Store
	closeErr *error // the context's error at Close
}

func (c closeCtxRecorder) Close(ctx context.Context) error {
	*c.closeErr = ctx.Err()
	return c.Store.Close(ctx)
}

// TestWithStoreClosesAfterCancel: a command interrupted (its context
// cancelled) still closes its store with a live context, so that Neo4j's
// driver and the embedded file shut down cleanly rather than fail with
// context.Canceled.
func TestWithStoreClosesAfterCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	g := &globalOptions{DB: filepath.Join(t.TempDir(), "ubo.db"), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}
	closeErr := errors.New("not closed")
	open := func(ctx context.Context) (store.Store, error) {
		st, err := g.openStore(ctx)
		return closeCtxRecorder{st, &closeErr}, err
	}
	err := g.withOpened(ctx, open, func(store.Store) error {
		cancel() // as an interrupt would
		return nil
	})
	if err != nil || closeErr != nil {
		t.Errorf("withOpened: %v; Close saw context error %v, want a live context", err, closeErr)
	}
}
