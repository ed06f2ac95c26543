package embedded

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
)

// eachRow runs query on a connection of its own and calls fn with each
// row's columns as the driver gives them (nil, int64, float64, string or
// []byte), valid until fn returns. The whole-graph and results streams go
// through it rather than through sql.Rows: database/sql's per-row work
// (its locks, converting every column into a Scan destination) cost a fifth
// of such a stream, and the streams decode each row anyway.
//
// An error fn returns is returned as is; any other names the store and
// what (see wrap). A done ctx ends the stream with its error.
func (s *Store) eachRow(ctx context.Context, what, query string, args []any, fn func(row []driver.Value) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	named := make([]driver.NamedValue, len(args))
	for i, a := range args {
		v, err := driver.DefaultParameterConverter.ConvertValue(a)
		if err != nil {
			return s.wrap(what, fmt.Errorf("argument %d: %w", i+1, err))
		}
		named[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return s.wrap(what, err)
	}
	defer conn.Close()
	var fnErr error
	err = conn.Raw(func(dc any) error {
		q, ok := dc.(driver.QueryerContext)
		if !ok {
			return errors.New("the SQLite driver cannot query a connection")
		}
		rows, err := q.QueryContext(ctx, query, named)
		if err != nil {
			return err
		}
		defer rows.Close()
		row := make([]driver.Value, len(rows.Columns()))
		done := ctx.Done()
		for {
			select {
			case <-done:
				return ctx.Err()
			default:
			}
			if err := rows.Next(row); err == io.EOF {
				return nil
			} else if err != nil {
				return err
			}
			if fnErr = fn(row); fnErr != nil {
				return fnErr
			}
		}
	})
	if fnErr != nil {
		return fnErr
	}
	return s.wrap(what, err)
}

// blobColumn is a BLOB (or TEXT) column's bytes; NULL is nil.
func blobColumn(v driver.Value) ([]byte, error) {
	switch v := v.(type) {
	case []byte:
		return v, nil
	case string:
		return []byte(v), nil
	case nil:
		return nil, nil
	}
	return nil, fmt.Errorf("column holds %T, want bytes", v)
}

// textColumn is a TEXT (or BLOB) column's string.
func textColumn(v driver.Value) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case []byte:
		return string(v), nil
	}
	return "", fmt.Errorf("column holds %T, want text", v)
}

// intColumn is an INTEGER column's value.
func intColumn(v driver.Value) (int64, error) {
	if i, ok := v.(int64); ok {
		return i, nil
	}
	return 0, fmt.Errorf("column holds %T, want an integer", v)
}

// prepared returns the statement for query, prepared once per store
// (database/sql prepares it again on each connection that runs it).
func (s *Store) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := s.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := s.stmts.LoadOrStore(query, st); loaded {
		_ = st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// eachPrepared is eachRow for the small, frequent queries of the hot read
// paths: the same callback, through a statement prepared once (query must
// be a constant text, since every distinct text stays prepared).
func (s *Store) eachPrepared(ctx context.Context, what, query string, args []any, fn func(row []driver.Value) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	st, err := s.prepared(ctx, query)
	if err != nil {
		return s.wrap(what, err)
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return s.wrap(what, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return s.wrap(what, err)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	row := make([]driver.Value, len(cols))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return s.wrap(what, err)
		}
		for i, v := range vals {
			row[i] = v
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	return s.wrap(what, rows.Err())
}
