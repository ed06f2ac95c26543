//go:build faults && linux

package faults

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ubo-project/ubo/internal/faultpoint"
)

// The undisturbed run every interrupted one is compared with: the two
// ingests, then runs A and B, on a fresh embedded store. The stores give
// the same graph and exports (store/storetest, ingest/crossstore), so it
// is the reference for Neo4j too.
var (
	refOnce sync.Once
	ref     struct {
		graph, a, b           string
		entities, relationshp int
		err                   string
	}
)

// figures are the kill points tried and the time each took to recover,
// printed at the end (issue 18's closing note wants them).
var (
	figMu   sync.Mutex
	figures []string
)

func figure(format string, a ...any) {
	figMu.Lock()
	defer figMu.Unlock()
	figures = append(figures, fmt.Sprintf(format, a...))
}

func ingestMain() []string {
	return []string{"ingest", "csv", "--entities", inputs.entities, "--relationships", inputs.relationships}
}

func ingestDups() []string { return []string{"ingest", "csv", "--entities", inputs.dups} }

func reference(t *testing.T) {
	t.Helper()
	refOnce.Do(func() {
		db := filepath.Join(workDir, "reference.db")
		mustUbo(t, db, ingestMain()...)
		mustUbo(t, db, ingestDups()...)
		ref.graph = graph(t, db)
		ref.entities, ref.relationshp = counts(t, db)
		mustUbo(t, db, scoreA...)
		ref.a = exported(t, db)
		mustUbo(t, db, scoreB...)
		ref.b = exported(t, db)
		if ref.a == ref.b {
			ref.err = "runs A and B export the same results: the publish scenarios would prove nothing"
		}
	})
	if ref.graph == "" || ref.err != "" {
		t.Fatalf("no reference run: %s", ref.err)
	}
}

func TestEmbeddedKilled(t *testing.T) {
	reference(t)
	crashCycle(t, filepath.Join(t.TempDir(), "ubo.db"), nil)
}

func TestNeo4jKilledAndRestarted(t *testing.T) {
	srv := neo4jServer(t)
	reference(t)
	mustUbo(t, srv.uri, "db", "reset", "--force")
	crashCycle(t, srv.uri, srv)
}

// crashCycle takes one store through every fault, in the order a nightly
// job meets them: ingest, resolution, scoring, publish. srv is the Neo4j
// server to kill as well (nil: the embedded store).
func crashCycle(t *testing.T, db string, srv *server) {
	backend := "embedded"
	if srv != nil {
		backend = "neo4j"
	}
	// The reruns after a kill pass no --wait: a killed holder's lock frees
	// itself at once (embedded: the file lock dies with its process; Neo4j:
	// the lock node names this host and a pid that is gone).
	steps := []struct {
		name   string
		server bool // a Neo4j server fault: only with srv
		fn     func(t *testing.T)
	}{
		{"server killed during ingest stays down", true, func(t *testing.T) {
			p := stopAt(t, db, faultpoint.IngestBatch, 4, ingestMain()...)
			srv.kill9(t)
			p.resume(t)
			r := p.wait(t, 3*time.Minute)
			if r.code != 3 || !strings.Contains(r.stderr, "store unreachable") {
				t.Fatalf("ingest with the server gone: exit %d, want 3 and \"store unreachable\"\nstderr: %s", r.code, r.stderr)
			}
			if n := strings.Count(r.stderr, "store unreachable"); n != 1 {
				t.Errorf("the error is said %d times, want once:\n%s", n, r.stderr)
			}
			t.Logf("ingest with the server gone: exit 3 after %s: %s", r.took.Round(time.Second), lastLine(r.stderr))
			status := ubo(t, db, nil, "db", "status")
			if status.code != 3 || !strings.Contains(status.stderr, "store unreachable") {
				t.Fatalf("db status with the server down: exit %d, want 3\nstderr: %s", status.code, status.stderr)
			}
			t.Logf("db status with the server down: exit 3: %s", lastLine(status.stderr))
			took := srv.start(t)
			e, rel := counts(t, db)
			if e+rel == 0 || e+rel >= ref.entities+ref.relationshp {
				t.Fatalf("after the crash the store holds %d entities and %d relationships; want a part of the input", e, rel)
			}
			figure("%-8s Neo4j kill -9 during ingest (after batch 4), server kept down: ubo exit 3 after %s; restart and recovery %s",
				backend, r.took.Round(time.Second), took.Round(time.Second))
		}},
		{"ubo killed during ingest", false, func(t *testing.T) {
			// Batches 1-3 are the entities, 4 on the relationships.
			p := stopAt(t, db, faultpoint.IngestBatch, 5, ingestMain()...)
			p.kill(t)
			e, rel := counts(t, db)
			r := mustUbo(t, db, ingestMain()...)
			figure("%-8s ubo kill -9 during ingest (after batch 5; store kept %d entities, %d relationships): rerun %s",
				backend, e, rel, r.took.Round(10*time.Millisecond))
		}},
		{"ubo killed during resolution", false, func(t *testing.T) {
			p := stopAt(t, db, faultpoint.ResolveBatch, 1, ingestDups()...)
			p.kill(t)
			r := mustUbo(t, db, ingestDups()...)
			if left := fmt.Sprintf("resolved %d merge(s)", dupCompanies-batchSizes[faultpoint.ResolveBatch]); !strings.Contains(r.stderr, left) {
				t.Errorf("the rerun after a killed resolution did not say %q: %s", left, r.stderr)
			}
			sameText(t, "the graph", graph(t, db), ref.graph)
			if e, rel := counts(t, db); e != ref.entities || rel != ref.relationshp {
				t.Fatalf("%d entities, %d relationships; the undisturbed run has %d, %d", e, rel, ref.entities, ref.relationshp)
			}
			figure("%-8s ubo kill -9 during resolution (after merge batch 1 of 3): rerun %s; graph equal to the undisturbed run's",
				backend, r.took.Round(10*time.Millisecond))
		}},
		{"run A", false, func(t *testing.T) {
			mustUbo(t, db, scoreA...)
			sameText(t, "run A's export", exported(t, db), ref.a)
			if srv != nil {
				checkPublished(t, db)
			}
		}},
		{"ubo killed during scoring", false, func(t *testing.T) {
			before := runs(t, db)
			p := stopAt(t, db, faultpoint.ResultsBatch, 1, scoreB...)
			sameText(t, "the previous run's export during the run", exported(t, db), ref.a)
			p.kill(t)
			checkInterrupted(t, db, before)
			sameText(t, "the previous run's export after the kill", exported(t, db), ref.a)
			if srv != nil {
				checkPublished(t, db)
			}
			r := mustUbo(t, db, scoreB...)
			sameText(t, "the rerun's export", exported(t, db), ref.b)
			if srv != nil {
				checkPublished(t, db)
			}
			figure("%-8s ubo kill -9 during scoring (after results batch 1): previous run current and readable; rerun %s",
				backend, r.took.Round(10*time.Millisecond))
		}},
		{"ubo killed during publish", false, func(t *testing.T) {
			before := runs(t, db)
			point := faultpoint.PublishCommit
			if srv != nil {
				point = faultpoint.PublishBatch
			}
			p := stopAt(t, db, point, 1, scoreA...)
			sameText(t, "the previous run's export during the publish", exported(t, db), ref.b)
			mixed := ""
			if srv != nil {
				mixed = fmt.Sprintf("; %d entities carried the new run's verdicts when killed", stalePublished(t, db))
			}
			p.kill(t)
			checkInterrupted(t, db, before)
			sameText(t, "the previous run's export after the kill", exported(t, db), ref.b)
			r := mustUbo(t, db, scoreA...)
			sameText(t, "the rerun's export", exported(t, db), ref.a)
			if srv != nil {
				checkPublished(t, db)
			}
			figure("%-8s ubo kill -9 during publish (%s:1%s): previous run current and readable; rerun %s",
				backend, point, mixed, r.took.Round(10*time.Millisecond))
		}},
		{"server killed and restarted during publish", true, func(t *testing.T) {
			before := runs(t, db)
			p := stopAt(t, db, faultpoint.PublishBatch, 1, scoreB...)
			srv.kill9(t)
			took := srv.start(t)
			sameText(t, "the previous run's export after the restart", exported(t, db), ref.a)
			p.resume(t)
			r := p.wait(t, 3*time.Minute)
			outcome := "the run went on and completed (the driver retried on the restarted server)"
			switch r.code {
			case 0:
			case 3:
				if !strings.Contains(r.stderr, "store unreachable") {
					t.Fatalf("exit 3 without \"store unreachable\": %s", r.stderr)
				}
				checkInterrupted(t, db, before)
				sameText(t, "the previous run's export after the failed publish", exported(t, db), ref.a)
				rerun := mustUbo(t, db, scoreB...)
				outcome = fmt.Sprintf("the run failed with exit 3 (%s); rerun %s", lastLine(r.stderr), rerun.took.Round(10*time.Millisecond))
			default:
				t.Fatalf("score after the restart: exit %d, want 0 or 3\nstderr: %s", r.code, r.stderr)
			}
			sameText(t, "the export after the restart", exported(t, db), ref.b)
			checkPublished(t, db)
			figure("%-8s Neo4j kill -9 and restart during publish (publish.batch:1): restart and recovery %s; %s",
				backend, took.Round(time.Second), outcome)
		}},
	}
	for _, s := range steps {
		if s.server && srv == nil {
			continue
		}
		if !t.Run(s.name, s.fn) {
			t.Fatalf("%s failed: the later steps build on it", s.name)
		}
	}
	sameText(t, "the final graph", graph(t, db), ref.graph)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func TestZFigures(t *testing.T) {
	figMu.Lock()
	defer figMu.Unlock()
	for _, f := range figures {
		fmt.Fprintln(os.Stderr, "FAULT", f)
	}
}
