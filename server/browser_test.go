package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/ubo-project/ubo/demo"
	"github.com/ubo-project/ubo/internal/storetesting"
	"github.com/ubo-project/ubo/match"
	"github.com/ubo-project/ubo/policy"
	"github.com/ubo-project/ubo/scoring"
	"github.com/ubo-project/ubo/screen"
	"github.com/ubo-project/ubo/server"
	"github.com/ubo-project/ubo/store"
)

// go test ./server -run TestBrowser/embedded -screenshot ../docs/entity-page.png
// rewrites the screenshot in the docs.
var screenshot = flag.String("screenshot", "", "write a PNG of the demo target's entity page to this file")

// The demo's chain that crosses sources: a Shenzhen group consolidates a UK
// company (GLEIF), which is the corporate PSC of Northbridge Sensors (PSC).
const (
	target      = "lei:213800NBS9GB4K2P6X33" // Northbridge Sensors Ltd, CONTROLLED
	chineseRoot = "lei:3003005QNV6HK7RT2M97" // Huaxin Precision Industries Group Co., Ltd.
	token       = "t0ken-for-the-browser"
)

// findBrowser returns a Chromium to drive; without one the test skips,
// or fails under CI=true, where .ci/run installs it.
func findBrowser(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no chromium, chromium-browser or google-chrome on PATH: the browser tests need one (apt-get install chromium)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// TestBrowser drives the page in headless Chromium on the demo data: the
// token prompt, search, the entity view and its graph up to the Chinese
// root, expanding and clicking the graph, an API error, and screening a
// pasted customer CSV.
func TestBrowser(t *testing.T) {
	browser := findBrowser(t)
	t.Run("embedded", func(t *testing.T) { testBrowser(t, browser, storetesting.Embedded(t), *screenshot) })
	t.Run("neo4j", func(t *testing.T) { testBrowser(t, browser, storetesting.Neo4j(t)(t), "") })
}

// demoServer loads and scores the demo in st and serves it with a token.
// batches gets the size of every POST /match the page sends.
func demoServer(t *testing.T, st store.Store) (ts *httptest.Server, batches func() []int) {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Load(ctx, st, demo.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := scoring.Run(ctx, st, scoring.Options{Policy: policy.Default()}); err != nil {
		t.Fatal(err)
	}
	h := server.New(server.Options{Store: st, Screener: screen.NewLatest(st, match.DefaultThresholds), Token: token})
	var mu sync.Mutex
	var sizes []int
	ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/api/v1/match" {
			body, _ := io.ReadAll(r.Body)
			var req server.MatchRequest
			_ = json.Unmarshal(body, &req)
			mu.Lock()
			sizes = append(sizes, len(req.Customers))
			mu.Unlock()
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts, func() []int {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(sizes)
	}
}

// page is one browser tab on the server, failing the test on any script
// error, console error or CSP violation the page causes.
type page struct {
	t      *testing.T
	ctx    context.Context
	issues []string // written by the console reader until it is done
}

func newPage(t *testing.T, browser string) *page {
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(browser), chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU,
		chromedp.WindowSize(1440, 960))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	p := &page{t: t, ctx: ctx}
	// the first Run starts the browser, without a timeout (it would stop it)
	messages := chromedp.Console(ctx)
	p.do("start the browser", chromedp.Navigate("about:blank"))
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			// a 401 is how the page learns it needs the token, and the
			// error step asks for an entity that does not exist
			if m.IsException() || m.Type == chromedp.ConsoleError &&
				!strings.Contains(m.Text, "status of 401") && !strings.Contains(m.Text, "status of 404") {
				p.issues = append(p.issues, m.String()+" "+m.URL)
			}
		}
	}()
	t.Cleanup(func() {
		cancelTab()
		<-done
		for _, s := range p.issues {
			t.Errorf("page: %s", s)
		}
	})
	return p
}

// do runs actions, failing the test with what it was doing; no step may
// take more than 20 s.
func (p *page) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.t.Fatalf("%s: %v\n%s", what, err, p.state())
	}
}

// state describes the page, for a failure message.
func (p *page) state() string {
	ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText`))
	if err != nil {
		return "(the page cannot be read: " + err.Error() + ")"
	}
	return "the page shows " + s
}

// eval returns the value of a JavaScript expression in the page.
func eval[T any](p *page, js string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// text is the visible text of the first element matching a CSS selector.
func (p *page) text(sel string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("text of %s: %v\n%s", sel, err, p.state())
	}
	return s
}

// until waits for a JavaScript condition to hold.
func until(js string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](js, chromedp.WithPollingInterval(20*time.Millisecond))
}

// waitGraph waits for the graph to be drawn and returns its nodes and edges.
func (p *page) waitGraph(what string) ([]graphNode, [][2]string) {
	p.t.Helper()
	p.do(what, chromedp.WaitVisible(chromedp.CSS(`#graph[data-ready="1"]`)))
	g := eval[struct {
		Nodes []graphNode
		Edges [][2]string
	}](p, `({
		nodes: uboGraph.nodes().map(n => ({id: n.id(), chinese_root: n.data("entity").chinese_root, classes: n.classes()})),
		edges: uboGraph.edges().map(e => [e.source().id(), e.target().id()]),
	})`)
	return g.Nodes, g.Edges
}

type graphNode struct {
	ID          string   `json:"id"`
	ChineseRoot bool     `json:"chinese_root"`
	Classes     []string `json:"classes"`
}

func testBrowser(t *testing.T, browser string, st store.Store, shot string) {
	ts, batches := demoServer(t, st)
	p := newPage(t, browser)
	start := time.Now()
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }

	// the first API call answers 401: the page asks for the token
	p.do("open the page", chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(css("#token-form")))
	p.do("give a wrong token", chromedp.SendKeys(css("#token"), "wrong"+kb.Enter),
		until(`document.querySelector("#token-note").textContent.includes("refused")`))
	p.do("give the token", chromedp.SendKeys(css("#token"), token+kb.Enter),
		chromedp.WaitNotVisible(css("#token-form")), chromedp.WaitVisible(css("#run-line:not(:empty)")))
	if s := p.text("#run-line"); !strings.Contains(s, "CONTROLLED") {
		t.Errorf("run line = %q, want the run's verdict counts", s)
	}

	// search by name, open the hit
	row := fmt.Sprintf(`#search-results tr[data-id=%q]`, target)
	p.do("search", chromedp.SendKeys(css("#q"), "northbridge sensors"+kb.Enter), chromedp.WaitVisible(css(row)))
	if s := p.text(row); !strings.Contains(s, "CONTROLLED") || !strings.Contains(s, "GB") {
		t.Errorf("search hit = %q, want verdict CONTROLLED and jurisdiction GB", s)
	}
	p.do("open the hit", chromedp.Click(css(row+" a")))
	nodes, edges := p.waitGraph("entity page")
	if hash, want := eval[string](p, "location.hash"), "#/entity/"+strings.ReplaceAll(target, ":", "%3A"); hash != want {
		t.Errorf("address = %q, want %q", hash, want)
	}
	if s := p.text("#entity-name"); s != "Northbridge Sensors Ltd" {
		t.Errorf("entity name = %q", s)
	}
	if s := p.text(".details .title"); !strings.Contains(s, "CONTROLLED") || !strings.Contains(s, "flagged") {
		t.Errorf("verdict badge = %q, want CONTROLLED, flagged", s)
	}
	// The shares in the words `ubo explain` uses: the board and voting links
	// give no ownership percentage.
	if s := p.text(".details dl.facts"); !strings.Contains(s, "Chinese ownership") || !strings.Contains(s, "not known") ||
		!strings.Contains(s, "Chinese-held votes") || !strings.Contains(s, "at least 75%, up to 100%") || strings.Contains(s, "(U)") {
		t.Errorf("facts = %q, want Chinese ownership not known and Chinese-held votes at least 75%%, up to 100%%", s)
	}
	if n := eval[int](p, `document.querySelectorAll("#evidence tbody tr").length`); n == 0 {
		t.Error("the evidence table has no path")
	}
	if s := p.text("#evidence"); !strings.Contains(s, "Huaxin Precision Industries Group") || !strings.Contains(s, "board") {
		t.Errorf("evidence = %q, want the path from the Huaxin group through a board link", s)
	}
	checkPathToRoot(t, nodes, edges)
	if shot != "" {
		png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(shot, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", shot, len(png))
	}

	// one more level of holdings: the address keeps the depth
	p.do("expand down", chromedp.Click(css("#expand-down")), until(`document.querySelector("#graph-down").textContent === "2"`))
	p.waitGraph("expanded graph")
	if hash := eval[string](p, "location.hash"); !strings.HasSuffix(hash, "?up=3&down=2") {
		t.Errorf("address after expanding = %q, want ?up=3&down=2", hash)
	}

	// a click on the Chinese root opens it
	p.do("click the root", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`uboGraph.getElementById(%q).emit("tap"), true`, chineseRoot)),
		until(`document.querySelector("#entity-name")?.textContent.startsWith("Huaxin Precision Industries Group")`))
	p.waitGraph("root's graph")
	if s := p.text(".details .title"); !strings.Contains(s, "CHINESE_ENTITY") {
		t.Errorf("root's verdict = %q, want CHINESE_ENTITY", s)
	}

	// the API's errors are shown
	p.do("unknown entity", chromedp.Navigate(ts.URL+"/#/entity/nope"), chromedp.WaitVisible(css("#error")))
	if s := p.text("#error"); !strings.Contains(s, `no entity "nope"`) || !strings.Contains(s, "404 not_found") {
		t.Errorf("error line = %q, want the API's not-found message", s)
	}

	// screening: the demo's customers as a file, then pasted with quoted
	// fields, a row without an id and enough more rows for two batches
	sample := filepath.Join("..", "demo", "sample", "customers.csv")
	csv, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(sample)
	if err != nil {
		t.Fatal(err)
	}
	p.do("upload", chromedp.Navigate(ts.URL+"/#/screen"), chromedp.WaitVisible(css("#csv")),
		chromedp.SetUploadFiles(css("#csv-file"), []string{abs}), until(`document.querySelector("#csv").value.length > 0`))
	if v := eval[string](p, `document.querySelector("#csv").value`); v != string(csv) {
		t.Errorf("the uploaded file reads %q, want %q", v, csv)
	}
	var text strings.Builder
	text.WriteString(strings.TrimRight(string(csv), "\n") + "\n" +
		`ACME-0009,"Huaxin Europe, B.V.",NL,,,,,,"Herengracht 1, Amsterdam"` + "\n" +
		`ACME-0010,"Solent ""Data"" Centres Limited",GB,,,,,,` + "\n" +
		",missing id,GB,,,,,,\n")
	const fillers = 1100
	for i := range fillers {
		fmt.Fprintf(&text, "FILL-%04d,Filler Company %d,GB,,,,,,\n", i, i)
	}
	screenStart := time.Now()
	p.do("screen", chromedp.SetValue(css("#csv"), text.String()), chromedp.Click(css("#screen-run")),
		until(`/^Screened/.test(document.querySelector("#screen-status").textContent)`))
	t.Logf("screening %d customers took %v", 10+fillers, time.Since(screenStart).Round(time.Millisecond))
	if got, want := batches(), []int{1000, 10 + fillers - 1000}; !slices.Equal(got, want) {
		t.Errorf("POST /match batches of %v customers, want %v", got, want)
	}
	got := eval[map[string]string](p, `Object.fromEntries([...document.querySelectorAll("#screen-results tbody tr")]
		.filter(r => r.dataset.customer.startsWith("ACME-")).map(r => [r.dataset.customer, r.dataset.status]))`)
	want := map[string]string{"ACME-0001": "MATCHED", "ACME-0002": "MATCHED", "ACME-0003": "MATCHED",
		"ACME-0004": "MATCHED", "ACME-0005": "MATCHED", "ACME-0006": "MATCHED", "ACME-0007": "REVIEW",
		"ACME-0008": "NO_MATCH", "ACME-0009": "MATCHED", "ACME-0010": "MATCHED"}
	for id, status := range want {
		if got[id] != status {
			t.Errorf("customer %s: status %q, want %q", id, got[id], status)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d result rows, want %d: %v", len(got), len(want), got)
	}
	if s := p.text("#screen-rejects"); !strings.Contains(s, "line 12: customer_id missing") {
		t.Errorf("rejects = %q, want line 12 without customer_id", s)
	}
	if s := p.text(`#screen-results tr[data-customer="ACME-0001"]`); !strings.Contains(s, "Northbridge Sensors Ltd") || !strings.Contains(s, "CONTROLLED") {
		t.Errorf("ACME-0001 row = %q, want Northbridge Sensors Ltd, CONTROLLED", s)
	}
	if n := eval[int](p, `document.querySelectorAll('#screen-results a[href="#/entity/ftm%3Ademo-kowloon-bay"]').length`); n != 1 {
		t.Errorf("%d links to the matched entity of ACME-0002, want 1", n)
	}
	out := eval[string](p, "uboScreenCSV()")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 1+10+fillers || !strings.HasPrefix(lines[0], "customer_id,status,score,entity_id,") ||
		!strings.HasPrefix(lines[1], "ACME-0001,MATCHED,1,"+target+",Northbridge Sensors Ltd,") {
		t.Errorf("download CSV:\n%s", out)
	}
	t.Logf("browser flow took %v", time.Since(start).Round(time.Millisecond))
}

// checkPathToRoot checks the graph holds a Chinese root, and a chain of
// edges (holder → held) from it to the target.
func checkPathToRoot(t *testing.T, nodes []graphNode, edges [][2]string) {
	t.Helper()
	var roots []string
	for _, n := range nodes {
		if n.ChineseRoot {
			roots = append(roots, n.ID)
			if !slices.Contains(n.Classes, "chinese-root") {
				t.Errorf("Chinese root %s is drawn with classes %v", n.ID, n.Classes)
			}
		}
	}
	if !slices.Contains(roots, chineseRoot) {
		t.Fatalf("graph nodes %v: no Chinese root %s", nodes, chineseRoot)
	}
	reach := map[string]bool{chineseRoot: true}
	for changed := true; changed; {
		changed = false
		for _, e := range edges {
			if reach[e[0]] && !reach[e[1]] {
				reach[e[1]], changed = true, true
			}
		}
	}
	if !reach[target] {
		t.Errorf("no path of graph edges from %s to %s: %v", chineseRoot, target, edges)
	}
}
