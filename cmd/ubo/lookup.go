package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
	"golang.org/x/term"
)

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
