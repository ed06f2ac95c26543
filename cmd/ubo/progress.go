package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/ubo-project/ubo/internal/progress"
)

// newProgress returns the reporter a command hands to library work: bars
// on stderr when it is a terminal (and not --quiet), else one that draws
// nothing, so that redirected stderr holds only log lines.
func newProgress(g *globalOptions) progress.Reporter {
	if !g.stderrIsTerminal() {
		return progress.Discard
	}
	return newProgressBars(g.ErrOut, 200*time.Millisecond)
}

// progressBars draws one bar per stage, the finished ones left on their
// own lines: the count, the rate and the elapsed time, and a bar with an
// estimate of the time left when the stage's total is known.
type progressBars struct {
	out      io.Writer
	throttle time.Duration // the least time between two draws of a bar
	mu       sync.Mutex    // library work may report from several goroutines
	bar      *progressbar.ProgressBar
	stage    string
	total    int
	done     int       // the last count reported in the stage
	drawn    time.Time // when the bar was last drawn
}

func newProgressBars(out io.Writer, throttle time.Duration) *progressBars {
	return &progressBars{out: out, throttle: throttle}
}

// Report implements progress.Reporter.
func (p *progressBars) Report(e progress.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil && p.stage != e.Stage {
		p.finish(-1) // a stage that never said it ended
	}
	fresh := p.bar == nil
	if fresh {
		p.start(e) // described already
	}
	p.done = e.Done
	if !fresh && !e.End && time.Since(p.drawn) < p.throttle {
		return
	}
	p.drawn = time.Now()
	if e.Total > 0 && e.Total != p.total {
		p.bar.ChangeMax64(int64(e.Total))
		p.total = e.Total
	}
	if !fresh {
		p.bar.Describe(describe(e))
	}
	if e.End {
		p.finish(e.Done)
		return
	}
	shown := e.Done
	if p.total > 0 {
		// A bar at its total is finished: only the stage's end may do that.
		shown = min(shown, p.total-1)
	}
	if shown == 0 {
		_ = p.bar.RenderBlank() // the stage starts: its clock too
		return
	}
	_ = p.bar.Set64(int64(shown))
}

func (p *progressBars) start(e progress.Event) {
	limit := int64(-1) // a spinner: the total is not known
	if e.Total > 0 {
		limit = int64(e.Total)
	}
	out := p.out
	p.stage, p.total = e.Stage, e.Total
	p.bar = progressbar.NewOptions64(limit,
		progressbar.OptionSetWriter(out),
		progressbar.OptionSetDescription(describe(e)),
		progressbar.OptionSetItsString(e.Unit),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetPredictTime(e.Total > 0),
		progressbar.OptionSetWidth(20),
		// Throttled by Report, so that a draw has the count and the
		// description of the same event.
		progressbar.OptionThrottle(0),
		// The spinner turns on each report; a ticker would be a goroutine
		// drawing after the command moved on.
		progressbar.OptionSetSpinnerChangeInterval(0),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(out) }),
	)
}

// finish draws the stage's final state, done of its units (-1: as far as
// it got), and leaves it on its line.
func (p *progressBars) finish(done int) {
	if done < 0 {
		done = p.done
	}
	if done == 0 {
		// Nothing to fill: the line stays at 0 of its total.
		_ = p.bar.RenderBlank()
		_ = p.bar.Exit()
		p.bar, p.stage, p.total, p.done = nil, "", 0, 0
		return
	}
	if p.total <= 0 || done != p.total {
		p.bar.ChangeMax64(int64(done))
	}
	_ = p.bar.Set64(int64(done))
	_ = p.bar.Finish()
	p.bar, p.stage, p.total, p.done = nil, "", 0, 0
}

// describe is the stage's label with its further counts:
// "ingest csv (entities 10, relationships 4, rejected 1)".
func describe(e progress.Event) string {
	if len(e.Counts) == 0 {
		return e.Stage
	}
	parts := make([]string, len(e.Counts))
	for i, c := range e.Counts {
		parts[i] = fmt.Sprintf("%s %d", c.Name, c.N)
	}
	return e.Stage + " (" + strings.Join(parts, ", ") + ")"
}
