package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/ubo-project/ubo/investigate"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/scoring"
	"github.com/ubo-project/ubo/store"
	"golang.org/x/term"
)

// latestResults returns a lookup into the latest complete run (nil run when
// nothing was scored yet: every lookup then misses).
func latestResults(ctx context.Context, st store.Store) (*model.Run, investigate.ResultFn, error) {
	run, err := scoring.LatestComplete(ctx, st)
	if err != nil {
		return nil, nil, err
	}
	if run == nil {
		return nil, func(string) (model.Result, bool) { return model.Result{}, false }, nil
	}
	return run, func(id string) (model.Result, bool) {
		r, err := st.Result(ctx, run.ID, id)
		return r, err == nil
	}, nil
}

// findEntity resolves an id (or alias) to its entity, with a friendly error.
func findEntity(ctx context.Context, st store.Store, id string) (model.Entity, error) {
	e, err := st.Entity(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return e, usagef("no entity %q (try 'ubo search')", id)
	}
	if err != nil {
		return e, fmt.Errorf("lookup %s: %w", id, err)
	}
	return e, nil
}

// stdoutIsTerminal says whether to colour output.
func (g *globalOptions) stdoutIsTerminal() bool {
	f, ok := g.Out.(*os.File)
	return ok && term.IsTerminal(int(f.Fd())) && os.Getenv("NO_COLOR") == ""
}
