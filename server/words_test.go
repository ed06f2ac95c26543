package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ubo-project/ubo/internal/storetesting"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
	"github.com/ubo-project/ubo/scoring"
	"github.com/ubo-project/ubo/store"
)

// Under ofac-50 the entity view names its roots as the policy does: the
// explanation, the summary and the words the page labels its facts with
// never say Chinese for a listed Russian company and what it owns.
func TestEntityViewTakesThePolicysWords(t *testing.T) {
	t.Run("embedded", func(t *testing.T) { testEntityViewWords(t, storetesting.Embedded(t)) })
	t.Run("neo4j", func(t *testing.T) { testEntityViewWords(t, storetesting.Neo4j(t)(t)) })
}

func testEntityViewWords(t *testing.T, st store.Store) {
	ctx := context.Background()
	if err := st.UpsertEntities(ctx, []model.Entity{
		{ID: "ru-volga", Name: "LLC Volga Trade", Kind: model.Company, Jurisdiction: "RU", Lists: []string{"us.ofac.sdn"}},
		{ID: "gb-volga", Name: "Volga UK Holdings Ltd", Kind: model.Company, Jurisdiction: "GB"},
	}); err != nil {
		t.Fatal(err)
	}
	rel := model.Relationship{HolderID: "ru-volga", HeldID: "gb-volga", Kind: model.Ownership, Share: model.Exact(60), Source: "csv"}
	rel.ID = model.RelationshipID(rel.Source, "", rel.HolderID, rel.HeldID, rel.Kind)
	if err := st.UpsertRelationships(ctx, []model.Relationship{rel}); err != nil {
		t.Fatal(err)
	}
	p, err := policy.Preset("ofac-50")
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := scoring.Run(ctx, st, scoring.Options{Policy: p, AsOf: day, Now: func() time.Time { return day }}); err != nil {
		t.Fatal(err)
	}
	ts := newTestServer(t, st, "")
	for id, want := range map[string]string{
		"ru-volga": "LLC Volga Trade is a listed root: listed as us.ofac.sdn.",
		"gb-volga": "owned by LLC Volga Trade (us.ofac.sdn) directly: 60%",
	} {
		resp, err := http.Get(ts.URL + "/api/v1/entities/" + id)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var x struct {
			Words  *model.RootWords `json:"words"`
			Result struct {
				Explanation string `json:"explanation"`
			} `json:"result"`
		}
		if err := json.Unmarshal(body, &x); err != nil {
			t.Fatalf("%s: %v: %s", id, err, body)
		}
		if x.Words == nil || x.Words.Root != "listed root" || !strings.Contains(x.Result.Explanation, want) {
			t.Errorf("%s: words %+v, explanation %q; want listed root and %q", id, x.Words, x.Result.Explanation, want)
		}
		// Only the JSON keys (chinese_share …, the API's names) may say it.
		var v any
		_ = json.Unmarshal(body, &v)
		if s := chineseString(v); s != "" {
			t.Errorf("%s: the entity view says Chinese: %q", id, s)
		}
	}
}

func chineseString(v any) string {
	switch v := v.(type) {
	case string:
		if strings.Contains(strings.ToLower(v), "chinese") {
			return v
		}
	case []any:
		for _, x := range v {
			if s := chineseString(x); s != "" {
				return s
			}
		}
	case map[string]any:
		for _, x := range v {
			if s := chineseString(x); s != "" {
				return s
			}
		}
	}
	return ""
}
