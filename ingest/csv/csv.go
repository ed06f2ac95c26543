// Package csv ingests the generic CSV format (see 'ubo ingest csv --help'): an
// entities file and a relationships file, each with a header row naming its
// columns in any order. Ids are the user's own and kept exactly as given.
// Bad rows become ingest.Rejects naming file, line and field; a file whose
// header is unusable is an error for the whole file (ErrHeader).
package csv

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"slices"
	"strings"

	"github.com/ubo-project/ubo/ingest"
)

// Source is the source name on every record this package writes.
const Source = "csv"

// ErrHeader is wrapped by every error about a file as a whole: empty file,
// missing required column, duplicate column. The CLI treats it as a usage
// error.
var ErrHeader = errors.New("bad CSV header")

// Column sets of the two files.
var (
	entityRequired = []string{"id", "name", "kind"}
	entityOptional = []string{"jurisdiction", "hq_country", "nationality", "residence", "state_owned", "lists", "identifiers", "aliases", "address_countries"}
	relRequired    = []string{"holder_id", "held_id", "kind"}
	relOptional    = []string{"share", "share_min", "share_max", "share_min_exclusive", "share_max_exclusive",
		"start_date", "end_date", "source_ref"}
)

// IDLookup finds ids already in the store (store.Store implements it), so
// a relationships file may refer to entities ingested before.
type IDLookup interface {
	CanonicalIDs(ctx context.Context, ids []string) (map[string]string, error)
}

// Options configure Parse.
type Options struct {
	// Known, when not nil, is asked about relationship endpoints that are
	// not in the entities file; ids it does not know are dangling.
	Known IDLookup
	// LookupBatch is how many rows wait for one Known lookup (default 1000).
	LookupBatch int
}

// Parse ingests the entities file and then the relationships file (either
// path may be "", not both) into sink. Memory is bounded except for the
// set of entity ids (with a line number and a row hash each) and a hash
// per relationship key for duplicate detection.
func Parse(ctx context.Context, entitiesPath, relationshipsPath string, sink ingest.Sink, opts Options) error {
	if entitiesPath == "" && relationshipsPath == "" {
		return errors.New("ingest csv: give an entities file, a relationships file, or both")
	}
	if opts.LookupBatch <= 0 {
		opts.LookupBatch = 1000
	}
	p := &parser{sink: sink, opts: opts, entities: map[string]seenRow{}}
	if entitiesPath != "" {
		if err := p.parseFile(ctx, entitiesPath, entityRequired, entityOptional, p.entityRow); err != nil {
			return err
		}
	}
	if relationshipsPath != "" {
		p.rels = map[uint64]seenRow{}
		if err := p.parseFile(ctx, relationshipsPath, relRequired, relOptional, p.relationshipRow); err != nil {
			return err
		}
		if err := p.resolvePending(ctx); err != nil {
			return err
		}
	}
	return nil
}

// CheckHeaders reads only the header rows and reports what would make Parse
// fail for a whole file (wrapping ErrHeader), plus the columns it will
// ignore. The CLI calls it before opening the store.
func CheckHeaders(entitiesPath, relationshipsPath string) (ignored []string, err error) {
	check := func(path string, required, optional []string) error {
		if path == "" {
			return nil
		}
		rc, err := ingest.Open(path)
		if err != nil {
			return err
		}
		defer rc.Close()
		r := newReader(rc)
		h, err := readHeader(r, path, required, optional)
		if err != nil {
			return err
		}
		for _, c := range h.unknown {
			ignored = append(ignored, path+": "+c)
		}
		return nil
	}
	if err := check(entitiesPath, entityRequired, entityOptional); err != nil {
		return nil, err
	}
	if err := check(relationshipsPath, relRequired, relOptional); err != nil {
		return nil, err
	}
	return ignored, nil
}

// seenRow remembers where a key was first seen and what its row held.
type seenRow struct {
	line    int
	content uint64
}

type parser struct {
	sink     ingest.Sink
	opts     Options
	entities map[string]seenRow // accepted entity ids
	rels     map[uint64]seenRow // relationship key hash → first row
	pending  []pendingRel       // rows waiting for a store lookup of an endpoint
}

// row is one data record with its position and the header's column index.
type row struct {
	file   string
	line   int
	fields []string
	h      *header
}

// get returns a column's value with surrounding spaces trimmed ("" when
// the column is absent).
func (r row) get(col string) string {
	i, ok := r.h.index[col]
	if !ok || i >= len(r.fields) {
		return ""
	}
	return strings.TrimSpace(r.fields[i])
}

// raw returns a column's value exactly as given (ids).
func (r row) raw(col string) string {
	i, ok := r.h.index[col]
	if !ok || i >= len(r.fields) {
		return ""
	}
	return r.fields[i]
}

func (r row) reject(field, format string, a ...any) ingest.Reject {
	return ingest.Reject{File: r.file, Line: r.line, Field: field, Reason: fmt.Sprintf(format, a...)}
}

// contentHash hashes the row's known columns (trimmed), so the same
// content in a different column order or spacing is a duplicate.
func (r row) contentHash() uint64 {
	h := fnv.New64a()
	for _, c := range r.h.known {
		io.WriteString(h, r.get(c))
		h.Write([]byte{0x1f})
	}
	return h.Sum64()
}

type header struct {
	index   map[string]int
	names   []string // by position, lower-cased as in index
	width   int      // fields in the header row; every record must have as many
	known   []string // required and optional columns present, in canonical order
	unknown []string
}

func newReader(rc io.Reader) *recordReader { return newRecordReader(rc) }

func readHeader(r *recordReader, path string, required, optional []string) (*header, error) {
	rec, _, err := r.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("ingest csv: %s: %w: the file is empty; a header row is required (%s)",
			path, ErrHeader, strings.Join(required, ","))
	}
	if err != nil {
		return nil, fmt.Errorf("ingest csv: %s: header: %w", path, err)
	}
	r.width = len(rec)
	if len(rec) > 0 {
		rec[0] = strings.TrimPrefix(rec[0], "\ufeff")
	}
	if isBlank(rec) {
		return nil, fmt.Errorf("ingest csv: %s: line 1: %w: the file is empty or its first row is blank; a header row is required (%s)",
			path, ErrHeader, strings.Join(required, ","))
	}
	h := &header{index: map[string]int{}, width: len(rec), names: make([]string, len(rec))}
	for i, name := range rec {
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		h.names[i] = name
		if _, dup := h.index[name]; dup {
			return nil, fmt.Errorf("ingest csv: %s: line 1: %w: column %q appears twice", path, ErrHeader, name)
		}
		h.index[name] = i
	}
	var missing []string
	for _, c := range required {
		if _, ok := h.index[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("ingest csv: %s: line 1: %w: missing required column(s) %s (required: %s)",
			path, ErrHeader, strings.Join(missing, ", "), strings.Join(required, ","))
	}
	allowed := map[string]bool{}
	for _, c := range append(append([]string{}, required...), optional...) {
		allowed[c] = true
		if _, ok := h.index[c]; ok {
			h.known = append(h.known, c)
		}
	}
	for name := range h.index {
		if !allowed[name] {
			h.unknown = append(h.unknown, name)
		}
	}
	slices.Sort(h.unknown)
	return h, nil
}

// parseFile streams one file row by row into handle.
func (p *parser) parseFile(ctx context.Context, path string, required, optional []string, handle func(context.Context, row) error) error {
	rc, err := ingest.Open(path)
	if err != nil {
		return fmt.Errorf("ingest csv: %w", err)
	}
	defer rc.Close()
	r := newReader(rc)
	h, err := readHeader(r, path, required, optional)
	if err != nil {
		return err
	}
	for n := 0; ; n++ {
		if n%1000 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		rec, line, err := r.Read()
		if err == io.EOF {
			return nil
		}
		var bad *malformed
		if errors.As(err, &bad) {
			// A line that is not a record (a stray quote): reject it and
			// go on with the next line.
			ingest.CountRead(p.sink, 1)
			field := ""
			if bad.field >= 0 && bad.field < len(h.names) {
				field = h.names[bad.field]
			}
			if err := p.sink.Reject(ingest.Reject{File: path, Line: bad.line, Field: field, Reason: "malformed CSV: " + bad.reason}); err != nil {
				return err
			}
			continue
		}
		var long *ingest.LineTooLongError
		if errors.As(err, &long) {
			return fmt.Errorf("ingest csv: %s: %w", path, err) // it names the line
		}
		if err != nil {
			return fmt.Errorf("ingest csv: %s: line %d: %w", path, r.next, err)
		}
		if isBlank(rec) {
			continue // blank rows (spaces, commas) carry nothing: not a record, not counted
		}
		ingest.CountRead(p.sink, 1)
		rw := row{file: path, line: line, fields: rec, h: h}
		if len(rec) != h.width {
			if err := p.sink.Reject(rw.reject("", "has %d fields, the header has %d", len(rec), h.width)); err != nil {
				return err
			}
			continue
		}
		if err := handle(ctx, rw); err != nil {
			return err
		}
	}
}

func isBlank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}
