package queries

import (
	"context"
	"errors"

	"github.com/ubo-project/ubo/model"
)

// errNoNameIndex is NameCandidates' answer until the Neo4j store has a
// token index.
var errNoNameIndex = errors.New("neo4j: name candidates: this store has no name token index yet")

// NameCandidates implements store.Store. The Neo4j store has no token
// index yet, so it fails rather than scan every entity.
func (s *Store) NameCandidates(ctx context.Context, tokens []string, limit int) ([]model.Entity, error) {
	if err := ctx.Err(); err != nil {
		return nil, fail(ctx, "name candidates", err)
	}
	return nil, errNoNameIndex
}
