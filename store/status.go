package store

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// WriteText writes the status as `ubo db status` prints it: the store,
// its version, the counts of entities and relationships by kind, the runs.
func (s Status) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "store:    %s (%s) — reachable\n", s.Backend, RedactURI(s.Location))
	fmt.Fprintf(&b, "version:  %s\n", s.ServerVersion)
	writeCounts(&b, "entities", s.Entities)
	writeCounts(&b, "relationships", s.Relationships)
	fmt.Fprintf(&b, "runs:     %d\n", s.Runs)
	_, err := io.WriteString(w, b.String())
	return err
}

func writeCounts(b *strings.Builder, title string, m map[string]int) {
	total := 0
	keys := make([]string, 0, len(m))
	for k, v := range m {
		keys = append(keys, k)
		total += v
	}
	sort.Strings(keys)
	fmt.Fprintf(b, "%s: %d\n", title, total)
	for _, k := range keys {
		fmt.Fprintf(b, "  %-18s %d\n", k, m[k])
	}
}

// RedactURI hides any password embedded in a URI (user:password@host)
// before it is printed or logged.
func RedactURI(s string) string {
	if i := strings.Index(s, "://"); i >= 0 {
		if at := strings.LastIndex(s, "@"); at > i {
			return s[:i+3] + "***@" + s[at+1:]
		}
	}
	return s
}
