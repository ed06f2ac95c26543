// Package demo bundles a small, fictional but realistic sample registry —
// our own files in the real GLEIF (LEI-CDF, RR-CDF, reporting exceptions),
// UK PSC snapshot, BODS 0.4 and FollowTheMoney shapes — and loads it into a
// store through the real parsers, so `ubo demo` exercises the whole
// pipeline with nothing but Go.
//
// The sample tells these stories (see sample/README.md):
//   - Chinese control through subsidiaries: a Shenzhen group consolidates a
//     Hong Kong holding, which consolidates a Dutch B.V., which consolidates
//     a UK company (GLEIF level 2);
//   - a chain that crosses sources by identifier: that UK company (GLEIF,
//     Companies House number 09876543) is the corporate PSC of Northbridge
//     Sensors Ltd in the PSC snapshot;
//   - a 50/50 joint venture: Thames Photonics Ltd, with two corporate PSCs
//     in the 25-to-50% bands, one registered in China;
//   - an offshore holding incorporated in the Cayman Islands but
//     headquartered in Shenzhen, parent of a UK data-centre operator;
//   - cross-holdings with exact shares (BODS 0.4) where the aggregate 50%
//     rule covers a company a Chinese investor holds only 20% of directly;
//   - an undisclosed owner (PSC statement psc-exists-but-not-identified) and
//     a withheld GLEIF parent (reporting exception NON_PUBLIC): both
//     indeterminate;
//   - an FtM ownership chain from a Hong Kong parent through Singapore to
//     Germany.
package demo

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"io"
	"log/slog"

	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/ingest/bods"
	"github.com/ubo-project/ubo/ingest/ftm"
	"github.com/ubo-project/ubo/ingest/gleif"
	"github.com/ubo-project/ubo/ingest/psc"
	"github.com/ubo-project/ubo/ingest/resolve"
	"github.com/ubo-project/ubo/store"
)

//go:embed sample/*.xml sample/*.jsonl sample/*.json sample/*.csv
var sample embed.FS

// CustomersFile is the bundled customer list `ubo demo` screens: a
// provider's customers as its KYC system holds them (names in other
// spellings and scripts, an LEI, one customer not in the graph).
const CustomersFile = "customers.csv"

// File is one bundled sample file.
type File struct {
	Source string // gleif, psc, bods or ftm
	Name   string // file name under sample/
}

// Files lists the sample in ingest order: GLEIF first, so the named LEI
// records exist before the other sources refer to the same companies.
var Files = []File{
	{gleif.Source, "gleif-lei.xml"},
	{gleif.Source, "gleif-rr.xml"},
	{gleif.Source, "gleif-repex.xml"},
	{psc.Source, "psc-snapshot.jsonl"},
	{bods.Source, "bods-0.4.json"},
	{ftm.Source, "ftm-entities.json"},
}

// Open returns the content of one sample file.
func Open(name string) ([]byte, error) {
	return sample.ReadFile("sample/" + name)
}

// Stats are the ingest counts of one source.
type Stats struct {
	Source string
	ingest.Stats
}

// Loaded is what Load did: ingest counts per source and the merges that
// cross-source resolution applied.
type Loaded struct {
	Sources []Stats
	Merged  int
}

// Options configure Load.
type Options struct {
	// Log receives the parsers' warnings (nil: discarded).
	Log *slog.Logger
	// BatchSize is the store write batch (default ingest.DefaultBatchSize).
	BatchSize int
}

// Load ingests every sample file into st (initialising it first) and then
// resolves entities that different sources name by the same identifier.
// The sample is clean: any rejected record is an error.
func Load(ctx context.Context, st store.Store, opts Options) (Loaded, error) {
	log := opts.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := st.Init(ctx); err != nil {
		return Loaded{}, fmt.Errorf("demo: prepare store: %w", err)
	}
	var out Loaded
	for _, src := range []string{gleif.Source, psc.Source, bods.Source, ftm.Source} {
		w := ingest.NewWriter(st, ingest.WriterOptions{Source: src, BatchSize: opts.BatchSize, Context: ctx})
		parseErr := parse(ctx, src, w, log)
		stats, closeErr := w.Close(ctx)
		if parseErr != nil {
			return out, fmt.Errorf("demo: ingest %s: %w", src, parseErr)
		}
		if closeErr != nil {
			return out, fmt.Errorf("demo: ingest %s: %w", src, closeErr)
		}
		if stats.Rejected > 0 {
			return out, fmt.Errorf("demo: ingest %s: %d sample record(s) rejected", src, stats.Rejected)
		}
		out.Sources = append(out.Sources, Stats{Source: src, Stats: stats})
	}
	rep, err := resolve.Resolve(ctx, st)
	if err != nil {
		return out, fmt.Errorf("demo: %w", err)
	}
	if len(rep.Ambiguous) > 0 {
		return out, fmt.Errorf("demo: resolve: ambiguous identifiers in the sample: %s", rep.Ambiguous[0])
	}
	out.Merged = len(rep.Merges)
	return out, nil
}

// parse feeds every sample file of one source to its parser.
func parse(ctx context.Context, source string, sink ingest.Sink, log *slog.Logger) error {
	bp, fp := bods.NewParser(sink), ftm.NewParser(sink)
	fp.Warn = func(r ingest.Reject) { log.Warn("demo sample", "warning", r.String()) }
	for _, f := range Files {
		if f.Source != source {
			continue
		}
		data, err := Open(f.Name)
		if err != nil {
			return err
		}
		name := "sample/" + f.Name
		r := bytes.NewReader(data)
		switch source {
		case gleif.Source:
			err = gleif.ParseReader(ctx, name, r, sink, gleif.Options{Log: log})
		case psc.Source:
			_, err = psc.ParseReader(ctx, name, r, sink, psc.Options{Log: log})
		case bods.Source:
			err = bp.ParseReader(ctx, name, r)
		case ftm.Source:
			err = fp.ParseReader(ctx, name, r)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
