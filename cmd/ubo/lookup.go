package main

import (
	"os"

	"golang.org/x/term"
)

// stdoutIsTerminal says whether to colour output.
func (g *globalOptions) stdoutIsTerminal() bool {
	f, ok := g.Out.(*os.File)
	return ok && term.IsTerminal(int(f.Fd())) && os.Getenv("NO_COLOR") == ""
}
