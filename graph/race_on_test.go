//go:build race

package graph

// raceEnabled: the race detector's sync.Pool drops a share of what is put
// back, so pooled scratch is allocated again now and then.
const raceEnabled = true
