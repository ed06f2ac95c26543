package gen

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ubo-project/ubo/model"
)

// Generic CSV headers, in the order ingest csv documents them.
var (
	EntityHeader       = []string{"id", "name", "kind", "jurisdiction", "hq_country", "nationality", "residence", "state_owned", "lists", "identifiers", "aliases"}
	RelationshipHeader = []string{"holder_id", "held_id", "kind", "share", "share_min", "share_max", "share_min_exclusive", "share_max_exclusive", "start_date", "end_date", "source_ref"}
)

// File names WriteCSV creates in its output directory.
const (
	EntitiesFile      = "entities.csv"
	RelationshipsFile = "relationships.csv"
)

// WriteCSV generates the registry into dir/entities.csv and
// dir/relationships.csv in the generic CSV format, streaming through
// buffered writers.
func WriteCSV(cfg Config, dir string) (Stats, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Stats{}, fmt.Errorf("gen: %w", err)
	}
	ef, err := os.Create(filepath.Join(dir, EntitiesFile))
	if err != nil {
		return Stats{}, fmt.Errorf("gen: %w", err)
	}
	defer ef.Close()
	rf, err := os.Create(filepath.Join(dir, RelationshipsFile))
	if err != nil {
		return Stats{}, fmt.Errorf("gen: %w", err)
	}
	defer rf.Close()

	eb, rb := bufio.NewWriterSize(ef, 1<<20), bufio.NewWriterSize(rf, 1<<20)
	ew, rw := NewEntityWriter(eb), NewRelationshipWriter(rb)
	if err := ew.Header(); err != nil {
		return Stats{}, fmt.Errorf("gen: %s: %w", ef.Name(), err)
	}
	if err := rw.Header(); err != nil {
		return Stats{}, fmt.Errorf("gen: %s: %w", rf.Name(), err)
	}
	st, err := Stream(cfg, ew.Write, rw.Write)
	if err != nil {
		return st, err
	}
	for _, f := range []struct {
		w interface{ Flush() error }
		b *bufio.Writer
		f *os.File
	}{{ew, eb, ef}, {rw, rb, rf}} {
		if err := f.w.Flush(); err != nil {
			return st, fmt.Errorf("gen: %s: %w", f.f.Name(), err)
		}
		if err := f.b.Flush(); err != nil {
			return st, fmt.Errorf("gen: %s: %w", f.f.Name(), err)
		}
		if err := f.f.Close(); err != nil {
			return st, fmt.Errorf("gen: %s: %w", f.f.Name(), err)
		}
	}
	return st, nil
}

// EntityWriter writes entities as generic CSV rows.
type EntityWriter struct {
	w   *csv.Writer
	row []string
}

// NewEntityWriter writes to w; call Header first and Flush at the end.
func NewEntityWriter(w io.Writer) *EntityWriter {
	return &EntityWriter{w: csv.NewWriter(w), row: make([]string, len(EntityHeader))}
}

// Header writes the header row.
func (w *EntityWriter) Header() error { return w.w.Write(EntityHeader) }

// Write writes one entity.
func (w *EntityWriter) Write(e model.Entity) error {
	r := w.row
	r[0], r[1], r[2] = e.ID, e.Name, string(e.Kind)
	r[3], r[4] = e.Jurisdiction, e.HQCountry
	r[5], r[6] = strings.Join(e.Nationality, ";"), e.Residence
	r[7] = ""
	if e.StateOwned {
		r[7] = "true"
	}
	r[8], r[9] = strings.Join(e.Lists, ";"), strings.Join(e.Identifiers, ";")
	r[10] = strings.Join(e.Aliases, ";")
	return w.w.Write(r)
}

// Flush flushes buffered rows and reports any write error.
func (w *EntityWriter) Flush() error { w.w.Flush(); return w.w.Error() }

// RelationshipWriter writes relationships as generic CSV rows.
type RelationshipWriter struct {
	w   *csv.Writer
	row []string
}

// NewRelationshipWriter writes to w; call Header first and Flush at the end.
func NewRelationshipWriter(w io.Writer) *RelationshipWriter {
	return &RelationshipWriter{w: csv.NewWriter(w), row: make([]string, len(RelationshipHeader))}
}

// Header writes the header row.
func (w *RelationshipWriter) Header() error { return w.w.Write(RelationshipHeader) }

// Write writes one relationship: an exact share in "share", an interval in
// share_min/share_max with exclusivity, an unknown share as empty cells.
func (w *RelationshipWriter) Write(rel model.Relationship) error {
	r := w.row
	for i := range r {
		r[i] = ""
	}
	r[0], r[1], r[2] = rel.HolderID, rel.HeldID, string(rel.Kind)
	s := rel.Share
	switch {
	case !s.Known:
	case s.Min == s.Max && !s.MinExclusive && !s.MaxExclusive:
		r[3] = formatShare(s.Min)
	default:
		r[4], r[5] = formatShare(s.Min), formatShare(s.Max)
		r[6], r[7] = strconv.FormatBool(s.MinExclusive), strconv.FormatBool(s.MaxExclusive)
	}
	r[8], r[9], r[10] = rel.StartDate, rel.EndDate, rel.SourceRef
	return w.w.Write(r)
}

// Flush flushes buffered rows and reports any write error.
func (w *RelationshipWriter) Flush() error { w.w.Flush(); return w.w.Error() }

func formatShare(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
