// Package server is `ubo serve`: a read-only JSON API under /api/v1 for KYC
// systems (screening batches, the explain view, neighbourhood graphs,
// search, runs), Prometheus metrics, and the investigators' web page with
// the ownership graph, all in one handler. It only reads the store.
package server

import (
	"context"
	"crypto/subtle"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/ubo-project/ubo/investigate"
	"github.com/ubo-project/ubo/match"
	"github.com/ubo-project/ubo/screen"
	"github.com/ubo-project/ubo/store"
)

// Screener turns a batch of customers into result rows, in input order.
type Screener interface {
	Screen(ctx context.Context, customers []match.Customer) ([]screen.Row, error)
}

// Limits of one request.
const (
	DefaultMaxBatch = 1000    // customers in one POST /match
	DefaultMaxBody  = 4 << 20 // bytes of a request body
	maxSearchLimit  = 100
	maxGraphDepth   = 6
	graphPerNode    = 25   // links kept per entity in a graph walk
	maxGraphNodes   = 1000 // nodes in one graph answer
)

// Store is what the server reads: what investigations read, and the
// store's backend name for /healthz.
type Store interface {
	investigate.Store
	Backend() string
}

// Options configure a Server.
type Options struct {
	Store Store
	// Screener answers POST /match; nil: the endpoint answers 503.
	Screener Screener
	// Token, when set, is required as "Authorization: Bearer TOKEN" on the
	// API and metrics (the page itself holds no data).
	Token    string
	MaxBatch int   // default DefaultMaxBatch
	MaxBody  int64 // default DefaultMaxBody
	Log      *slog.Logger
}

// Server is the HTTP handler of ubo serve.
type Server struct {
	opts     Options
	mux      *http.ServeMux
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

//go:embed openapi.json
var openAPIDoc []byte

//go:embed web/assets
var webAssets embed.FS

// OpenAPI returns the API's OpenAPI 3 document.
func OpenAPI() []byte { return openAPIDoc }

// New builds the handler.
func New(opts Options) *Server {
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = DefaultMaxBatch
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{opts: opts, mux: http.NewServeMux(), registry: prometheus.NewRegistry()}
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "ubo_http_requests_total", Help: "HTTP requests by route, method and status code.",
	}, []string{"route", "method", "code"})
	s.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "ubo_http_request_duration_seconds", Help: "HTTP request latency by route and method.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "method"})
	s.registry.MustRegister(s.requests, s.latency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	api := func(pattern string, h func(http.ResponseWriter, *http.Request) error) {
		s.mux.Handle(pattern, s.auth(s.apiHandler(h)))
	}
	api("GET /api/v1/healthz", s.healthz)
	api("GET /api/v1/runs", s.runs)
	api("GET /api/v1/search", s.search)
	api("GET /api/v1/entities/{id}", s.entity)
	api("GET /api/v1/entities/{id}/graph", s.graph)
	api("POST /api/v1/match", s.match)
	api("GET /api/v1/openapi.json", func(w http.ResponseWriter, _ *http.Request) error {
		w.Header().Set("Content-Type", "application/json")
		_, err := w.Write(openAPIDoc)
		return err
	})
	api("/api/", func(http.ResponseWriter, *http.Request) error {
		return apiError{http.StatusNotFound, "not_found", "no such API endpoint"}
	})
	s.mux.Handle("GET /metrics", s.auth(promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{})))
	assets, err := fs.Sub(webAssets, "web/assets")
	if err != nil {
		panic(err) // the embedded directory is part of the binary
	}
	s.mux.Handle("/", staticHeaders(http.FileServerFS(assets)))
	return s
}

// ServeHTTP records metrics and turns panics into a 500 JSON error.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	defer func() {
		if p := recover(); p != nil {
			s.opts.Log.Error("panic serving request", "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if !rec.wrote {
				writeError(rec, apiError{http.StatusInternalServerError, "internal", "internal error"})
			}
		}
		_, pattern := s.mux.Handler(r)
		if pattern == "" {
			pattern = "unmatched"
		}
		s.requests.WithLabelValues(pattern, r.Method, strconv.Itoa(rec.status)).Inc()
		s.latency.WithLabelValues(pattern, r.Method).Observe(time.Since(start).Seconds())
	}()
	r.Body = http.MaxBytesReader(rec, r.Body, s.opts.MaxBody)
	s.mux.ServeHTTP(rec, r)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusRecorder) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// staticHeaders keeps the page from being framed or sniffed.
func staticHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:")
		h.ServeHTTP(w, r)
	})
}

// auth requires the bearer token when one is configured, compared in
// constant time.
func (s *Server) auth(h http.Handler) http.Handler {
	if s.opts.Token == "" {
		return h
	}
	want := []byte(s.opts.Token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="ubo"`)
			writeError(w, apiError{http.StatusUnauthorized, "unauthorized", "a valid bearer token is required (Authorization: Bearer $UBO_API_TOKEN)"})
			return
		}
		h.ServeHTTP(w, r)
	})
}

// apiError is an error answer with a stable code.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e apiError) Error() string { return e.Code + ": " + e.Message }

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func writeError(w http.ResponseWriter, e apiError) {
	var b errorBody
	b.Error.Code, b.Error.Message = e.Code, e.Message
	writeJSON(w, e.Status, b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client went away: nothing left to tell it
}

// apiHandler writes a handler's error as JSON: an apiError as it is, a
// store's not-found as 404, anything else as 500 without its text (logged).
func (s *Server) apiHandler(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		var ae apiError
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &ae):
		case errors.As(err, &mbe):
			ae = apiError{http.StatusRequestEntityTooLarge, "body_too_large", fmt.Sprintf("the request body is larger than %d bytes", mbe.Limit)}
		case errors.Is(err, screen.ErrNoRun):
			ae = apiError{http.StatusConflict, "no_run", err.Error()}
		case errors.Is(err, store.ErrNotFound):
			ae = apiError{http.StatusNotFound, "not_found", "not found"}
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			ae = apiError{http.StatusServiceUnavailable, "unavailable", "the request was cancelled or timed out"}
		case errors.Is(err, store.ErrUnreachable):
			s.opts.Log.Error("store unreachable", "path", r.URL.Path, "err", err)
			ae = apiError{http.StatusServiceUnavailable, "store_unreachable", "the store is unreachable"}
		default:
			s.opts.Log.Error("request failed", "path", r.URL.Path, "err", err)
			ae = apiError{http.StatusInternalServerError, "internal", "internal error"}
		}
		writeError(w, ae)
	})
}

// CheckListen refuses a listen address other than loopback without a token:
// the API shows ownership data and is meant for one machine unless guarded.
func CheckListen(addr, token string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen address %q: %w", addr, err)
	}
	if IsLoopback(host) || token != "" {
		return nil
	}
	return fmt.Errorf("listen address %q is not loopback: set UBO_API_TOKEN to require a bearer token, or listen on 127.0.0.1", addr)
}

// IsLoopback reports whether host names only this machine ("" and
// 0.0.0.0 are every interface).
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// Serve listens on addr and serves h until ctx is done, then shuts down
// gracefully (in-flight requests get up to 10 s). ready, if not nil, gets
// the address listened on (useful with port 0).
func Serve(ctx context.Context, addr string, h http.Handler, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute, // a batch of 1,000 customers takes a while
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	return nil
}
