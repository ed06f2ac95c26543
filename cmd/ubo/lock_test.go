package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ubo-project/ubo/match"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
	"github.com/ubo-project/ubo/queries"
	"github.com/ubo-project/ubo/scoring"
	"github.com/ubo-project/ubo/screen"
	"github.com/ubo-project/ubo/server"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/embedded"
)

// openTestStore opens db (a bothStores --db value) the way another process
// would: a store handle of its own.
func openTestStore(t *testing.T, db string) store.Store {
	t.Helper()
	ctx := context.Background()
	var (
		st  store.Store
		err error
	)
	if isNeo4jURI(db) {
		st, err = queries.Open(ctx, queries.Config{URI: db, Username: os.Getenv("NEO4J_USERNAME"),
			Password: os.Getenv("NEO4J_PASSWORD"), Database: os.Getenv("NEO4J_DATABASE")})
	} else {
		st, err = embedded.Open(db)
	}
	if err != nil {
		t.Fatalf("open %s: %v", db, err)
	}
	t.Cleanup(func() { st.Close(ctx) })
	return st
}

// TestIngestTakesTheStoreLock: an ingest while another process holds the
// store's lock (here a score) exits 3 naming the holder and writes
// nothing; with --wait it waits for the holder to let go, then ingests.
func TestIngestTakesTheStoreLock(t *testing.T) {
	dir := t.TempDir()
	entities := filepath.Join(dir, "entities.csv")
	if err := os.WriteFile(entities, []byte("id,name,kind\nc1,Lock Test Limited,company\nc2,Other Test Limited,company\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, s := range bothStores {
		t.Run(s.name, func(t *testing.T) {
			db := s.db(t)
			t.Chdir(t.TempDir())
			st := openTestStore(t, db)
			ctx := context.Background()
			if err := st.Init(ctx); err != nil {
				t.Fatal(err)
			}
			_, unlock, err := st.LockRuns(ctx, store.NewLockHolder("ubo score --policy ofac-50"))
			if err != nil {
				t.Fatal(err)
			}
			checkLockedRefusals(t, func(wait ...string) (int, string, string) {
				return runUbo(t, append(append([]string{"--db", db, "ingest", "csv"}, wait...), "--entities", entities)...)
			}, "ingest csv")
			if n := countEntities(t, st); n != 0 {
				t.Fatalf("a refused ingest wrote %d entities", n)
			}

			released := make(chan time.Time, 1)
			go func() {
				time.Sleep(time.Second)
				unlock()
				released <- time.Now()
			}()
			code, _, stderr := runUbo(t, "--db", db, "ingest", "csv", "--wait", "2m", "--entities", entities)
			done := time.Now()
			if code != 0 {
				t.Fatalf("ingest --wait: exit %d: %s", code, stderr)
			}
			if at := <-released; done.Before(at) {
				t.Errorf("the ingest finished before the lock was released")
			}
			if n := countEntities(t, st); n != 2 {
				t.Errorf("after the wait the store holds %d entities, want 2", n)
			}
			// The ingest let go of the lock.
			_, unlock, err = st.LockRuns(ctx, store.NewLockHolder("after"))
			if err != nil {
				t.Fatalf("lock after the ingest: %v", err)
			}
			unlock()
		})
	}
}

// checkLockedRefusals: while "ubo score --policy ofac-50" holds the
// store's lock, run (given extra flags) exits 3 naming the holder at once,
// and with --wait once the wait is over; its message starts with what.
func checkLockedRefusals(t *testing.T, run func(wait ...string) (int, string, string), what string) {
	t.Helper()
	tests := []struct {
		name string
		wait []string
		want []string
	}{
		{"at once", nil, []string{what + ": ", "ofac-50", "pid", "locked"}},
		{"wait", []string{"--wait", "1500ms"}, []string{what + ": ", "ofac-50", "waited 1.5s"}},
	}
	for _, tc := range tests {
		code, _, stderr := run(tc.wait...)
		if code != exitUnreachable {
			t.Errorf("%s: exit %d, want %d; stderr %q", tc.name, code, exitUnreachable, stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%s: stderr %q lacks %q", tc.name, stderr, w)
			}
		}
	}
}

// loadSmall ingests a dozen companies into db (Kowloon Bay Trading
// Limited is k1) and scores them: a store with a complete run that costs
// little on Neo4j, unlike the demo.
func loadSmall(t *testing.T, db string) {
	t.Helper()
	var csv strings.Builder
	csv.WriteString("id,name,kind,jurisdiction\nk1,Kowloon Bay Trading Limited,company,HK\n")
	for i := range 11 {
		fmt.Fprintf(&csv, "c%d,Other Test %d Limited,company,GB\n", i, i)
	}
	path := filepath.Join(t.TempDir(), "entities.csv")
	if err := os.WriteFile(path, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	ubo := succeedingUbo(t, db)
	ubo("ingest", "csv", "--entities", path)
	ubo("score")
}

func countEntities(t *testing.T, st store.Store) int {
	t.Helper()
	status, err := st.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range status.Entities {
		n += c
	}
	return n
}

// TestKilledRunMarkedInterrupted: a run left running by a process that
// died is marked interrupted, with the time, by the next process that
// takes the store's lock; `ubo runs` shows it and it is never the latest
// complete run.
func TestKilledRunMarkedInterrupted(t *testing.T) {
	for _, s := range bothStores {
		t.Run(s.name, func(t *testing.T) {
			db := s.db(t)
			t.Chdir(t.TempDir())
			loadSmall(t, db)
			st := openTestStore(t, db)
			ctx := context.Background()
			// What a killed `ubo score` leaves: a run begun, never finished.
			killed := model.Run{ID: "20260101T000000Z-killed", Started: time.Now().UTC().Add(-time.Minute),
				Status: model.RunRunning, Policy: "default", AsOf: "2026-01-01"}
			if err := st.BeginRun(ctx, killed); err != nil {
				t.Fatal(err)
			}
			if err := st.WriteResults(ctx, killed.ID, []model.Result{{EntityID: "k1", Verdict: model.VerdictClear}}); err != nil {
				t.Fatal(err)
			}
			before := time.Now()
			code, out, stderr := runUbo(t, "--db", db, "score", "--json")
			if code != 0 {
				t.Fatalf("score: exit %d: %s", code, stderr)
			}
			var run model.Run
			if err := json.Unmarshal([]byte(out), &run); err != nil {
				t.Fatal(err)
			}
			code, out, stderr = runUbo(t, "--db", db, "runs", "--json")
			if code != 0 {
				t.Fatalf("runs: exit %d: %s", code, stderr)
			}
			var runs []model.Run
			if err := json.Unmarshal([]byte(out), &runs); err != nil {
				t.Fatal(err)
			}
			var got *model.Run
			for i := range runs {
				if runs[i].ID == killed.ID {
					got = &runs[i]
				}
			}
			if got == nil || got.Status != model.RunInterrupted || got.Finished.Before(before.Add(-time.Second)) {
				t.Fatalf("the killed run after the next score: %+v, want interrupted, finished now", got)
			}
			if latest, err := scoring.LatestComplete(ctx, st); err != nil || latest == nil || latest.ID != run.ID {
				t.Errorf("latest complete = %+v, %v; want the new run %s", latest, err, run.ID)
			}
			if _, table, _ := runUbo(t, "--db", db, "runs"); !strings.Contains(table, killed.ID+"  interrupted") {
				t.Errorf("ubo runs does not show %s interrupted:\n%s", killed.ID, table)
			}
			// Its partial results are deleted like a failed run's.
			if _, err := st.PruneRuns(ctx, store.DefaultKeepRuns); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Result(ctx, killed.ID, "k1"); err == nil {
				t.Errorf("the interrupted run's results were kept")
			}
		})
	}
}

// pauseAfterFirstBatch is a store whose first WriteResults, once written,
// holds the run until release is closed: a score caught in the middle of
// writing its results.
type pauseAfterFirstBatch struct {
	store.Store
	once    sync.Once
	reached chan struct{}
	release chan struct{}
}

func (p *pauseAfterFirstBatch) WriteResults(ctx context.Context, runID string, batch []model.Result) error {
	err := p.Store.WriteResults(ctx, runID, batch)
	p.once.Do(func() {
		close(p.reached)
		<-p.release
	})
	return err
}

// TestReadsWhileScoreWrites: while a score run is in the middle of
// writing its results, `ubo serve`'s handlers (search, entity, runs,
// match) and `ubo search`, each through a store handle of its own as
// another process has, keep answering, with the previous run's results.
func TestReadsWhileScoreWrites(t *testing.T) {
	const entity = "k1"
	for _, s := range bothStores {
		t.Run(s.name, func(t *testing.T) {
			db := s.db(t)
			t.Chdir(t.TempDir())
			loadSmall(t, db)
			ctx := context.Background()
			writer := openTestStore(t, db)
			reader := openTestStore(t, db)
			prev, err := scoring.LatestComplete(ctx, reader)
			if err != nil || prev == nil {
				t.Fatalf("no complete demo run: %v", err)
			}
			pol := policy.Default()
			th := match.Thresholds{Match: pol.Screening.Match, Review: pol.Screening.Review, TieMargin: pol.Screening.TieMargin}
			srv := httptest.NewServer(server.New(server.Options{Store: reader, Screener: screen.NewLatest(reader, th)}))
			defer srv.Close()

			paused := &pauseAfterFirstBatch{Store: writer, reached: make(chan struct{}), release: make(chan struct{})}
			scored := make(chan error, 1)
			go func() {
				_, err := scoring.Run(ctx, paused, scoring.Options{Policy: pol, BatchSize: 5})
				scored <- err
			}()
			select {
			case <-paused.reached:
			case err := <-scored:
				close(paused.release)
				t.Fatalf("the run ended before it wrote: %v", err)
			case <-time.After(2 * time.Minute):
				t.Fatal("the run never wrote results")
			}
			released := false
			defer func() {
				if !released {
					close(paused.release)
					<-scored
				}
			}()

			get := func(path string) string {
				t.Helper()
				c, cancel := context.WithTimeout(ctx, 30*time.Second)
				defer cancel()
				req, _ := http.NewRequestWithContext(c, http.MethodGet, srv.URL+path, nil)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatalf("GET %s during the run: %v", path, err)
				}
				defer resp.Body.Close()
				body, err := io.ReadAll(resp.Body)
				if err != nil || resp.StatusCode != http.StatusOK {
					t.Fatalf("GET %s during the run: %d %s %v", path, resp.StatusCode, body, err)
				}
				return string(body)
			}
			if body := get("/api/v1/search?q=" + url.QueryEscape("Kowloon Bay Trading")); !strings.Contains(body, "Kowloon Bay Trading") {
				t.Errorf("search during the run: %s", body)
			}
			if body := get("/api/v1/entities/" + url.PathEscape(entity)); !strings.Contains(body, prev.ID) {
				t.Errorf("entity during the run does not carry the previous run %s: %s", prev.ID, body)
			}
			if body := get("/api/v1/runs"); !strings.Contains(body, prev.ID) || !strings.Contains(body, model.RunRunning) {
				t.Errorf("runs during the run lack the previous complete run and the running one: %s", body)
			}
			c, cancel := context.WithTimeout(ctx, 30*time.Second)
			req, _ := http.NewRequestWithContext(c, http.MethodPost, srv.URL+"/api/v1/match", strings.NewReader(
				`{"customers":[{"customer_id":"k1","name":"Kowloon Bay Trading Limited","country":"HK"}]}`))
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				cancel()
				t.Fatalf("POST /match during the run: %v", err)
			}
			var matched struct {
				Results []struct{ Status, Verdict string } `json:"results"`
			}
			err = json.NewDecoder(resp.Body).Decode(&matched)
			resp.Body.Close()
			cancel()
			if err != nil || resp.StatusCode != 200 || len(matched.Results) != 1 || matched.Results[0].Status != "MATCHED" || matched.Results[0].Verdict == "" {
				t.Errorf("POST /match during the run: %d %+v %v", resp.StatusCode, matched, err)
			}
			if code, out, stderr := runUbo(t, "--db", db, "search", "Kowloon Bay Trading"); code != 0 || !strings.Contains(out, "Kowloon Bay Trading") {
				t.Errorf("ubo search during the run: exit %d\n%s\n%s", code, out, stderr)
			}
			if latest, err := scoring.LatestComplete(ctx, reader); err != nil || latest == nil || latest.ID != prev.ID {
				t.Errorf("latest complete during the run = %+v, %v; want %s", latest, err, prev.ID)
			}

			close(paused.release)
			released = true
			if err := <-scored; err != nil {
				t.Fatalf("the run after the reads: %v", err)
			}
		})
	}
}
