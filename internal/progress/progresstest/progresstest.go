// Package progresstest is a fake progress.Reporter for tests: it records
// the events a library reported so tests can assert the counts.
package progresstest

import (
	"sync"

	"github.com/ubo-project/ubo/internal/progress"
)

// Recorder records every event it is given. It is safe for concurrent use.
type Recorder struct {
	mu     sync.Mutex
	events []progress.Event
}

// Report implements progress.Reporter.
func (r *Recorder) Report(e progress.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e.Counts = append([]progress.Count(nil), e.Counts...)
	r.events = append(r.events, e)
}

// Events returns the events recorded so far, in order.
func (r *Recorder) Events() []progress.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]progress.Event(nil), r.events...)
}

// Stage returns the events of one stage, in order.
func (r *Recorder) Stage(name string) []progress.Event {
	var out []progress.Event
	for _, e := range r.Events() {
		if e.Stage == name {
			out = append(out, e)
		}
	}
	return out
}

// Final returns the End event of a stage and whether there was one.
func (r *Recorder) Final(name string) (progress.Event, bool) {
	for _, e := range r.Stage(name) {
		if e.End {
			return e, true
		}
	}
	return progress.Event{}, false
}

// Count returns the tally named name in e, and whether e has it.
func Count(e progress.Event, name string) (int, bool) {
	for _, c := range e.Counts {
		if c.Name == name {
			return c.N, true
		}
	}
	return 0, false
}
