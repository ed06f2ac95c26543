// Package bench measures the scoring engine on synthetic registries of
// growing size and compares it with the path-enumeration baseline users run
// today. No timing is ever asserted: this package reports.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"

	"github.com/ubo-project/ubo/gen"
	"github.com/ubo-project/ubo/graph"
	"github.com/ubo-project/ubo/internal/procstat"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
)

// Config says what to measure.
type Config struct {
	Sizes           []int // entity counts, run in this order
	Seed            uint64
	ChineseShare    float64
	Interlock       float64        // gen.Config.Interlock
	Policy          *policy.Policy // nil: policy.Default()
	BaselineMax     int            // run the baseline only up to this many entities (0: never)
	BaselineTimeout time.Duration  // per size
	// BaselineStopAtRoots ends baseline paths at the first root (the
	// careful query); false walks through roots as plain [:OWNS*] does.
	BaselineStopAtRoots bool
	Log                 io.Writer // progress lines; nil for none
}

// Row is the measurement for one size.
type Row struct {
	Entities      int
	Edges         int           // relationships added
	Gen           time.Duration // generating the stream alone (subtracted from Build)
	Build         time.Duration // AddEntity/AddRelationship calls + Build, generator excluded
	Score         time.Duration // graph.Score
	PeakBytes     uint64        // peak Go memory in use while building and scoring (sampled)
	PeakBuild     uint64        // the same while building only
	PeakScore     uint64        // the same while scoring only
	GenCPU        time.Duration // process CPU time (user + system) of the generator alone
	BuildCPU      time.Duration // process CPU time of building, generator excluded
	ScoreCPU      time.Duration // process CPU time of scoring (all goroutines, GC included)
	GraphBytes    uint64        // heap retained by the built graph
	MaxRSS        uint64        // process high-water resident set after this size
	Counts        map[model.Verdict]int
	Baseline      *BaselineResult // nil: not run
	BaselineError string          // why it did not finish
}

// BytesPerEdge is the graph's retained heap per relationship.
func (r Row) BytesPerEdge() float64 {
	if r.Edges == 0 {
		return 0
	}
	return float64(r.GraphBytes) / float64(r.Edges)
}

// Ratio is baseline traversal time over engine score time, and whether the
// figure is a lower bound (the baseline did not finish).
func (r Row) Ratio() (ratio float64, lowerBound bool, ok bool) {
	if r.Baseline == nil || r.Score <= 0 {
		return 0, false, false
	}
	return float64(r.Baseline.Elapsed) / float64(r.Score), !r.Baseline.Finished, true
}

func (c *Config) logf(format string, a ...any) {
	if c.Log != nil {
		fmt.Fprintf(c.Log, format+"\n", a...)
	}
}

// Run measures every size in order, calling onRow after each.
func Run(ctx context.Context, cfg Config, onRow func(Row)) ([]Row, error) {
	if cfg.Policy == nil {
		cfg.Policy = policy.Default()
	}
	if cfg.BaselineTimeout <= 0 {
		cfg.BaselineTimeout = time.Minute
	}
	var rows []Row
	for _, n := range cfg.Sizes {
		if err := ctx.Err(); err != nil {
			return rows, err
		}
		row, err := runSize(ctx, cfg, n)
		if err != nil {
			return rows, fmt.Errorf("bench %d entities: %w", n, err)
		}
		rows = append(rows, row)
		if onRow != nil {
			onRow(row)
		}
	}
	return rows, nil
}

func noEntity(model.Entity) error             { return nil }
func noRelationship(model.Relationship) error { return nil }

func runSize(ctx context.Context, cfg Config, n int) (Row, error) {
	gcfg := gen.Config{Entities: n, Seed: cfg.Seed, ChineseShare: cfg.ChineseShare, Interlock: cfg.Interlock}
	row := Row{Entities: n}

	// 1. The generator alone, so its cost can be taken out of the build.
	cfg.logf("bench %d: generating (timing the generator alone)", n)
	t0, c0 := time.Now(), procstat.CPUTime()
	if _, err := gen.Stream(gcfg, noEntity, noRelationship); err != nil {
		return row, err
	}
	row.Gen, row.GenCPU = time.Since(t0), procstat.CPUTime()-c0

	// 2. Build and score, sampling memory.
	if err := measureEngine(cfg, gcfg, &row); err != nil {
		return row, err
	}
	freeMemory()

	// 3. The baseline, on the sizes it is allowed.
	if cfg.BaselineMax > 0 && n <= cfg.BaselineMax {
		res, err := runBaseline(ctx, cfg, gcfg)
		row.Baseline = &res
		switch {
		case errors.Is(err, ErrDeadline):
			row.BaselineError = fmt.Sprintf("did not finish in %s", cfg.BaselineTimeout)
		case err != nil:
			return row, err
		}
		freeMemory()
	}
	row.MaxRSS = procstat.MaxRSS()
	return row, nil
}

// measureEngine builds and scores one registry; the graph is garbage once
// it returns.
func measureEngine(cfg Config, gcfg gen.Config, row *Row) error {
	freeMemory()
	before := heapAlloc()
	sampler := startSampler()
	cfg.logf("bench %d: building the graph", gcfg.Entities)
	t0, c0 := time.Now(), procstat.CPUTime()
	g, edges, err := build(gcfg)
	row.Build = max(0, time.Since(t0)-row.Gen)
	row.BuildCPU = max(0, procstat.CPUTime()-c0-row.GenCPU)
	row.PeakBuild = sampler.stop()
	if err != nil {
		return err
	}
	row.Edges = edges
	freeMemory()
	if after := heapAlloc(); after > before {
		row.GraphBytes = after - before
	}

	cfg.logf("bench %d: scoring %d entities, %d edges", gcfg.Entities, g.NumEntities(), g.NumEdges())
	sampler = startSampler()
	t0, c0 = time.Now(), procstat.CPUTime()
	s, err := graph.Score(g, cfg.Policy, time.Time{})
	row.Score, row.ScoreCPU = time.Since(t0), procstat.CPUTime()-c0
	row.PeakScore = sampler.stop()
	row.PeakBytes = max(row.PeakBuild, row.PeakScore)
	cfg.logf("bench %d: build %s (CPU %s, peak %d MiB), score %s (CPU %s, peak %d MiB)", gcfg.Entities,
		row.Build.Round(time.Millisecond), row.BuildCPU.Round(time.Millisecond), row.PeakBuild>>20,
		row.Score.Round(time.Millisecond), row.ScoreCPU.Round(time.Millisecond), row.PeakScore>>20)
	if err != nil {
		return fmt.Errorf("score: %w", err)
	}
	row.Counts = s.Counts()
	return nil
}

// build streams the generator into a builder; the builder's buffers are
// garbage once it returns.
func build(gcfg gen.Config) (*graph.Graph, int, error) {
	b := graph.NewBuilder()
	st, err := gen.Stream(gcfg,
		func(e model.Entity) error { b.AddEntity(e); return nil },
		func(r model.Relationship) error { b.AddRelationship(r); return nil })
	if err != nil {
		return nil, 0, err
	}
	g, err := b.Build()
	if err != nil {
		return nil, 0, fmt.Errorf("build: %w", err)
	}
	return g, st.Relationships, nil
}

func runBaseline(ctx context.Context, cfg Config, gcfg gen.Config) (BaselineResult, error) {
	cfg.logf("bench %d: baseline: loading ownership edges", gcfg.Entities)
	bl := NewBaseline(cfg.BaselineStopAtRoots)
	concern := cfg.Policy.ConcernCountries()
	asOf := time.Now().UTC().Format(time.DateOnly)
	if _, err := gen.Stream(gcfg,
		func(e model.Entity) error { bl.AddEntity(e, cfg.Policy, concern); return nil },
		func(r model.Relationship) error { bl.AddRelationship(r, asOf); return nil }); err != nil {
		return BaselineResult{}, err
	}
	bl.Freeze()
	cfg.logf("bench %d: baseline: enumerating paths from every root (timeout %s)", gcfg.Entities, cfg.BaselineTimeout)
	res, _, err := bl.Enumerate(ctx, cfg.BaselineTimeout)
	return res, err
}

func freeMemory() {
	runtime.GC()
	debug.FreeOSMemory()
}

func heapAlloc() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// sampler polls the Go runtime's mapped-and-not-released memory every few
// milliseconds and keeps the peak: unlike maxrss it can be reset per size.
type sampler struct {
	done chan struct{}
	wg   sync.WaitGroup
	peak uint64
}

func startSampler() *sampler {
	s := &sampler{done: make(chan struct{})}
	samples := []metrics.Sample{
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
	}
	read := func() {
		metrics.Read(samples)
		if samples[0].Value.Kind() != metrics.KindUint64 || samples[1].Value.Kind() != metrics.KindUint64 {
			return
		}
		if v := samples[0].Value.Uint64() - samples[1].Value.Uint64(); v > s.peak {
			s.peak = v
		}
	}
	read()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-s.done:
				read()
				return
			case <-tick.C:
				read()
			}
		}
	}()
	return s
}

func (s *sampler) stop() uint64 {
	close(s.done)
	s.wg.Wait()
	return s.peak
}
