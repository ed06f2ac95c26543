package queries

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"sync/atomic"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/ubo-project/ubo/store"
)

// Config says how to reach Neo4j. Empty Username and Password mean a server
// with authentication disabled; a Password without Username logs in as neo4j.
type Config struct {
	URI      string
	Username string
	Password string
	Database string // default "neo4j"
}

// DefaultDatabase is the database used when Config.Database is empty.
const DefaultDatabase = "neo4j"

// batchSize bounds the maintenance batches (publishing results, unflagging,
// pruning) run inside one transaction; a variable so tests can shrink it.
var batchSize int64 = 10000

// streamPage is how many rows one page of a whole-graph stream carries; a
// variable so tests can exercise paging on a few rows.
var streamPage int64 = 10000

// Store is the Neo4j store. It holds one driver (a connection pool) and is
// safe for concurrent use.
type Store struct {
	driver   neo4j.DriverWithContext
	database string
	location string       // the URI without credentials, for status output
	seq      atomic.Int64 // the last result chunk sequence number (nextSeq)
	tokens   tokenFrequencies
	// chains caches each listed run's chain of bases (chain): a run's base
	// never changes once it began.
	chains sync.Map
}

var _ store.Store = (*Store)(nil)

// Open connects to Neo4j and verifies the connection. Every connection
// failure wraps store.ErrUnreachable; the password is never part of an error.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	loc := redact(cfg.URI)
	auth := neo4j.NoAuth()
	if cfg.Username != "" || cfg.Password != "" {
		user := cfg.Username
		if user == "" {
			user = "neo4j"
		}
		auth = neo4j.BasicAuth(user, cfg.Password, "")
	}
	driver, err := neo4j.NewDriverWithContext(cfg.URI, auth)
	if err != nil {
		return nil, fmt.Errorf("neo4j %s: %w: %v", loc, store.ErrUnreachable, err)
	}
	if err := driver.VerifyConnectivity(ctx); err != nil {
		_ = driver.Close(context.WithoutCancel(ctx))
		if ctx.Err() != nil {
			return nil, fmt.Errorf("neo4j %s: %w", loc, ctx.Err())
		}
		var n4e *neo4j.Neo4jError
		if errors.As(err, &n4e) && n4e.Code == "Neo.ClientError.Security.Unauthorized" {
			return nil, fmt.Errorf("neo4j %s: %w: authentication failed (set NEO4J_USERNAME and NEO4J_PASSWORD)",
				loc, store.ErrUnreachable)
		}
		return nil, fmt.Errorf("neo4j %s: %w: %v", loc, store.ErrUnreachable, err)
	}
	db := cfg.Database
	if db == "" {
		db = DefaultDatabase
	}
	return &Store{driver: driver, database: db, location: loc}, nil
}

// Driver exposes the driver for tests and tools that share the connection pool.
func (s *Store) Driver() neo4j.DriverWithContext { return s.driver }

// Backend implements store.Store.
func (s *Store) Backend() string { return "neo4j" }

// Close implements store.Store.
func (s *Store) Close(ctx context.Context) error { return s.driver.Close(ctx) }

// redact drops user information from a URI so it can be printed.
func redact(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.User == nil {
		return uri
	}
	u.User = nil
	return u.String()
}

// fail wraps err with what was being done, preferring the context's error so
// callers can test errors.Is(err, context.Canceled).
func fail(ctx context.Context, what string, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		return fmt.Errorf("neo4j: %s: %w", what, ctx.Err())
	}
	if unreachable(err) {
		return fmt.Errorf("neo4j: %s: %w: %w", what, store.ErrUnreachable, err)
	}
	return fmt.Errorf("neo4j: %s: %w", what, err)
}

// unreachable reports an error meaning the server cannot be reached: a
// connectivity error anywhere in the chain, also as the last attempt of a
// managed transaction that ran out of retries. The driver's
// TransactionExecutionLimit does not unwrap to its attempts' errors, so a
// server that went down during a write and stayed down was reported as a
// plain failure (exit 1) instead of an unreachable store (exit 3).
func unreachable(err error) bool {
	var ce *neo4j.ConnectivityError
	if errors.As(err, &ce) {
		return true
	}
	var tl *neo4j.TransactionExecutionLimit
	if errors.As(err, &tl) && len(tl.Errors) > 0 {
		return unreachable(tl.Errors[len(tl.Errors)-1])
	}
	return false
}

// query runs a small read and returns all its records.
func (s *Store) query(ctx context.Context, what, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, fail(ctx, what, err)
	}
	res, err := neo4j.ExecuteQuery(ctx, s.driver, cypher, params, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(s.database), neo4j.ExecuteQueryWithReadersRouting())
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	return res.Records, nil
}

// write runs fn in one managed write transaction (retried on transient errors).
func (s *Store) write(ctx context.Context, what string, fn func(tx neo4j.ManagedTransaction) error) error {
	if err := ctx.Err(); err != nil {
		return fail(ctx, what, err)
	}
	// A write may change which entities carry which name tokens.
	defer s.tokens.forget()
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.database, AccessMode: neo4j.AccessModeWrite})
	defer sess.Close(context.WithoutCancel(ctx))
	_, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return nil, fn(tx)
	})
	return fail(ctx, what, err)
}

// readTx runs fn in one explicit read transaction (a paginated stream's
// pages share it; Neo4j reads are read-committed, so this is one
// connection and one transaction, not a snapshot).
func (s *Store) readTx(ctx context.Context, what string, fn func(tx neo4j.ExplicitTransaction) error) error {
	if err := ctx.Err(); err != nil {
		return fail(ctx, what, err)
	}
	tx, done, err := s.beginRead(ctx)
	if err != nil {
		return fail(ctx, what, err)
	}
	defer done()
	if err := fn(tx); err != nil {
		return err
	}
	return fail(ctx, what, tx.Commit(ctx))
}

// beginRead opens a read transaction in a session of its own (readTx's,
// or a second one beside it for streams that read independent pages
// concurrently); done closes both, rolling back what was not committed
// (for a read, nothing).
func (s *Store) beginRead(ctx context.Context) (neo4j.ExplicitTransaction, func(), error) {
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.database, AccessMode: neo4j.AccessModeRead})
	tx, err := sess.BeginTransaction(ctx)
	if err != nil {
		sess.Close(context.WithoutCancel(ctx))
		return nil, nil, err
	}
	return tx, func() {
		tx.Close(context.WithoutCancel(ctx))
		sess.Close(context.WithoutCancel(ctx))
	}, nil
}

// fetcher runs the page queries of one read transaction on a goroutine of
// its own, so that the next page is read (server work, Bolt decoding) while
// the caller is still busy with the current one. It is the transaction's
// only user until close returns.
type fetcher struct {
	tx     neo4j.ExplicitTransaction
	ctx    context.Context
	cancel context.CancelFunc
	reqs   chan fetchReq
	done   chan struct{}
}

type fetchReq struct {
	cypher string
	params map[string]any
	out    chan<- fetchedPage // capacity 1: the fetcher never blocks on it
}

type fetchedPage struct {
	rows  []any // the record's first column
	extra []any // its other columns
	err   error
}

// maxPagers is the fetcher's request queue: a bound on the pagers sharing
// one fetcher before a request waits for queue space (never for long: the
// fetcher drains the queue on its own, its replies never block).
const maxPagers = 16

func newFetcher(ctx context.Context, tx neo4j.ExplicitTransaction) *fetcher {
	ctx, cancel := context.WithCancel(ctx)
	f := &fetcher{tx: tx, ctx: ctx, cancel: cancel, reqs: make(chan fetchReq, maxPagers), done: make(chan struct{})}
	go func() {
		defer close(f.done)
		for req := range f.reqs {
			if err := f.ctx.Err(); err != nil {
				req.out <- fetchedPage{err: err}
				continue
			}
			var page fetchedPage
			res, err := f.tx.Run(f.ctx, req.cypher, req.params)
			if err == nil {
				var rec *neo4j.Record
				if rec, err = res.Single(f.ctx); err == nil {
					page.rows, _ = rec.Values[0].([]any)
					page.extra = rec.Values[1:]
				}
			}
			page.err = err
			req.out <- page
		}
	}()
	return f
}

// close stops the fetcher (pending requests fail) and waits for it.
func (f *fetcher) close() {
	f.cancel()
	close(f.reqs)
	<-f.done
}

// pager walks a keyset-paginated query: each page is one record whose
// single column is a list of rows (each row a list of values, its first
// value the key the page is ordered by), and the next page starts after the
// last key. One record per page instead of one per row is what makes the
// whole-graph streams fast: the driver's per-record cost (a read racing the
// context per Bolt message) dominated the client's CPU when rows came one
// by one. The page after the current one is requested as soon as the
// current one arrives. Memory stays at two pages however large the result.
type pager struct {
	f       *fetcher
	cypher  string
	params  map[string]any
	rows    []any // the current page
	pos     int
	last    bool             // the current page is the final one
	pending chan fetchedPage // the requested next page, or nil
	// packed pages (each_entity.cypher, each_relationship.cypher) are a
	// record [rows, n, last key] whose rows are the packed copies of the
	// n entries up to the last key that have one; fill, called when
	// some have none, returns the page's rows with those entries' property
	// rows merged in, reading them with further queries of the same
	// transaction through fetch. Other pages are a record [rows] of rows
	// that are lists with the key first.
	packed bool
	fill   func(ctx context.Context, rows []any, after, last any) ([]any, error)
}

func newPager(f *fetcher, cypher string, params map[string]any) *pager {
	p := map[string]any{"after": "", "limit": streamPage}
	for k, v := range params {
		p[k] = v
	}
	return &pager{f: f, cypher: cypher, params: p}
}

// request asks the fetcher for the page after key.
func (p *pager) request(after any) {
	params := make(map[string]any, len(p.params))
	for k, v := range p.params {
		params[k] = v
	}
	params["after"] = after
	p.params = params
	p.pending = make(chan fetchedPage, 1)
	p.f.reqs <- fetchReq{cypher: p.cypher, params: params, out: p.pending}
}

// next returns the next row, or nil at the end: a list of values with the
// key first, or in a packed stream a packed copy ([]byte) or, for an entry
// without one, its property row.
func (p *pager) next(ctx context.Context) (any, error) {
	for p.pos == len(p.rows) {
		if p.last {
			return nil, nil
		}
		if p.pending == nil {
			p.request(p.params["after"])
		}
		var page fetchedPage
		select {
		case page = <-p.pending:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		after := p.params["after"]
		p.pending = nil
		if page.err != nil {
			return nil, page.err
		}
		p.rows, p.pos = page.rows, 0
		var n int64
		var key any
		if p.packed {
			if len(page.extra) != 2 {
				return nil, fmt.Errorf("unexpected packed page of %d columns", len(page.extra)+1)
			}
			n, _ = page.extra[0].(int64)
			key = page.extra[1]
		} else if n = int64(len(p.rows)); n > 0 {
			row, ok := p.rows[n-1].([]any)
			if !ok || len(row) == 0 {
				return nil, fmt.Errorf("unexpected row %T", p.rows[n-1])
			}
			key = row[0]
		}
		p.last = n < streamPage
		if !p.last {
			p.request(key)
		}
		if p.packed && int64(len(p.rows)) != n {
			rows, err := p.fill(ctx, p.rows, after, key)
			if err != nil {
				return nil, err
			}
			p.rows = rows
		}
	}
	row := p.rows[p.pos]
	p.pos++
	return row, nil
}

// fetch runs one query returning a list of rows through the fetcher, after
// the requests already queued, and waits for it.
func (f *fetcher) fetch(ctx context.Context, cypher string, params map[string]any) ([]any, error) {
	out := make(chan fetchedPage, 1)
	f.reqs <- fetchReq{cypher: cypher, params: params, out: out}
	select {
	case page := <-out:
		return page.rows, page.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// stream hands every row of a paginated query to fn, in page order.
func (s *Store) stream(ctx context.Context, what, cypher string, params map[string]any, fn func(row []any) error) error {
	return s.readTx(ctx, what, func(tx neo4j.ExplicitTransaction) error {
		f := newFetcher(ctx, tx)
		defer f.close()
		p := newPager(f, cypher, params)
		for {
			v, err := p.next(ctx)
			if err != nil {
				return fail(ctx, what, err)
			}
			if v == nil {
				return nil
			}
			row, ok := v.([]any)
			if !ok {
				return fail(ctx, what, fmt.Errorf("unexpected row %T", v))
			}
			if err := fn(row); err != nil {
				return err
			}
		}
	})
}

// runInTx runs one query inside tx and returns its records.
func runInTx(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}
