package main

import (
	"fmt"
	"sync"
	"time"
)

// progressLine redraws one status line on stderr, at most a few times a
// second, and only when stderr is a terminal.
type progressLine struct {
	g    *globalOptions
	mu   sync.Mutex
	last time.Time
	on   bool
}

func newProgress(g *globalOptions) *progressLine {
	return &progressLine{g: g, on: g.stderrIsTerminal()}
}

// stage reports n items done in a stage; done ends the line.
func (p *progressLine) stage(name string, n int, done bool) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !done && time.Since(p.last) < 200*time.Millisecond {
		return
	}
	p.last = time.Now()
	end := ""
	if done {
		end = "\n"
	}
	fmt.Fprintf(p.g.ErrOut, "\r\033[K%s: %d%s", name, n, end)
}
