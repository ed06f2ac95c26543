package store

import "context"

// Optional fast paths. A store may implement any of these interfaces next to
// Store; callers type-assert and fall back to the Store methods when it does
// not, so the results are the same either way.

// VerdictStreamer streams only the verdict and flag of each result of a
// run, ordered by entity id: what diffs and newly flagged/cleared counts
// need, without decoding evidence. fn returning an error stops the stream.
// An unknown run streams nothing, like EachResult.
type VerdictStreamer interface {
	EachVerdict(ctx context.Context, runID string, fn func(entityID, verdict string, flagged bool) error) error
}
