package embedded

import (
	"context"
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
