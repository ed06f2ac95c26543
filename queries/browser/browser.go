// Package browser ships named, parameterised Cypher queries for Neo4j
// Browser users (see docs/investigating.md). They are meant to be pasted
// into the Browser with a `:param` line; the package embeds them so that
// tests run each one against a real Neo4j and tools can list them.
package browser

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

//go:embed *.cypher
var files embed.FS

// Query is one named query.
type Query struct {
	Name   string // file name without .cypher
	Title  string // the first header line after the name
	Cypher string // the whole file, header comments included
}

// All returns every query, sorted by name.
func All() ([]Query, error) {
	names, err := fs.Glob(files, "*.cypher")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]Query, 0, len(names))
	for _, n := range names {
		b, err := files.ReadFile(n)
		if err != nil {
			return nil, err
		}
		text := string(b)
		first, _, _ := strings.Cut(text, "\n")
		_, title, _ := strings.Cut(first, "—")
		out = append(out, Query{Name: strings.TrimSuffix(n, ".cypher"), Title: strings.TrimSpace(title), Cypher: text})
	}
	return out, nil
}
