package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/ubo-project/ubo/investigate"
	"github.com/ubo-project/ubo/match"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/screen"
	"github.com/ubo-project/ubo/store"
)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.opts.Store.Runs(r.Context()); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "backend": s.opts.Store.Backend()})
	return nil
}

func (s *Server) runs(w http.ResponseWriter, r *http.Request) error {
	runs, err := s.opts.Store.Runs(r.Context())
	if err != nil {
		return err
	}
	if runs == nil {
		runs = []model.Run{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"runs": runs})
	return nil
}

func badRequest(format string, a ...any) apiError {
	return apiError{http.StatusBadRequest, "bad_request", fmt.Sprintf(format, a...)}
}

// intParam reads an optional integer query parameter within [lo, hi].
func intParam(r *http.Request, name string, def, lo, hi int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, badRequest("parameter %s=%q: want an integer in %d..%d", name, v, lo, hi)
	}
	return n, nil
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		return badRequest("parameter q is required: a name or an identifier")
	}
	limit, err := intParam(r, "limit", 20, 1, maxSearchLimit)
	if err != nil {
		return err
	}
	hits, err := investigate.Search(r.Context(), s.opts.Store, q, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"query": q, "hits": hits})
	return nil
}

// entityOf resolves the {id} path value (aliases followed).
func (s *Server) entityOf(r *http.Request) (model.Entity, error) {
	id := r.PathValue("id")
	e, err := s.opts.Store.Entity(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return e, apiError{http.StatusNotFound, "not_found", fmt.Sprintf("no entity %q", id)}
	}
	return e, err
}

func (s *Server) entity(w http.ResponseWriter, r *http.Request) error {
	e, err := s.entityOf(r)
	if err != nil {
		return err
	}
	x, err := investigate.Explain(r.Context(), s.opts.Store, e)
	var ns investigate.NotScoredError
	switch {
	case errors.Is(err, investigate.ErrNoRun):
		return apiError{http.StatusConflict, "no_run", err.Error()}
	case errors.As(err, &ns):
		return apiError{http.StatusConflict, "not_scored", err.Error()}
	case err != nil:
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
}

// GraphNode is one entity of a graph answer.
type GraphNode struct {
	ID              string        `json:"id"`
	Name            string        `json:"name"`
	Kind            string        `json:"kind"`
	Jurisdiction    string        `json:"jurisdiction,omitempty"`
	Verdict         model.Verdict `json:"verdict,omitempty"`
	Flagged         bool          `json:"flagged"`
	Indeterminate   bool          `json:"indeterminate"`
	PossibleVerdict model.Verdict `json:"possible_verdict,omitempty"`
	ChineseRoot     bool          `json:"chinese_root"`
	Controllers     []string      `json:"controllers,omitempty"`
	// Truncated counts the links of this entity the walk left out.
	Truncated int `json:"truncated,omitempty"`
}

// GraphEdge is one relationship, holder → held.
type GraphEdge struct {
	ID        string      `json:"id"`
	Source    string      `json:"source"` // holder
	Target    string      `json:"target"` // held
	Kind      string      `json:"kind"`
	Share     model.Share `json:"share"`
	Label     string      `json:"label"` // kind and share interval, for drawing
	EndDate   string      `json:"end_date,omitempty"`
	Origin    string      `json:"origin,omitempty"` // the source asserting it
	SourceRef string      `json:"source_ref,omitempty"`
}

// Graph is the bounded neighbourhood of an entity.
type Graph struct {
	Root      string      `json:"root"`
	Up        int         `json:"up"`
	Down      int         `json:"down"`
	RunID     string      `json:"run_id,omitempty"`
	Nodes     []GraphNode `json:"nodes"`
	Edges     []GraphEdge `json:"edges"`
	Truncated bool        `json:"truncated"` // some links or nodes were left out
}

func (s *Server) graph(w http.ResponseWriter, r *http.Request) error {
	up, err := intParam(r, "up", 3, 0, maxGraphDepth)
	if err != nil {
		return err
	}
	down, err := intParam(r, "down", 1, 0, maxGraphDepth)
	if err != nil {
		return err
	}
	e, err := s.entityOf(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	ents := map[string]model.Entity{e.ID: e}
	rels := map[string]model.Relationship{}
	truncated := map[string]int{}
	for _, walk := range []struct {
		dir   store.Direction
		depth int
	}{{store.Up, up}, {store.Down, down}} {
		if walk.depth == 0 {
			continue
		}
		sg, err := s.opts.Store.Neighbourhood(ctx, e.ID, walk.dir, walk.depth, graphPerNode)
		if err != nil {
			return err
		}
		for _, x := range sg.Entities {
			ents[x.ID] = x
		}
		for _, x := range sg.Relationships {
			rels[x.ID] = x
		}
		for id, n := range sg.Truncated {
			truncated[id] += n
		}
	}
	run, result, err := investigate.LatestResults(ctx, s.opts.Store)
	if err != nil {
		return err
	}
	g := Graph{Root: e.ID, Up: up, Down: down, Nodes: []GraphNode{}, Edges: []GraphEdge{}, Truncated: len(truncated) > 0}
	if run != nil {
		g.RunID = run.ID
	}
	ids := make([]string, 0, len(ents))
	for id := range ents {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	// keep the root and the nearest ids when over the cap: sorted ids are
	// arbitrary but stable, and the answer says it is truncated
	if len(ids) > maxGraphNodes {
		g.Truncated = true
		kept := []string{e.ID}
		for _, id := range ids {
			if id != e.ID && len(kept) < maxGraphNodes {
				kept = append(kept, id)
			}
		}
		ids = kept
		slices.Sort(ids)
	}
	inGraph := map[string]bool{}
	for _, id := range ids {
		x := ents[id]
		inGraph[id] = true
		n := GraphNode{ID: x.ID, Name: x.Name, Kind: string(x.Kind), Jurisdiction: x.Jurisdiction, Truncated: truncated[id]}
		if res, ok := result(id); ok {
			n.Verdict, n.Flagged, n.Indeterminate, n.PossibleVerdict = res.Verdict, res.Flagged, res.Indeterminate, res.PossibleVerdict
			n.ChineseRoot = res.Verdict.IsRoot()
			n.Controllers = res.Controllers
		}
		g.Nodes = append(g.Nodes, n)
	}
	relIDs := make([]string, 0, len(rels))
	for id := range rels {
		relIDs = append(relIDs, id)
	}
	slices.Sort(relIDs)
	for _, id := range relIDs {
		x := rels[id]
		if !inGraph[x.HolderID] || !inGraph[x.HeldID] {
			continue
		}
		g.Edges = append(g.Edges, GraphEdge{ID: x.ID, Source: x.HolderID, Target: x.HeldID, Kind: string(x.Kind),
			Share: x.Share, Label: investigate.LinkText(investigate.Link{Kind: x.Kind, Share: x.Share}),
			EndDate: x.EndDate, Origin: x.Source, SourceRef: x.SourceRef})
	}
	writeJSON(w, http.StatusOK, g)
	return nil
}

// MatchRequest is the body of POST /match.
type MatchRequest struct {
	Customers []match.Customer `json:"customers"`
}

func (s *Server) match(w http.ResponseWriter, r *http.Request) error {
	var req MatchRequest
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return badRequest("request body: %v (want {\"customers\": [{\"customer_id\": ..., \"name\": ...}, ...]})", err)
	}
	if dec.More() {
		return badRequest("request body: one JSON object expected")
	}
	switch {
	case len(req.Customers) == 0:
		return badRequest("customers: empty batch")
	case len(req.Customers) > s.opts.MaxBatch:
		return apiError{http.StatusRequestEntityTooLarge, "batch_too_large",
			fmt.Sprintf("customers: %d in one batch, at most %d", len(req.Customers), s.opts.MaxBatch)}
	}
	seen := map[string]int{}
	for i, c := range req.Customers {
		switch {
		case strings.TrimSpace(c.CustomerID) == "":
			return badRequest("customers[%d]: customer_id is required", i)
		case strings.TrimSpace(c.Name) == "":
			return badRequest("customers[%d] (%s): name is required", i, c.CustomerID)
		}
		if j, dup := seen[c.CustomerID]; dup {
			return badRequest("customers[%d]: customer_id %q repeats customers[%d]", i, c.CustomerID, j)
		}
		seen[c.CustomerID] = i
	}
	if s.opts.Screener == nil {
		return apiError{http.StatusServiceUnavailable, "screening_unavailable", "this server has no matcher"}
	}
	rows, err := s.opts.Screener.Screen(r.Context(), req.Customers)
	if err != nil {
		return err
	}
	if rows == nil {
		rows = []screen.Row{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": rows})
	return nil
}
