// Package embedded is the store.Store on a local SQLite file (modernc.org/sqlite,
// pure Go): no server, durable and crash-safe (WAL journal, synchronous=FULL
// commits; result batches of a running run commit without fsync and become
// durable with FinishRun, see writeRelaxed), the default when --db is a path.
//
// Layout: entities and relationships keep their record in a compact binary
// data column (package store/codec; older files: JSON) next to the columns that are
// queried (id, kind, holder, held); identifiers live in entity_identifiers
// for exact lookups, folded names in an FTS5 table for search, merged ids in
// aliases. Results are stored per run with entity_id, verdict and flagged as
// columns and the rest in a compact binary blob, empty for a CLEAR result
// without evidence (store/codec's result form); EachVerdict reads the columns only.
// Only the results of the last store.DefaultKeepRuns complete runs (and of
// the newest run of each policy) are kept (see PruneRuns).
package embedded

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"modernc.org/sqlite" // also registers the "sqlite" database/sql driver
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/ubo-project/ubo/store"
)

// schemaVersion is bumped whenever the schema below changes incompatibly.
// Version 2 added the name index of every name (entities.tokens,
// entity_names keyed by form, name_tokens and its statistics); Init
// migrates a version 1 file (see migrateNameIndex). Version 3 stores a
// rerun's results as changes against an earlier run (store.DeltaResultStore),
// which an older ubo would read as a run missing most of its results; a
// version 2 file needs no change.
const schemaVersion = 3

// relaxedCheckpointPages is the WAL size (pages of 4 KiB) at which a
// relaxed write checkpoints, against SQLite's default of 1000.
const relaxedCheckpointPages = 16384

// busyTimeoutMillis is how long a statement waits for another process's
// lock before the store reports it unreachable (a variable for tests).
var busyTimeoutMillis = 5000

var schema = []string{
	`CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS entities (
		rid  INTEGER PRIMARY KEY,
		id   TEXT NOT NULL UNIQUE,
		kind TEXT NOT NULL,
		data BLOB NOT NULL,
		tokens TEXT -- names.IndexTokens of the names, space-separated (see names.go)
	)`,
	`CREATE TABLE IF NOT EXISTS entity_identifiers (
		identifier TEXT NOT NULL,
		rid        INTEGER NOT NULL,
		PRIMARY KEY (identifier, rid)
	) WITHOUT ROWID`,
	`CREATE INDEX IF NOT EXISTS entity_identifiers_rid ON entity_identifiers (rid)`,
	// rowid = entities.rid<<formBits | form number; folded = a search form
	// of one of its names (names.go). Diacritics are already stripped by the
	// folding, so the tokenizer only splits.
	`CREATE VIRTUAL TABLE IF NOT EXISTS entity_names USING fts5 (folded, tokenize = 'unicode61 remove_diacritics 0')`,
	`CREATE TABLE IF NOT EXISTS name_tokens (
		token TEXT NOT NULL,
		len   INTEGER NOT NULL, -- the entity's number of tokens
		rid   INTEGER NOT NULL,
		PRIMARY KEY (token, len, rid)
	) WITHOUT ROWID`,
	`CREATE TABLE IF NOT EXISTS name_token_df (
		token TEXT PRIMARY KEY,
		df    INTEGER NOT NULL
	) WITHOUT ROWID`,
	`CREATE TABLE IF NOT EXISTS name_index_stats (docs INTEGER NOT NULL, tokens INTEGER NOT NULL)`,
	`INSERT INTO name_index_stats (docs, tokens) SELECT 0, 0 WHERE NOT EXISTS (SELECT 1 FROM name_index_stats)`,
	`CREATE TABLE IF NOT EXISTS aliases (
		alias     TEXT PRIMARY KEY,
		canonical TEXT NOT NULL
	) WITHOUT ROWID`,
	`CREATE INDEX IF NOT EXISTS aliases_canonical ON aliases (canonical)`,
	`CREATE TABLE IF NOT EXISTS relationships (
		rid    INTEGER PRIMARY KEY,
		id     TEXT NOT NULL UNIQUE,
		holder TEXT NOT NULL,
		held   TEXT NOT NULL,
		kind   TEXT NOT NULL,
		data   BLOB NOT NULL
	)`,
	`CREATE INDEX IF NOT EXISTS relationships_holder ON relationships (holder, id)`,
	`CREATE INDEX IF NOT EXISTS relationships_held ON relationships (held, id)`,
	`CREATE TABLE IF NOT EXISTS runs (
		id      TEXT PRIMARY KEY,
		started INTEGER NOT NULL, -- unix nanoseconds, for ordering
		status  TEXT NOT NULL,
		data    BLOB NOT NULL
	) WITHOUT ROWID`,
	`CREATE INDEX IF NOT EXISTS runs_started ON runs (started, id)`,
	`CREATE TABLE IF NOT EXISTS results (
		run_id    TEXT NOT NULL,
		entity_id TEXT NOT NULL,
		verdict   TEXT NOT NULL,
		flagged   INTEGER NOT NULL,
		data      BLOB NOT NULL,
		PRIMARY KEY (run_id, entity_id)
	) WITHOUT ROWID`,
	// The snapshot ledger (snapshot.go): per source, each record (kind 0:
	// an entity id as the source wrote it, 1: a relationship id) the last
	// snapshot asserted, with the list tags it gave; pending_* is what the
	// snapshot of generation pending_gen, not yet retired, asserted.
	`CREATE TABLE IF NOT EXISTS source_assertions (
		source          TEXT NOT NULL,
		kind            INTEGER NOT NULL,
		id              TEXT NOT NULL,
		committed_lists TEXT NOT NULL DEFAULT '[]', -- JSON array
		pending_gen     INTEGER NOT NULL,
		pending_lists   TEXT NOT NULL DEFAULT '[]',
		PRIMARY KEY (source, kind, id)
	) WITHOUT ROWID`,
}

// dataTables are dropped by Reset (Init recreates them).
var dataTables = []string{"entities", "entity_identifiers", "entity_names", "name_tokens",
	"name_token_df", "name_index_stats", "aliases", "relationships", "runs", "results", "source_assertions"}

// Store is the embedded store. It is safe for concurrent use; writes are
// serialised in-process and across processes by SQLite's file lock.
type Store struct {
	path string
	db   *sql.DB
	// writeMu serialises write transactions of this process so they queue
	// here instead of spinning on SQLite's busy handler.
	writeMu sync.Mutex
	// stmts are the prepared statements of the hot read paths (screening
	// runs several small queries per customer; parsing them each time was a
	// tenth of its CPU), by query text.
	stmts sync.Map
}

// The store, and the optional ability only it has (store/optional.go).
var (
	_ store.Store            = (*Store)(nil)
	_ store.Checker          = (*Store)(nil)
	_ store.DeltaResultStore = (*Store)(nil)
	_ store.HolderReader     = (*Store)(nil)
)

// Open opens (creating if needed) the store file at path and makes sure its
// schema exists. Any failure to open, read or lock the file wraps
// store.ErrUnreachable.
func Open(path string) (*Store, error) {
	if path == "" {
		return nil, fmt.Errorf("embedded store: empty path: %w", store.ErrUnreachable)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("embedded store %s: is a directory: %w", path, store.ErrUnreachable)
	}
	if _, err := os.Stat(filepath.Dir(path)); err != nil {
		return nil, fmt.Errorf("embedded store %s: %w: %w", path, store.ErrUnreachable, err)
	}
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("embedded store %s: %w: %w", path, store.ErrUnreachable, err)
	}
	// Readers run concurrently with one writer under WAL; a few connections
	// are enough for streams plus lookups from their callbacks.
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(4)
	s := &Store{path: path, db: db}
	ctx := context.Background()
	if err := s.checkSchema(ctx); err != nil {
		db.Close()
		if errors.Is(err, store.ErrUnreachable) {
			return nil, err
		}
		if corrupt(err) {
			return nil, corruptError(path, "open", err)
		}
		return nil, fmt.Errorf("embedded store %s: %w: %w", path, store.ErrUnreachable, err)
	}
	return s, nil
}

// OpenExisting is Open for a store that must already exist: what every
// command but those that load data uses, so that a mistyped path is an
// error instead of a new, empty store. A missing file wraps
// store.ErrNoStore (and store.ErrUnreachable).
func OpenExisting(path string) (*Store, error) {
	if path != "" {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("embedded store %s: %w", path, store.ErrNoStore)
		}
	}
	return Open(path)
}

// dsn builds the driver name for path with the per-connection pragmas.
func dsn(path string) string {
	// SQLite URI: escape the characters that end or escape a URI path.
	escaped := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(path))
	pragmas := []string{
		fmt.Sprintf("busy_timeout(%d)", busyTimeoutMillis),
		"journal_mode(WAL)",
		// FULL: a committed batch survives power loss, not only a crash.
		"synchronous(FULL)",
		"foreign_keys(OFF)",
		"cache_size(-65536)", // 64 MiB page cache per connection
		// Reads straight from the mapped file instead of a pread per page
		// missing from the cache: the id-ordered streams (entities by
		// their id index) jump around the table. SQLite caps it (2 GiB).
		"mmap_size(2147418112)",
		// A checkpointed WAL that grew during a bulk write is cut back.
		"journal_size_limit(67108864)",
		"temp_store(MEMORY)",
	}
	// Only writes use transactions: take the write lock at BEGIN so a
	// transaction never fails half way on a lock upgrade.
	q := []string{"_txlock=immediate"}
	for _, p := range pragmas {
		q = append(q, "_pragma="+p)
	}
	return "file:" + escaped + "?" + strings.Join(q, "&")
}

// checkSchema initialises a new file and refuses one written by a newer ubo.
func (s *Store) checkSchema(ctx context.Context) error {
	var n int
	err := s.db.QueryRowContext(ctx,
		`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'`).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return s.Init(ctx)
	}
	var v int
	switch err := s.db.QueryRowContext(ctx, `SELECT max(version) FROM schema_version`).Scan(&v); {
	case err != nil:
		return fmt.Errorf("read schema version: %w", err)
	case v > schemaVersion:
		return fmt.Errorf("schema version %d is newer than this ubo supports (%d)", v, schemaVersion)
	case v == schemaVersion:
		return nil // opening an initialised store writes nothing
	}
	return s.Init(ctx)
}

// Backend implements store.Store.
func (s *Store) Backend() string { return "embedded" }

// Path is the file the store lives in.
func (s *Store) Path() string { return s.path }

// Init implements store.Store: creates every table and index that is
// missing, migrates a file of an older schema and records the schema
// version.
func (s *Store) Init(ctx context.Context) error {
	return s.write(ctx, "init", func(tx *sql.Tx) error {
		if err := s.migrateNameIndex(ctx, tx); err != nil {
			return err
		}
		for _, stmt := range schema {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("%s: %w", firstLine(stmt), err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM schema_version`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (?)`, schemaVersion)
		return err
	})
}

// migrateNameIndex turns a file of schema version 1 (entities without
// tokens, entity_names keyed by rid) into version 2: the new column, the
// tables, then every entity's name index computed from its stored names.
// A file without entities, or already migrated, is left alone.
func (s *Store) migrateNameIndex(ctx context.Context, tx *sql.Tx) error {
	var tables, tokenColumns int
	if err := tx.QueryRowContext(ctx,
		`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'entities'`).Scan(&tables); err != nil {
		return err
	}
	if tables == 0 {
		return nil
	}
	if err := tx.QueryRowContext(ctx,
		`SELECT count(*) FROM pragma_table_info('entities') WHERE name = 'tokens'`).Scan(&tokenColumns); err != nil {
		return err
	}
	if tokenColumns > 0 {
		return nil
	}
	for _, stmt := range append([]string{`ALTER TABLE entities ADD COLUMN tokens TEXT`, `DROP TABLE IF EXISTS entity_names`}, schema...) {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("migrate name index: %s: %w", firstLine(stmt), err)
		}
	}
	return s.reindexNames(ctx, tx)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// Close implements store.Store.
func (s *Store) Close(ctx context.Context) error {
	s.stmts.Range(func(_, v any) bool {
		_ = v.(*sql.Stmt).Close() // closing the database closes them anyway
		return true
	})
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("embedded store %s: close: %w", s.path, err)
	}
	return nil
}

// write runs fn in one write transaction and commits it.
func (s *Store) write(ctx context.Context, what string, fn func(tx *sql.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap(what, err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return s.wrap(what, err)
	}
	if err := tx.Commit(); err != nil {
		return s.wrap(what, err)
	}
	return nil
}

// writeRelaxed is write with synchronous=NORMAL for this one transaction:
// the commit goes to the WAL without waiting for the disk. A crash still
// leaves a consistent file; a power loss may lose such commits, but only
// until the next synchronous commit, which syncs the WAL with every frame
// before it. WriteResults uses it: its results matter only once FinishRun
// (synchronous) completes the run, and an fsync per batch was most of the
// write-back's wall time. The WAL is also checkpointed less often
// (relaxedCheckpointPages): each checkpoint syncs the file twice and copies
// pages that the next batch changes again.
func (s *Store) writeRelaxed(ctx context.Context, what string, fn func(tx *sql.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return s.wrap(what, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = %d`, relaxedCheckpointPages)); err != nil {
		return s.wrap(what, err)
	}
	defer func() {
		// The connection goes back to the pool: it must be as configured
		// again, or be discarded.
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 1000`); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap(what, err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return s.wrap(what, err)
	}
	if err := tx.Commit(); err != nil {
		return s.wrap(what, err)
	}
	return nil
}

// wrap names the store and the operation; context errors stay matchable,
// and a file that is locked, unreadable or not a database also matches
// store.ErrUnreachable.
func (s *Store) wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	if corrupt(err) {
		return corruptError(s.path, what, err)
	}
	if unreachable(err) {
		return fmt.Errorf("embedded store %s: %s: %w: %w", s.path, what, store.ErrUnreachable, err)
	}
	return fmt.Errorf("embedded store %s: %s: %w", s.path, what, err)
}

// ErrCorrupt is matched by every error reading a store file that is not
// an intact SQLite database (truncated, overwritten, not a database at
// all); it also matches store.ErrUnreachable (exit 3).
var ErrCorrupt = errors.New("the store file is corrupt")

// corrupt reports SQLite errors meaning the file's content is damaged.
func corrupt(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		return true
	}
	return false
}

// corruptError says what a damaged file means for the user: SQLite's own
// "database disk image is malformed" does not say what to do.
func corruptError(path, what string, err error) error {
	return fmt.Errorf("embedded store %s: %s: %w: %w: %w (restore it from a backup, or move it away and ingest again)",
		path, what, store.ErrUnreachable, ErrCorrupt, err)
}

// Check reads every page of the file and verifies its structure (SQLite's
// PRAGMA quick_check: b-trees, page lists, record formats; not that
// indexes agree with their tables), which a damaged page would fail: a
// plain Status reads only the tables it counts. It takes about as long as
// reading the whole file. A damaged file gives an error matching
// ErrCorrupt, naming the first problems found.
func (s *Store) Check(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `PRAGMA quick_check(10)`)
	if err != nil {
		return s.wrap("check", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return s.wrap("check", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return s.wrap("check", err)
	}
	if len(problems) > 0 {
		return corruptError(s.path, "check", errors.New(strings.Join(problems, "; ")))
	}
	return nil
}

// unreachable reports SQLite errors meaning the file cannot be used now.
func unreachable(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff { // primary result code
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CANTOPEN,
		sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM:
		return true
	}
	return false
}

// Status implements store.Store.
func (s *Store) Status(ctx context.Context) (store.Status, error) {
	st := store.Status{Backend: s.Backend(), Location: s.path,
		Entities: map[string]int{}, Relationships: map[string]int{}}
	if err := ctx.Err(); err != nil {
		return st, err
	}
	if err := s.db.QueryRowContext(ctx, `SELECT sqlite_version()`).Scan(&st.ServerVersion); err != nil {
		return st, s.wrap("status", err)
	}
	for table, m := range map[string]map[string]int{"entities": st.Entities, "relationships": st.Relationships} {
		if err := s.countBy(ctx, `SELECT kind, count(*) FROM `+table+` GROUP BY kind`, m); err != nil {
			return st, s.wrap("status", err)
		}
	}
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM runs`).Scan(&st.Runs); err != nil {
		return st, s.wrap("status", err)
	}
	return st, nil
}

func (s *Store) countBy(ctx context.Context, query string, into map[string]int) error {
	rows, err := s.db.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return err
		}
		into[k] = n
	}
	return rows.Err()
}

// Reset implements store.Store: drops every data table and recreates the
// schema, which is fast whatever the size of the file.
func (s *Store) Reset(ctx context.Context) error {
	err := s.write(ctx, "reset", func(tx *sql.Tx) error {
		for _, t := range dataTables {
			if _, err := tx.ExecContext(ctx, `DROP TABLE IF EXISTS `+t); err != nil {
				return fmt.Errorf("drop %s: %w", t, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := s.Init(ctx); err != nil {
		return err
	}
	// Give the freed pages back to the file system lazily; not needed for
	// correctness, so errors are ignored.
	_, _ = s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return nil
}
