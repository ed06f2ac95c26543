// Command ingestbench prints the ingest benchmark tables: parse throughput
// per source format, then (with a Neo4j) the generic CSV loaded through ubo
// side by side with Cypher LOAD CSV of the same rows into the same database,
// and peak RSS of the ubo ingest at two input sizes.
//
//	go run ./ingest/ingestbench/cmd/ingestbench --records 1000000 --db bolt://127.0.0.1:7687
//
// The Neo4j part DELETES ALL DATA in the database before each load: point
// --db at a throwaway server. Without --db (and without NEO4J_URI) only the
// parse table is printed.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/ingest/ingestbench"
	"github.com/ubo-project/ubo/internal/neo4jtest"
	"github.com/ubo-project/ubo/queries"
	"github.com/ubo-project/ubo/store"
)

type options struct {
	records  int
	rssSizes string
	parseMB  int
	runs     int
	db       string
	database string
	dir      string
	keep     bool
	batch    int
	skipLoad bool
	rssParse string
	format   int
	repeat   int
	neo4jPID int
	// child mode: one measured step in its own process, so its peak RSS
	// is its own.
	child string
}

func main() {
	var o options
	flag.IntVar(&o.records, "records", 1_000_000, "rows (entities + relationships) of the generic CSV loaded into Neo4j")
	flag.StringVar(&o.rssSizes, "rss-sizes", "100000", "smaller input sizes (rows) whose peak RSS is compared with --records'")
	flag.IntVar(&o.parseMB, "parse-mb", 64, "size of each generated parse input, in MB")
	flag.IntVar(&o.runs, "runs", 2, "parse runs per format (the fastest is reported)")
	flag.StringVar(&o.db, "db", os.Getenv("NEO4J_URI"), "Neo4j Bolt URI (default $NEO4J_URI); ALL ITS DATA IS DELETED; empty: parse table only")
	flag.StringVar(&o.database, "database", neo4jtest.DefaultDatabase, "Neo4j database")
	flag.StringVar(&o.dir, "dir", "", "work directory for generated inputs (default a temporary one, removed at the end)")
	flag.BoolVar(&o.keep, "keep", false, "keep the work directory")
	flag.IntVar(&o.batch, "batch", 0, "ingest.Writer batch size (0: ingest.DefaultBatchSize)")
	flag.BoolVar(&o.skipLoad, "skip-load-csv", false, "do not run the LOAD CSV baseline")
	flag.StringVar(&o.rssParse, "rss-parse-mb", "16,128", "input sizes (MB) at which each parser's peak RSS is measured; empty: skip")
	flag.IntVar(&o.repeat, "repeat", 1, "rounds of ubo and LOAD CSV on the main input (the first goes first in odd rounds)")
	flag.IntVar(&o.neo4jPID, "neo4j-pid", 0, "pid of the Neo4j server process, to report its CPU time per load (Linux /proc)")
	flag.IntVar(&o.format, "format", 0, "with -child parseformat: index of the format in the parse table")
	flag.StringVar(&o.child, "child", "", "run one step alone and print JSON: parse (generic CSV in --dir), parseformat (--format on path --dir), ingest (--dir into --db), reset (empty --db, create the schema)")
	flag.Parse()
	var err error
	if o.child != "" {
		err = runChild(o)
	} else {
		err = run(o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ingestbench:", err)
		os.Exit(1)
	}
}

func logf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, a...)...)
}

func run(o options) error {
	ctx := context.Background()
	dir := o.dir
	if dir == "" {
		d, err := os.MkdirTemp("", "ingestbench-")
		if err != nil {
			return err
		}
		dir = d
	}
	if !o.keep && o.dir == "" {
		defer os.RemoveAll(dir)
	}
	fmt.Printf("ingestbench: %s, work dir %s\n\n", time.Now().UTC().Format(time.RFC3339), dir)

	if err := parseTable(ctx, o, dir); err != nil {
		return err
	}
	if err := parseRSSTable(o, dir); err != nil {
		return err
	}
	if o.db == "" {
		fmt.Println("\n(no --db / NEO4J_URI: Neo4j ingest skipped)")
		return nil
	}
	return neo4jTables(ctx, o, dir)
}

func parseTable(ctx context.Context, o options, dir string) error {
	size := int64(o.parseMB) * 1_000_000
	var rows []ingestbench.ParseResult
	for i, f := range ingestbench.Formats {
		sub := filepath.Join(dir, fmt.Sprintf("parse-%d", i))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return err
		}
		logf("generate %s (%d MB)", f.Name, o.parseMB)
		path, n, err := f.Generate(sub, size)
		if err != nil {
			return fmt.Errorf("generate %s: %w", f.Name, err)
		}
		logf("parse %s", f.Name)
		r, err := ingestbench.MeasureParse(ctx, f, path, n, o.runs)
		if err != nil {
			return err
		}
		rows = append(rows, r)
		if !o.keep {
			os.RemoveAll(sub)
		}
	}
	fmt.Printf("Parse throughput (real parsers into a counting sink, best of %d runs, GOMAXPROCS=%s)\n\n", o.runs, gomaxprocs())
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 1, ' ', tabwriter.AlignRight|tabwriter.Debug)
	fmt.Fprintln(tw, "format\tinput MB\trecords read\tentities\trelationships\tseconds\tMB/s\trecords/s\tCPU s\tMB/CPU-s\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%.1f\t%d\t%d\t%d\t%.2f\t%.1f\t%.0f\t%.2f\t%.1f\t\n", r.Format, float64(r.Bytes)/1e6, r.Read, r.Entities, r.Relationships,
			r.Elapsed.Seconds(), r.MBps(), r.RecordsPerSec(), r.CPU.Seconds(), r.MBpsCPU())
	}
	return tw.Flush()
}

// parseRSSTable parses each format at each --rss-parse-mb size in a child
// process and prints the peak RSS: streaming parsers stay flat.
func parseRSSTable(o options, dir string) error {
	var sizes []int
	for _, f := range strings.Split(o.rssParse, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n <= 0 {
			return fmt.Errorf("--rss-parse-mb: %q is not a positive number", f)
		}
		sizes = append(sizes, n)
	}
	if len(sizes) == 0 {
		return nil
	}
	type cell struct {
		read  int64
		rssMB float64
	}
	table := make([][]cell, len(ingestbench.Formats))
	for i, f := range ingestbench.Formats {
		for _, mb := range sizes {
			sub := filepath.Join(dir, fmt.Sprintf("rss-%d-%d", i, mb))
			if err := os.MkdirAll(sub, 0o755); err != nil {
				return err
			}
			logf("peak RSS: %s, %d MB", f.Name, mb)
			path, _, err := f.Generate(sub, int64(mb)*1_000_000)
			if err != nil {
				return fmt.Errorf("generate %s: %w", f.Name, err)
			}
			r, err := runStep(o, "parseformat", path, "-format", strconv.Itoa(i))
			if err != nil {
				return err
			}
			table[i] = append(table[i], cell{r.Read, float64(r.MaxRSSKB) / 1024})
			os.RemoveAll(sub)
		}
	}
	fmt.Printf("\nParser peak RSS (VmHWM of a child process per run: parse into a counting sink)\n\n")
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 1, ' ', tabwriter.AlignRight|tabwriter.Debug)
	fmt.Fprint(tw, "format\t")
	for _, mb := range sizes {
		fmt.Fprintf(tw, "%d MB: records\tMB RSS\t", mb)
	}
	fmt.Fprintln(tw)
	for i, f := range ingestbench.Formats {
		fmt.Fprintf(tw, "%s\t", f.Name)
		for _, c := range table[i] {
			fmt.Fprintf(tw, "%d\t%.0f\t", c.read, c.rssMB)
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

func gomaxprocs() string {
	if v := os.Getenv("GOMAXPROCS"); v != "" {
		return v
	}
	return "default"
}

// childResult is what a child prints.
type childResult struct {
	Ingest ingestbench.IngestResult `json:",omitempty"`
	Read   int64
	// PeakRSSKB is the child's own VmHWM. getrusage's max RSS of a child
	// is no good here: Go starts children with vfork semantics, and Linux
	// carries the parent's high-water mark into the child's at exec.
	PeakRSSKB int64
}

// stepResult is a child's result with its wall time, CPU time and peak RSS.
type stepResult struct {
	childResult
	Wall     time.Duration
	CPU      time.Duration
	MaxRSSKB int64
}

func runStep(o options, step, dir string, extra ...string) (stepResult, error) {
	exe, err := os.Executable()
	if err != nil {
		return stepResult{}, err
	}
	args := append([]string{"-child", step, "-dir", dir, "-db", o.db, "-database", o.database, "-batch", strconv.Itoa(o.batch)}, extra...)
	cmd := exec.Command(exe, args...)
	cmd.Stderr = os.Stderr
	start := time.Now()
	out, err := cmd.Output()
	var res stepResult
	res.Wall = time.Since(start)
	if err != nil {
		return res, fmt.Errorf("step %s on %s: %w", step, dir, err)
	}
	if err := json.Unmarshal(out, &res.childResult); err != nil {
		return res, fmt.Errorf("step %s: %w (output %q)", step, err, out)
	}
	res.MaxRSSKB = res.PeakRSSKB
	res.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && res.MaxRSSKB == 0 {
		res.MaxRSSKB = ru.Maxrss // kilobytes on Linux; an upper bound (see PeakRSSKB)
	}
	return res, nil
}

func openStore(ctx context.Context, o options) (*queries.Store, error) {
	cfg := neo4jtest.ConfigFromEnv()
	qc := queries.Config{URI: o.db, Database: o.database}
	if cfg.Password != "" {
		qc.Username, qc.Password = cfg.Username, cfg.Password
	}
	return queries.Open(ctx, qc)
}

func runChild(o options) error {
	ctx := context.Background()
	var res childResult
	switch o.child {
	case "parse":
		s := &ingestbench.CountingSink{}
		if err := ingestbench.ParseCSV(ctx, o.dir, s); err != nil {
			return err
		}
		res.Read = s.Read.Load()
	case "parseformat":
		if o.format < 0 || o.format >= len(ingestbench.Formats) {
			return fmt.Errorf("-format %d: want 0..%d", o.format, len(ingestbench.Formats)-1)
		}
		s := &ingestbench.CountingSink{}
		if err := ingestbench.Formats[o.format].Parse(ctx, o.dir, s); err != nil {
			return err
		}
		res.Read = s.Read.Load()
	case "ingest":
		st, err := openStore(ctx, o)
		if err != nil {
			return err
		}
		defer st.Close(ctx)
		r, err := ingestbench.IngestCSV(ctx, st, o.dir, o.batch)
		if err != nil {
			return err
		}
		res.Ingest, res.Read = r, int64(r.Stats.Read)
	case "reset":
		driver, err := driverFor(ctx, o)
		if err != nil {
			return err
		}
		defer driver.Close(ctx)
		if err := resetAndInit(ctx, o, driver); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown -child %q", o.child)
	}
	res.PeakRSSKB = peakRSSKB()
	return json.NewEncoder(os.Stdout).Encode(res)
}

func driverFor(ctx context.Context, o options) (neo4j.DriverWithContext, error) {
	cfg := neo4jtest.ConfigFromEnv()
	cfg.URI = o.db
	d, err := neo4j.NewDriverWithContext(o.db, cfg.Auth())
	if err != nil {
		return nil, err
	}
	if err := d.VerifyConnectivity(ctx); err != nil {
		d.Close(ctx)
		return nil, fmt.Errorf("%s: %w", o.db, err)
	}
	return d, nil
}

// resetAndInit empties the database and creates ubo's schema (the entity
// id uniqueness constraint and relationship id indexes both loads use).
func resetAndInit(ctx context.Context, o options, driver neo4j.DriverWithContext) error {
	if err := neo4jtest.DeleteAll(ctx, driver, o.database); err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	st, err := openStore(ctx, o)
	if err != nil {
		return err
	}
	defer st.Close(ctx)
	return st.Init(ctx)
}

func status(ctx context.Context, o options) (store.Status, error) {
	st, err := openStore(ctx, o)
	if err != nil {
		return store.Status{}, err
	}
	defer st.Close(ctx)
	return st.Status(ctx)
}

func neo4jTables(ctx context.Context, o options, dir string) error {
	driver, err := driverFor(ctx, o)
	if err != nil {
		return err
	}
	defer driver.Close(ctx)

	sizes := []int{}
	for _, f := range strings.Split(o.rssSizes, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(strings.ReplaceAll(f, "_", ""))
		if err != nil || n <= 0 {
			return fmt.Errorf("--rss-sizes: %q is not a positive number", f)
		}
		sizes = append(sizes, n)
	}
	sizes = append(sizes, o.records)

	type sizeRow struct {
		rows          int
		mb            float64
		parse, ingest stepResult
	}
	var rssRows []sizeRow
	var rounds []loadRow
	for i, n := range sizes {
		d := filepath.Join(dir, fmt.Sprintf("csv-%d", n))
		logf("generate generic CSV, ~%d rows", n)
		e, r, _, err := ingestbench.GenerateCSV(d, n)
		if err != nil {
			return err
		}
		mb := float64(fileSize(e)+fileSize(r)) / 1e6
		logf("parse only (child process), %s", d)
		parse, err := runStep(o, "parse", d)
		if err != nil {
			return err
		}
		if i < len(sizes)-1 {
			row, err := uboLoad(ctx, o, driver, d)
			if err != nil {
				return err
			}
			rssRows = append(rssRows, sizeRow{int(parse.Read), mb, parse, row.step})
			continue
		}
		// The main size: ubo and LOAD CSV side by side, alternating which
		// goes first each round, on the same server.
		for round := 1; round <= max(o.repeat, 1); round++ {
			order := []string{"ubo", "load"}
			if round%2 == 0 || o.skipLoad {
				order = []string{"load", "ubo"}
			}
			for _, which := range order {
				var row loadRow
				switch {
				case which == "ubo":
					row, err = uboLoad(ctx, o, driver, d)
				case !o.skipLoad:
					row, err = loadCSV(ctx, o, driver, d)
				default:
					continue
				}
				if err != nil {
					return err
				}
				row.round = round
				rounds = append(rounds, row)
				if which == "ubo" && round == 1 {
					rssRows = append(rssRows, sizeRow{int(parse.Read), mb, parse, row.step})
				}
			}
		}
		fmt.Printf("\nGeneric CSV (gen, seed 1) into Neo4j %s: %d rows, %.1f MB; empty database and ubo schema before each load\n\n", o.db, parse.Read, mb)
	}

	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 1, ' ', tabwriter.AlignRight|tabwriter.Debug)
	fmt.Fprintln(tw, "loader\tround\tparse+batch s\tentities s\trelationships s\tresolve s\ttotal s\trows/s\tNeo4j CPU s\tclient CPU s\tstored entities\tstored relationships\t")
	for _, r := range rounds {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%.1f\t%.1f\t%s\t%.1f\t%.0f\t%s\t%s\t%d\t%d\t\n", r.name, r.round, r.parse, r.entities, r.rels, r.resolve,
			r.total, r.rows/r.total, cpuCell(r.serverCPU), cpuCell(r.clientCPU), sum(r.status.Entities), sum(r.status.Relationships))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if o.neo4jPID == 0 {
		fmt.Println("(Neo4j CPU not measured: pass --neo4j-pid)")
	}

	fmt.Printf("\nPeak RSS (VmHWM of a child process per step)\n\n")
	tw = tabwriter.NewWriter(os.Stdout, 0, 0, 1, ' ', tabwriter.AlignRight|tabwriter.Debug)
	fmt.Fprintln(tw, "rows\tinput MB\tcsv parse only: MB RSS\tubo ingest into Neo4j: MB RSS\tingest s (write+resolve)\t")
	for _, r := range rssRows {
		fmt.Fprintf(tw, "%d\t%.1f\t%.0f\t%.0f\t%.1f\t\n", r.rows, r.mb, float64(r.parse.MaxRSSKB)/1024, float64(r.ingest.MaxRSSKB)/1024,
			r.ingest.Ingest.Write.Seconds()+r.ingest.Ingest.Resolve.Seconds())
	}
	return tw.Flush()
}

// loadRow is one load of the main input into Neo4j.
type loadRow struct {
	name                        string
	round                       int
	parse, resolve              string // "—" where the loader has no such stage
	entities, rels, total, rows float64
	serverCPU, clientCPU        time.Duration // -1: not measured
	status                      store.Status
	step                        stepResult
}

func cpuCell(d time.Duration) string {
	if d < 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f", d.Seconds())
}

// uboLoad empties the database and runs the ubo ingest in a child process.
func uboLoad(ctx context.Context, o options, driver neo4j.DriverWithContext, dir string) (loadRow, error) {
	logf("reset Neo4j, ubo ingest csv (child process), %s", dir)
	if err := resetAndInit(ctx, o, driver); err != nil {
		return loadRow{}, err
	}
	cpu0 := serverCPU(o.neo4jPID)
	step, err := runStep(o, "ingest", dir)
	if err != nil {
		return loadRow{}, err
	}
	in := step.Ingest
	row := loadRow{
		name:      fmt.Sprintf("ubo ingest csv (batch %d)", batchOr(o.batch)),
		parse:     fmt.Sprintf("%.1f", (in.Write - in.StoreEntities - in.StoreRelationships - in.StoreLookups).Seconds()),
		resolve:   fmt.Sprintf("%.1f", in.Resolve.Seconds()),
		entities:  in.StoreEntities.Seconds(),
		rels:      in.StoreRelationships.Seconds(),
		total:     (in.Write + in.Resolve).Seconds(),
		rows:      float64(step.Read),
		serverCPU: cpuSince(o.neo4jPID, cpu0),
		clientCPU: step.CPU,
		step:      step,
	}
	logf("ubo: %d rows in %.1fs write + %.1fs resolve", step.Read, in.Write.Seconds(), in.Resolve.Seconds())
	row.status, err = status(ctx, o)
	return row, err
}

// loadCSV empties the database and runs the LOAD CSV baseline on dir's files.
func loadCSV(ctx context.Context, o options, driver neo4j.DriverWithContext, dir string) (loadRow, error) {
	logf("reset Neo4j, LOAD CSV of the same files")
	if err := resetAndInit(ctx, o, driver); err != nil {
		return loadRow{}, err
	}
	url, stop, err := ingestbench.ServeDir(dir)
	if err != nil {
		return loadRow{}, err
	}
	defer stop()
	cpu0 := serverCPU(o.neo4jPID)
	load, err := ingestbench.LoadCSV(ctx, driver, o.database, url)
	if err != nil {
		return loadRow{}, err
	}
	row := loadRow{
		name: "LOAD CSV, IN TRANSACTIONS OF 10000 ROWS", parse: "—", resolve: "—",
		entities: load.Entities.Seconds(), rels: load.Relationships.Seconds(),
		total:     (load.Entities + load.Relationships).Seconds(),
		serverCPU: cpuSince(o.neo4jPID, cpu0), clientCPU: -1,
	}
	logf("LOAD CSV: %.1fs entities + %.1fs relationships", row.entities, row.rels)
	row.status, err = status(ctx, o)
	for _, n := range row.status.Entities {
		row.rows += float64(n)
	}
	for _, n := range row.status.Relationships {
		row.rows += float64(n)
	}
	return row, err
}

// serverCPU is the CPU time (user + system) process pid has used, read
// from /proc/PID/stat; -1 when pid is 0 or unreadable.
func serverCPU(pid int) time.Duration {
	if pid == 0 {
		return -1
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return -1
	}
	// Fields after the command name "(...)": state is field 3; utime and
	// stime are fields 14 and 15, in clock ticks (USER_HZ, 100 on Linux).
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return -1
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	return time.Duration(ut+st) * 10 * time.Millisecond
}

func cpuSince(pid int, before time.Duration) time.Duration {
	now := serverCPU(pid)
	if now < 0 || before < 0 {
		return -1
	}
	return now - before
}

// peakRSSKB is this process's peak resident set (VmHWM in
// /proc/self/status), in KiB; 0 where there is no /proc.
func peakRSSKB() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

func batchOr(n int) int {
	if n <= 0 {
		return ingest.DefaultBatchSize
	}
	return n
}

func sum(m map[string]int) int {
	t := 0
	for _, v := range m {
		t += v
	}
	return t
}

func fileSize(p string) int64 {
	fi, err := os.Stat(p)
	if err != nil {
		return 0
	}
	return fi.Size()
}
