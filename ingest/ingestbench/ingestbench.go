// Package ingestbench measures ingest: parse throughput of every source
// format on generated inputs in the real shapes, and loading the generic
// CSV into Neo4j through ubo (parser → ingest.Writer → queries upserts →
// resolve) side by side with Cypher LOAD CSV of the same rows into the same
// database. The program in cmd/ingestbench prints the tables; this package
// holds the generators and the measured steps so tests and benchmarks can
// reuse them.
package ingestbench

import (
	"context"
	"errors"
	"fmt"
	"github.com/ubo-project/ubo/queries/baseline"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/ingest/bods"
	csvingest "github.com/ubo-project/ubo/ingest/csv"
	"github.com/ubo-project/ubo/ingest/ftm"
	"github.com/ubo-project/ubo/ingest/gleif"
	"github.com/ubo-project/ubo/ingest/icij"
	"github.com/ubo-project/ubo/ingest/psc"
	"github.com/ubo-project/ubo/ingest/resolve"
	"github.com/ubo-project/ubo/internal/procstat"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// CountingSink counts what a parser emits and drops it, so parse
// throughput excludes any store.
type CountingSink struct {
	Read, Entities, Relationships, Rejects atomic.Int64
}

func (s *CountingSink) Entity(model.Entity) error             { s.Entities.Add(1); return nil }
func (s *CountingSink) Relationship(model.Relationship) error { s.Relationships.Add(1); return nil }
func (s *CountingSink) Reject(ingest.Reject) error            { s.Rejects.Add(1); return nil }

// CountRead implements ingest.ReadCounter: the parsers report input
// records through it.
func (s *CountingSink) CountRead(n int) { s.Read.Add(int64(n)) }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// Format is one input shape: how to generate an input of a given size in
// a directory and how to parse it with the real parser.
type Format struct {
	Name string
	// Generate writes at least size bytes of input under dir and returns
	// the path to parse and the bytes written.
	Generate func(dir string, size int64) (path string, n int64, err error)
	Parse    func(ctx context.Context, path string, sink ingest.Sink) error
}

func file(name string, g func(string, int64) (int64, error)) func(string, int64) (string, int64, error) {
	return func(dir string, size int64) (string, int64, error) {
		p := filepath.Join(dir, name)
		n, err := g(p, size)
		return p, n, err
	}
}

func parseGLEIF(ctx context.Context, path string, sink ingest.Sink) error {
	return gleif.Parse(ctx, path, sink, gleif.Options{Log: quiet})
}

// Formats are the source shapes in table order. The generic CSV's path is
// its directory (entities.csv, relationships.csv).
var Formats = []Format{
	{Name: "gleif xml (LEI-CDF level 1)", Generate: file("lei.xml", genLEIXML), Parse: parseGLEIF},
	{Name: "gleif xml (RR-CDF relationships)", Generate: file("rr.xml", genRRXML), Parse: parseGLEIF},
	{Name: "gleif csv (level 1)", Generate: file("lei.csv", genLEICSV), Parse: parseGLEIF},
	{Name: "psc (JSON lines)", Generate: file("psc.txt", genPSC), Parse: func(ctx context.Context, path string, sink ingest.Sink) error {
		_, err := psc.Parse(ctx, []string{path}, sink, psc.Options{Log: quiet})
		return err
	}},
	{Name: "bods 0.4 (JSON lines)", Generate: file("bods.jsonl", genBODS), Parse: func(ctx context.Context, path string, sink ingest.Sink) error {
		return bods.Parse(ctx, []string{path}, sink)
	}},
	{Name: "ftm (JSON lines)", Generate: file("entities.ftm.json", genFtM), Parse: func(ctx context.Context, path string, sink ingest.Sink) error {
		return ftm.Parse(ctx, []string{path}, sink)
	}},
	{Name: "icij (CSV bundle)", Generate: func(dir string, size int64) (string, int64, error) {
		p := filepath.Join(dir, "icij")
		n, err := genICIJ(p, size)
		return p, n, err
	}, Parse: func(ctx context.Context, path string, sink ingest.Sink) error {
		return icij.Parse(ctx, path, sink)
	}},
	{Name: "csv (generic, gen)", Generate: func(dir string, size int64) (string, int64, error) {
		p := filepath.Join(dir, "gen")
		// gen writes about 53 bytes per row.
		e, r, _, err := GenerateCSV(p, int(size/53)+1)
		if err != nil {
			return "", 0, err
		}
		return p, fileSize(e) + fileSize(r), nil
	}, Parse: func(ctx context.Context, path string, sink ingest.Sink) error {
		return ParseCSV(ctx, path, sink)
	}},
}

// ParseCSV parses the generic CSV pair in dir.
func ParseCSV(ctx context.Context, dir string, sink ingest.Sink) error {
	opts := csvingest.Options{}
	if known, ok := sink.(csvingest.IDLookup); ok {
		opts.Known = known
	}
	return csvingest.Parse(ctx, filepath.Join(dir, "entities.csv"), filepath.Join(dir, "relationships.csv"), sink, opts)
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// ParseResult is one row of the parse throughput table.
type ParseResult struct {
	Format                        string
	Bytes                         int64
	Read, Entities, Relationships int64
	Rejects                       int64
	Elapsed                       time.Duration
	// CPU is the process CPU time of the run (all threads, GC included):
	// on a loaded machine it is the steadier measure.
	CPU time.Duration
}

// MBpsCPU is decimal megabytes per CPU second.
func (r ParseResult) MBpsCPU() float64 { return float64(r.Bytes) / 1e6 / r.CPU.Seconds() }

// MBps is decimal megabytes of input per second.
func (r ParseResult) MBps() float64 { return float64(r.Bytes) / 1e6 / r.Elapsed.Seconds() }

// RecordsPerSec is input records per second.
func (r ParseResult) RecordsPerSec() float64 { return float64(r.Read) / r.Elapsed.Seconds() }

// MeasureParse parses path with f's parser into a CountingSink, runs
// times, and keeps the fastest run (the least disturbed by other load).
func MeasureParse(ctx context.Context, f Format, path string, bytes int64, runs int) (ParseResult, error) {
	best := ParseResult{Format: f.Name, Bytes: bytes}
	for i := 0; i < max(runs, 1); i++ {
		s := &CountingSink{}
		start, cpu := time.Now(), procstat.CPUTime()
		if err := f.Parse(ctx, path, s); err != nil {
			return best, fmt.Errorf("parse %s: %w", f.Name, err)
		}
		el := time.Since(start)
		if i == 0 || el < best.Elapsed {
			best.Elapsed, best.CPU = el, procstat.CPUTime()-cpu
			best.Read, best.Entities, best.Relationships, best.Rejects = s.Read.Load(), s.Entities.Load(), s.Relationships.Load(), s.Rejects.Load()
		}
	}
	if best.Rejects != 0 {
		return best, fmt.Errorf("parse %s: %d rejects in generated input", f.Name, best.Rejects)
	}
	return best, nil
}

// IngestResult is what loading the generic CSV through ubo did.
type IngestResult struct {
	Stats   ingest.Stats
	Write   time.Duration // parse + Writer + store upserts, until Close returns
	Resolve time.Duration // resolve.Resolve over the whole store afterwards
	Merges  int
	// Time inside the store during Write: UpsertEntities,
	// UpsertRelationships, CanonicalIDs (the parser's lookups of ids not
	// in the file). Write minus these is parsing and batching.
	StoreEntities, StoreRelationships, StoreLookups time.Duration
	EntityBatches, RelationshipBatches              int
}

// timedStore measures the time spent in the store calls the Writer makes.
type timedStore struct {
	store.Store
	res *IngestResult
}

func (t timedStore) UpsertEntities(ctx context.Context, batch []model.Entity) error {
	start := time.Now()
	defer func() { t.res.StoreEntities += time.Since(start); t.res.EntityBatches++ }()
	return t.Store.UpsertEntities(ctx, batch)
}

func (t timedStore) UpsertRelationships(ctx context.Context, batch []model.Relationship) error {
	start := time.Now()
	defer func() { t.res.StoreRelationships += time.Since(start); t.res.RelationshipBatches++ }()
	return t.Store.UpsertRelationships(ctx, batch)
}

func (t timedStore) CanonicalIDs(ctx context.Context, ids []string) (map[string]string, error) {
	start := time.Now()
	defer func() { t.res.StoreLookups += time.Since(start) }()
	return t.Store.CanonicalIDs(ctx, ids)
}

// IngestCSV loads the generic CSV pair in dir into st the way `ubo ingest
// csv` does (ingest.Writer with batchSize, 0 for the default; then
// resolution).
func IngestCSV(ctx context.Context, st store.Store, dir string, batchSize int) (IngestResult, error) {
	var res IngestResult
	start := time.Now()
	w := ingest.NewWriter(timedStore{st, &res}, ingest.WriterOptions{Source: csvingest.Source, Context: ctx, BatchSize: batchSize})
	parseErr := ParseCSV(ctx, dir, w)
	stats, closeErr := w.Close(ctx)
	res.Stats, res.Write = stats, time.Since(start)
	if err := errors.Join(parseErr, closeErr); err != nil {
		return res, fmt.Errorf("ingest csv: %w", err)
	}
	start = time.Now()
	rep, err := resolve.Resolve(ctx, st)
	res.Resolve, res.Merges = time.Since(start), len(rep.Merges)
	if err != nil {
		return res, fmt.Errorf("resolve: %w", err)
	}
	return res, nil
}

// The LOAD CSV Cypher lives under queries/ with the rest of ubo's Cypher.
var (
	loadEntitiesCypher      = baseline.LoadEntities
	loadRelationshipsCypher = baseline.LoadRelationships
)

// LoadCSVResult is what Cypher LOAD CSV of the same files did.
type LoadCSVResult struct {
	Entities, Relationships time.Duration
}

// LoadCSV runs load_entities.cypher and load_relationships.cypher (LOAD
// CSV ... CALL { } IN TRANSACTIONS OF 10000 ROWS) against baseURL, which
// serves entities.csv and relationships.csv. CALL IN TRANSACTIONS needs an
// auto-commit transaction, hence session.Run.
func LoadCSV(ctx context.Context, driver neo4j.DriverWithContext, database, baseURL string) (LoadCSVResult, error) {
	var res LoadCSVResult
	sess := driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: database, AccessMode: neo4j.AccessModeWrite})
	defer sess.Close(context.WithoutCancel(ctx))
	for _, step := range []struct {
		file, cypher string
		took         *time.Duration
	}{
		{"entities.csv", loadEntitiesCypher, &res.Entities},
		{"relationships.csv", loadRelationshipsCypher, &res.Relationships},
	} {
		start := time.Now()
		r, err := sess.Run(ctx, step.cypher, map[string]any{"url": strings.TrimSuffix(baseURL, "/") + "/" + step.file})
		if err == nil {
			_, err = r.Consume(ctx)
		}
		if err != nil {
			return res, fmt.Errorf("LOAD CSV %s: %w", step.file, err)
		}
		*step.took = time.Since(start)
	}
	return res, nil
}

// ServeDir serves dir over HTTP on a free port of 127.0.0.1 so Neo4j's
// LOAD CSV can read http://127.0.0.1:PORT/FILE without import-directory
// configuration. It returns the base URL and a function that stops it.
func ServeDir(dir string) (baseURL string, stop func() error, err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("serve %s: %w", dir, err)
	}
	srv := &http.Server{Handler: http.FileServer(http.Dir(dir)), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln) //nolint:errcheck // returns ErrServerClosed on stop
	return "http://" + ln.Addr().String(), func() error { return srv.Close() }, nil
}
