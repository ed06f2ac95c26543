package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/store"
)

// ingestSummary is what an ingest did: the summary line on stderr, and
// the object --json prints on stdout.
type ingestSummary struct {
	Source string `json:"source"`
	Read   int    `json:"read"`
	// Records written, every placeholder written for a relationship end
	// included (the same entity written five times counts five).
	EntitiesWritten      int `json:"entities_written"`
	RelationshipsWritten int `json:"relationships_written"`
	// The distinct entities those records wrote, each once; absent when
	// the store does not say.
	Entities  *ingest.EntityCounts `json:"entities,omitempty"`
	Rejected  int                  `json:"rejected"`
	Rejects   string               `json:"rejects_file"` // "" when none was written
	Skipped   int                  `json:"skipped"`
	SkippedBy map[string]int       `json:"skipped_by"`
	Merges    int                  `json:"merges"`
	Ambiguous int                  `json:"ambiguous"`
	Snapshot  *store.RetireStats   `json:"snapshot,omitempty"`
	Delta     *deltaSummary        `json:"delta,omitempty"`
}

// deltaSummary is what a delta file's deletions did.
type deltaSummary struct {
	Changes int `json:"record_changes"`
	store.RetireStats
}

func newIngestSummary(source string, stats ingest.Stats, rejects string, merges, ambiguous int) ingestSummary {
	s := ingestSummary{Source: source, Read: stats.Read, EntitiesWritten: stats.Entities,
		RelationshipsWritten: stats.Relationships, Rejected: stats.Rejected, Rejects: rejects,
		Skipped: stats.Skipped, SkippedBy: stats.SkippedBy, Merges: merges, Ambiguous: ambiguous}
	if stats.DistinctKnown {
		d := stats.Distinct
		s.Entities = &d
	}
	if s.SkippedBy == nil {
		s.SkippedBy = map[string]int{}
	}
	return s
}

// line is the summary line: `ingest ftm: read 8, written 3 entities and 1
// relationships, rejected 1 (rejects: F); 2 distinct entities: 2 new, 0
// updated, 0 unchanged; skipped 4 (Address 2, Payment 1, ...); resolved 0
// merge(s), 0 ambiguous`.
func (s ingestSummary) line() string {
	rejects := s.Rejects
	if rejects == "" {
		rejects = "none"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "ingest %s: read %d, written %d entities and %d relationships, rejected %d (rejects: %s)",
		s.Source, s.Read, s.EntitiesWritten, s.RelationshipsWritten, s.Rejected, rejects)
	if e := s.Entities; e != nil {
		fmt.Fprintf(&b, "; %d distinct entities: %d new, %d updated, %d unchanged", e.New+e.Updated+e.Unchanged, e.New, e.Updated, e.Unchanged)
	}
	if s.Skipped > 0 {
		fmt.Fprintf(&b, "; skipped %d (%s)", s.Skipped, countsByName(s.SkippedBy))
	}
	fmt.Fprintf(&b, "; resolved %d merge(s), %d ambiguous", s.Merges, s.Ambiguous)
	return b.String()
}

// countsByName renders {"Payment": 1, "Address": 2} as "Address 2, Payment 1".
func countsByName(m map[string]int) string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	for i, k := range names {
		names[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(names, ", ")
}

// printIngestSummary prints the summary line on stderr and, with --json,
// the summary object on stdout.
func printIngestSummary(cmd *cobra.Command, g *globalOptions, s ingestSummary) error {
	fmt.Fprintln(g.ErrOut, s.line())
	if on, _ := cmd.Flags().GetBool("json"); on {
		return writeJSON(g.Out, s)
	}
	return nil
}
