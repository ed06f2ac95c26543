package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/internal/storetesting"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// newTestServer serves st, filled with two unscored entities.
func newTestServer(t *testing.T, st store.Store, token string) *httptest.Server {
	t.Helper()
	if err := st.UpsertEntities(context.Background(), []model.Entity{
		{ID: "hx", Name: "Hangzhou Huaxin Cloud Technology Co., Ltd.", Kind: model.Company, Jurisdiction: "CN"},
		{ID: "bw", Name: "Brightwater Logistics Limited", Kind: model.Company, Jurisdiction: "GB"},
	}); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(New(Options{Store: st, Token: token}))
	t.Cleanup(ts.Close)
	return ts
}

// do returns the status and the decoded JSON body of a request.
func do(t *testing.T, method, url, token, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s %s: body is not a JSON object: %q", method, url, data)
	}
	return resp.StatusCode, v
}

func errorCode(v map[string]any) string {
	e, _ := v["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func TestAPIAnswersAndErrors(t *testing.T) {
	t.Run("embedded", func(t *testing.T) { testAPIAnswersAndErrors(t, storetesting.Embedded(t)) })
	t.Run("neo4j", func(t *testing.T) { testAPIAnswersAndErrors(t, storetesting.Neo4j(t)(t)) })
}

func testAPIAnswersAndErrors(t *testing.T, st store.Store) {
	ts := newTestServer(t, st, "")
	api := ts.URL + "/api/v1"
	tests := []struct {
		name, method, path, body string
		status                   int
		code                     string // error code, "" for a success
	}{
		{"healthz", "GET", "/healthz", "", 200, ""},
		{"runs", "GET", "/runs", "", 200, ""},
		{"search", "GET", "/search?q=huaxin", "", 200, ""},
		{"search without q", "GET", "/search", "", 400, "bad_request"},
		{"search bad limit", "GET", "/search?q=x&limit=0", "", 400, "bad_request"},
		{"unknown entity", "GET", "/entities/nope", "", 404, "not_found"},
		{"entity before any run", "GET", "/entities/hx", "", 409, "no_run"},
		{"match without a screener", "POST", "/match", `{"customers":[{"customer_id":"1","name":"x"}]}`, 503, "screening_unavailable"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, v := do(t, tc.method, api+tc.path, "", tc.body)
			if status != tc.status || errorCode(v) != tc.code {
				t.Errorf("%s %s = %d %q (%v), want %d %q", tc.method, tc.path, status, errorCode(v), v, tc.status, tc.code)
			}
		})
	}
	_, v := do(t, "GET", api+"/search?q=huaxin", "", "")
	hits, _ := json.Marshal(v["hits"])
	if !strings.Contains(string(hits), `"hx"`) || strings.Contains(string(hits), `"bw"`) {
		t.Errorf("search huaxin hits = %s, want hx only", hits)
	}
}

func TestTokenRequiredWhenSet(t *testing.T) {
	ts := newTestServer(t, storetesting.Embedded(t), "s3cret")
	url := ts.URL + "/api/v1/healthz"
	if status, v := do(t, "GET", url, "", ""); status != 401 || errorCode(v) != "unauthorized" {
		t.Errorf("no token: %d %v, want 401 unauthorized", status, v)
	}
	if status, v := do(t, "GET", url, "wrong", ""); status != 401 || errorCode(v) != "unauthorized" {
		t.Errorf("wrong token: %d %v, want 401 unauthorized", status, v)
	}
	if status, v := do(t, "GET", url, "s3cret", ""); status != 200 || v["status"] != "ok" {
		t.Errorf("right token: %d %v, want 200 ok", status, v)
	}
}

func TestCheckListen(t *testing.T) {
	tests := []struct {
		addr, token string
		ok          bool
	}{
		{"127.0.0.1:8080", "", true},
		{"localhost:8080", "", true},
		{"[::1]:8080", "", true},
		{"0.0.0.0:8080", "", false},
		{":8080", "", false},
		{"192.0.2.10:8080", "", false},
		{"0.0.0.0:8080", "t", true},
		{"no-port", "", false},
	}
	for _, tc := range tests {
		if err := CheckListen(tc.addr, tc.token); (err == nil) != tc.ok {
			t.Errorf("CheckListen(%q, %q) = %v, want ok=%v", tc.addr, tc.token, err, tc.ok)
		}
	}
}

func TestOpenAPIDocumentIsServed(t *testing.T) {
	ts := newTestServer(t, storetesting.Embedded(t), "")
	status, v := do(t, "GET", ts.URL+"/api/v1/openapi.json", "", "")
	if status != 200 || !strings.HasPrefix(v["openapi"].(string), "3.") {
		t.Fatalf("openapi.json: %d, openapi=%v", status, v["openapi"])
	}
	paths, _ := v["paths"].(map[string]any)
	for _, p := range []string{"/healthz", "/runs", "/search", "/entities/{id}", "/entities/{id}/graph", "/match"} {
		if _, ok := paths[p]; !ok {
			if _, ok := paths["/api/v1"+p]; !ok {
				t.Errorf("openapi.json lacks path %s", p)
			}
		}
	}
}
