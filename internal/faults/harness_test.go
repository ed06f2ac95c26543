//go:build faults && linux

package faults

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/ubo-project/ubo/internal/faultpoint"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/queries"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/embedded"
)

// registryEntities is the size of the generated registry: small, so that
// the Neo4j scenarios stay within minutes on 2 cores; the batches are
// shrunk (batchSizes) so that it still takes several of each.
const registryEntities = 3000

// dupCompanies is how many companies the second input repeats under other
// ids with the same identifiers: resolution merges them in 3 batches.
const dupCompanies = 500

// batchSizes shrink the batches of a faults build (faultpoint.Size):
// ingest 5,000 records → 1,000, resolution 1,000 merges → 200, results
// 5,000 → 1,000, Neo4j's publish 10,000 rows → 200 (the thousand-odd
// verdicts that change between the two policies).
var batchSizes = map[string]int{faultpoint.IngestBatch: 1000, faultpoint.ResolveBatch: 200,
	faultpoint.ResultsBatch: 1000, faultpoint.PublishBatch: 200}

// The two runs: A is the previous complete run, B the next one. They differ
// in thousands of verdicts, so publishing one over the other writes much.
var (
	scoreA = []string{"score", "--policy", "ofac-50", "--as-of", "1990-01-01"}
	scoreB = []string{"score", "--policy", "default", "--as-of", "2026-01-01"}
)

var (
	bin     string // the ubo binary built with -tags faults
	workDir string
	inputs  struct{ entities, relationships, dups string }
)

func TestMain(m *testing.M) {
	code, err := setup(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "faults:", err)
		code = 1
	}
	if workDir != "" {
		os.RemoveAll(workDir)
	}
	os.Exit(code)
}

func setup(m *testing.M) (int, error) {
	var err error
	if workDir, err = os.MkdirTemp("", "ubo-faults-"); err != nil {
		return 1, err
	}
	root, err := moduleRoot()
	if err != nil {
		return 1, err
	}
	bin = filepath.Join(workDir, "ubo")
	build := exec.Command("go", "build", "-tags", "faults", "-o", bin, "./cmd/ubo")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return 1, fmt.Errorf("go build -tags faults ./cmd/ubo: %v\n%s", err, out)
	}
	reg := filepath.Join(workDir, "registry")
	if out, err := exec.Command(bin, "gen", "--entities", strconv.Itoa(registryEntities), "--out", reg).CombinedOutput(); err != nil {
		return 1, fmt.Errorf("ubo gen: %v\n%s", err, out)
	}
	inputs.entities = filepath.Join(reg, "entities.csv")
	inputs.relationships = filepath.Join(reg, "relationships.csv")
	inputs.dups = filepath.Join(reg, "duplicates.csv")
	if err := writeDuplicates(inputs.entities, inputs.dups, dupCompanies); err != nil {
		return 1, err
	}
	return m.Run(), nil
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("not inside the ubo module")
	}
	return filepath.Dir(mod), nil
}

// writeDuplicates writes, for the first n companies of the generated
// entities file that carry identifiers, a company of another id ("dup-"
// + id) and name with the same identifiers: what a second source says of
// them, which resolution merges into the generated ones.
func writeDuplicates(entities, out string, n int) error {
	f, err := os.Open(entities)
	if err != nil {
		return err
	}
	defer f.Close()
	var b bytes.Buffer
	b.WriteString("id,name,kind,jurisdiction,identifiers\n")
	sc := bufio.NewScanner(f)
	sc.Scan() // header: id,name,kind,jurisdiction,hq_country,nationality,residence,state_owned,lists,identifiers,aliases
	written := 0
	for sc.Scan() && written < n {
		cols := strings.Split(sc.Text(), ",")
		if len(cols) != 11 || cols[2] != "company" || cols[9] == "" {
			continue // quoted names hold commas: skipped, there are enough others
		}
		fmt.Fprintf(&b, "dup-%s,%s (branch register),company,%s,%s\n", cols[0], cols[1], cols[3], cols[9])
		written++
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if written < n {
		return fmt.Errorf("%s: only %d companies with identifiers, want %d", entities, written, n)
	}
	return os.WriteFile(out, b.Bytes(), 0o644)
}

// result is how a ubo process ended.
type result struct {
	code           int
	stdout, stderr string
	took           time.Duration
}

// sizeEnv is the environment that applies batchSizes.
func sizeEnv() []string {
	var env []string
	for name, n := range batchSizes {
		env = append(env, fmt.Sprintf("UBO_FAULT_SIZE_%s=%d", strings.ToUpper(strings.ReplaceAll(name, ".", "_")), n))
	}
	return env
}

// ubo runs the binary on db to the end.
func ubo(t *testing.T, db string, env []string, args ...string) result {
	t.Helper()
	p := start(t, db, env, args...)
	return p.wait(t, 3*time.Minute)
}

// mustUbo is ubo that fails the test unless the process exits 0.
func mustUbo(t *testing.T, db string, args ...string) result {
	t.Helper()
	r := ubo(t, db, nil, args...)
	if r.code != 0 {
		t.Fatalf("ubo %s: exit %d\nstderr: %s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r
}

// proc is a running ubo process.
type proc struct {
	cmd            *exec.Cmd
	args           string
	stdout, stderr bytes.Buffer
	done           chan struct{}
	started        time.Time
}

func start(t *testing.T, db string, env []string, args ...string) *proc {
	t.Helper()
	all := append([]string{"--db", db}, args...)
	p := &proc{cmd: exec.Command(bin, all...), args: strings.Join(args, " "), done: make(chan struct{}), started: time.Now()}
	p.cmd.Dir = t.TempDir() // rejects files, if any, land there
	// Reruns and reference runs use the same batch sizes as the runs
	// they are compared with.
	p.cmd.Env = append(append(os.Environ(), sizeEnv()...), env...)
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start ubo %s: %v", p.args, err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

func (p *proc) wait(t *testing.T, limit time.Duration) result {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(limit):
		_ = p.cmd.Process.Kill()
		<-p.done
		t.Fatalf("ubo %s: still running after %s; killed", p.args, limit)
	}
	return result{code: p.cmd.ProcessState.ExitCode(), stdout: p.stdout.String(), stderr: p.stderr.String(), took: time.Since(p.started)}
}

// stopAt starts ubo with its fault point set and waits until the process
// has stopped itself there (state T in /proc).
func stopAt(t *testing.T, db, point string, hit int, args ...string) *proc {
	t.Helper()
	p := start(t, db, []string{fmt.Sprintf("%s=%s:%d", faultpoint.Env, point, hit)}, args...)
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			t.Fatalf("ubo %s ended (exit %d) before reaching %s:%d\nstderr: %s", p.args, p.cmd.ProcessState.ExitCode(), point, hit, p.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if processState(p.cmd.Process.Pid) == 'T' {
			t.Logf("ubo %s stopped at %s:%d after %s", p.args, point, hit, time.Since(p.started).Round(time.Millisecond))
			return p
		}
	}
	t.Fatalf("ubo %s did not reach %s:%d within 3 minutes", p.args, point, hit)
	return nil
}

// kill sends SIGKILL (kill -9) to the stopped process and reaps it.
func (p *proc) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill -9 ubo: %v", err)
	}
	<-p.done
	if ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("ubo %s was not killed by SIGKILL: %v", p.args, p.cmd.ProcessState)
	}
}

// resume continues the stopped process (SIGCONT).
func (p *proc) resume(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatalf("SIGCONT ubo: %v", err)
	}
}

// processState is the state letter of /proc/PID/stat (R, S, T, Z...).
func processState(pid int) byte {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// pid (comm) state ...: comm may hold spaces, so read after the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 >= len(b) {
		return 0
	}
	return b[i+2]
}

// runIDs strips the run id from exported rows: equal exports of different
// runs differ only there.
var runIDs = regexp.MustCompile(`"run_id":"[^"]*"`)

// exported is `ubo export --all` of the latest complete run without run ids.
func exported(t *testing.T, db string) string {
	t.Helper()
	r := mustUbo(t, db, "export", "--all")
	return runIDs.ReplaceAllString(r.stdout, `"run_id":""`)
}

// openStore opens db in this process (no ubo process may be writing it).
func openStore(t *testing.T, db string) store.Store {
	t.Helper()
	ctx := context.Background()
	var st store.Store
	var err error
	if strings.HasPrefix(db, "bolt://") {
		st, err = queries.Open(ctx, queries.Config{URI: db})
	} else {
		st, err = embedded.Open(db)
	}
	if err != nil {
		t.Fatalf("open %s: %v", db, err)
	}
	t.Cleanup(func() { st.Close(context.Background()) })
	return st
}

// graph is every entity and relationship of the store as JSON lines, in id
// order, and fails the test on a repeated id.
func graph(t *testing.T, db string) string {
	t.Helper()
	st := openStore(t, db)
	ctx := context.Background()
	var b strings.Builder
	seen := map[string]bool{}
	enc := func(kind, id string, v any) error {
		if seen[kind+id] {
			return fmt.Errorf("%s %s is in the store twice", kind, id)
		}
		seen[kind+id] = true
		j, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b.Write(j)
		b.WriteByte('\n')
		return nil
	}
	if err := st.EachEntity(ctx, func(e *model.Entity) error { return enc("entity", e.ID, e) }); err != nil {
		t.Fatalf("entities of %s: %v", db, err)
	}
	if err := st.EachRelationship(ctx, func(r *model.Relationship) error { return enc("relationship", r.ID, r) }); err != nil {
		t.Fatalf("relationships of %s: %v", db, err)
	}
	return b.String()
}

// sameText fails the test when got differs from want, naming the first
// differing line.
func sameText(t *testing.T, what, got, want string) {
	t.Helper()
	if got == want {
		return
	}
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			t.Fatalf("%s differs from the undisturbed run (%d lines, want %d) at line %d:\n got: %.400s\nwant: %.400s", what, len(g), len(w), i+1, gl, wl)
		}
	}
}

// runs lists the store's runs (newest first) through `ubo runs --json`.
func runs(t *testing.T, db string) []model.Run {
	t.Helper()
	r := mustUbo(t, db, "runs", "--json", "--limit", "0")
	var out []model.Run
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("ubo runs --json: %v: %s", err, r.stdout)
	}
	return out
}

// latestComplete is the newest complete run's id ("" when none).
func latestComplete(rs []model.Run) string {
	for _, r := range rs {
		if r.Status == model.RunComplete {
			return r.ID
		}
	}
	return ""
}

// checkInterrupted checks that the run list has one run more than before,
// that it is not complete, and that the latest complete run is still
// before's.
func checkInterrupted(t *testing.T, db string, before []model.Run) {
	t.Helper()
	after := runs(t, db)
	if len(after) != len(before)+1 {
		t.Fatalf("%d runs after the interrupted one, want %d", len(after), len(before)+1)
	}
	if after[0].Status == model.RunComplete {
		var list []string
		for _, r := range after {
			list = append(list, fmt.Sprintf("%s %s started %s", r.ID, r.Status, r.Started.Format(time.RFC3339Nano)))
		}
		t.Fatalf("the interrupted run %s is complete; runs:\n%s", after[0].ID, strings.Join(list, "\n"))
	}
	if got, want := latestComplete(after), latestComplete(before); got != want {
		t.Fatalf("latest complete run is %s, want %s (the one before the interruption)", got, want)
	}
}

// counts is `db status --json`'s entities and relationships.
func counts(t *testing.T, db string) (entities, relationships int) {
	t.Helper()
	r := mustUbo(t, db, "db", "status", "--json")
	var s store.Status
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatalf("db status --json: %v: %s", err, r.stdout)
	}
	for _, n := range s.Entities {
		entities += n
	}
	for _, n := range s.Relationships {
		relationships += n
	}
	return entities, relationships
}

// checkPublished checks, on Neo4j, that every entity carries the verdict,
// indeterminate flag, Chinese share and :Flagged label of its result in the
// latest complete run, and that this run is the current one.
func checkPublished(t *testing.T, db string) {
	t.Helper()
	ctx := context.Background()
	st := openStore(t, db)
	rs, err := st.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cur := latestComplete(rs)
	want := map[string]model.Result{}
	if err := st.EachResult(ctx, cur, func(r *model.Result) error { want[r.EntityID] = *r; return nil }); err != nil {
		t.Fatal(err)
	}
	drv := st.(*queries.Store).Driver()
	res, err := neo4j.ExecuteQuery(ctx, drv, `
		OPTIONAL MATCH (s:UboState {id: 'current'})
		WITH s.run_id AS current, s.publishing AS publishing
		MATCH (e:Entity)
		RETURN current, publishing, e.id, e.verdict, e.indeterminate, e.chinese_share_min, e.chinese_share_max, e:Flagged`,
		nil, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != len(want) {
		t.Fatalf("%d entities, %d results in run %s", len(res.Records), len(want), cur)
	}
	wrong := 0
	for _, rec := range res.Records {
		v := rec.Values
		if v[0] != cur || v[1] != nil {
			t.Fatalf("UboState: current run %v, publishing %v; want %s and none", v[0], v[1], cur)
		}
		r, ok := want[v[2].(string)]
		if !ok || v[3] != string(r.Verdict) || v[4] != r.Indeterminate || v[5] != r.ChineseShare.Min ||
			v[6] != r.ChineseShare.Max || v[7] != r.Flagged {
			if wrong++; wrong <= 3 {
				t.Errorf("entity %v publishes %v; its result in run %s: %s %v %v %v flagged %v",
					v[2], v[3:], cur, r.Verdict, r.Indeterminate, r.ChineseShare.Min, r.ChineseShare.Max, r.Flagged)
			}
		}
	}
	if wrong > 0 {
		t.Fatalf("%d entities publish values other than the current run's", wrong)
	}
}

// stalePublished counts the entities whose published verdict or flag is
// not their result's in the latest complete run (an interrupted publish
// leaves some).
func stalePublished(t *testing.T, db string) int {
	t.Helper()
	ctx := context.Background()
	st := openStore(t, db)
	rs, err := st.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]model.Result{}
	if err := st.EachResult(ctx, latestComplete(rs), func(r *model.Result) error { want[r.EntityID] = *r; return nil }); err != nil {
		t.Fatal(err)
	}
	res, err := neo4j.ExecuteQuery(ctx, st.(*queries.Store).Driver(),
		`MATCH (e:Entity) RETURN e.id, e.verdict, e:Flagged`, nil, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, rec := range res.Records {
		r := want[rec.Values[0].(string)]
		if rec.Values[1] != string(r.Verdict) || rec.Values[2] != r.Flagged {
			n++
		}
	}
	return n
}
