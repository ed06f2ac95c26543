package embedded

import (
	"context"
	"database/sql"
	"strings"
)

// bulkRows is how many rows one multi-row INSERT carries: per-statement
// overhead (driver, VDBE setup) dominates single-row inserts.
const bulkRows = 128

// bulkInsert buffers rows and writes them with multi-row INSERT statements
// prepared once per row count within a transaction.
type bulkInsert struct {
	tx    *sql.Tx
	head  string // "INSERT INTO t (a, b) VALUES "
	tail  string // e.g. an ON CONFLICT clause
	row   string // "(?, ?)"
	cols  int
	rows  int // rows per statement
	args  []any
	stmts map[int]*sql.Stmt
}

func newBulk(tx *sql.Tx, head, tail string, cols int) *bulkInsert {
	return newBulkRows(tx, head, tail, cols, bulkRows)
}

// newBulkRows is newBulk with rows per statement.
func newBulkRows(tx *sql.Tx, head, tail string, cols, rows int) *bulkInsert {
	return &bulkInsert{tx: tx, head: head, tail: tail, cols: cols, rows: rows,
		row:   "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")",
		stmts: map[int]*sql.Stmt{}}
}

func (b *bulkInsert) add(ctx context.Context, vals ...any) error {
	b.args = append(b.args, vals...)
	if len(b.args) >= b.rows*b.cols {
		return b.flush(ctx)
	}
	return nil
}

func (b *bulkInsert) flush(ctx context.Context) error {
	n := len(b.args) / b.cols
	if n == 0 {
		return nil
	}
	st := b.stmts[n]
	if st == nil {
		var q strings.Builder
		q.WriteString(b.head)
		for i := range n {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(b.row)
		}
		q.WriteString(b.tail)
		var err error
		if st, err = b.tx.PrepareContext(ctx, q.String()); err != nil {
			return err
		}
		b.stmts[n] = st
	}
	_, err := st.ExecContext(ctx, b.args...)
	clear(b.args)
	b.args = b.args[:0]
	return err
}
