// Package progress is how long-running work reports how far it has got.
// Library packages (ingest, scoring, export, screen, the stores) report
// counts to a Reporter and never write to the terminal themselves; the
// command line decides whether and how to draw them (only when stderr is a
// terminal).
package progress

// Event is one report: Done units of Stage so far, out of Total when the
// total is known in advance.
type Event struct {
	// Stage names the work ("ingest csv", "load entities", "export").
	// A report of another stage ends the previous one.
	Stage string
	// Unit is what Done counts ("records", "results", "rows").
	Unit string
	// Done is how many units are done so far; it never decreases within
	// a stage.
	Done int
	// Total is how many units the stage has, 0 when not known.
	Total int
	// End says the stage is over and Done is its final count.
	End bool
	// Counts are further tallies the stage keeps, in display order
	// (ingest's entities and relationships written, rejects).
	Counts []Count
}

// Count is one named tally of an Event.
type Count struct {
	Name string
	N    int
}

// Reporter receives progress events. Implementations must be safe for
// concurrent use: some work reports from more than one goroutine.
type Reporter interface {
	Report(Event)
}

// Func adapts a function to a Reporter.
type Func func(Event)

// Report calls f(e).
func (f Func) Report(e Event) { f(e) }

// Discard is a Reporter that ignores every event.
var Discard Reporter = Func(func(Event) {})

// Or returns r, or Discard when r is nil, so that work can report
// unconditionally.
func Or(r Reporter) Reporter {
	if r == nil {
		return Discard
	}
	return r
}
