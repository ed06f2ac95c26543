package queries

import (
	"io/fs"
	"sort"
	"strings"
)

// BrowserQuery is a named, parameterised Cypher query for Neo4j Browser users.
type BrowserQuery struct {
	Name   string
	Cypher string
}

// BrowserQueries returns the shipped Browser queries, sorted by name.
func BrowserQueries() []BrowserQuery {
	entries, err := fs.ReadDir(cypherFiles, "cypher/browser")
	if err != nil {
		panic("queries: embedded browser queries: " + err.Error())
	}
	var out []BrowserQuery
	for _, e := range entries {
		b, err := cypherFiles.ReadFile("cypher/browser/" + e.Name())
		if err != nil {
			panic("queries: " + err.Error())
		}
		out = append(out, BrowserQuery{Name: strings.TrimSuffix(e.Name(), ".cypher"), Cypher: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
