package screen

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/ubo-project/ubo/internal/atomicfile"
)

// FileOptions say where a screening reads and writes.
type FileOptions struct {
	In     string // customer file (CSV or JSON Lines)
	Format Format // of In; "" detects from the name and first byte
	// Out is written atomically (a temporary file renamed at the end);
	// empty writes to Stdout.
	Out    string
	Stdout io.Writer
	// OutFormat of the rows: "jsonl" (default) or "csv".
	OutFormat string
	// Rejects is the rejects file (file, line, field, reason), written
	// atomically and only when a row was rejected; a stale one is removed.
	Rejects  string
	Workers  int
	Progress func(read int)
}

// ScreenFile screens the customer file opts.In.
func (s *Screener) ScreenFile(ctx context.Context, opts FileOptions) (Summary, error) {
	f, err := os.Open(opts.In)
	if err != nil {
		return Summary{}, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	format := opts.Format
	if format == "" {
		head, _ := br.Peek(512)
		format = DetectFormat(opts.In, head)
	}
	rd, err := NewReader(br, opts.In, format)
	if err != nil {
		return Summary{}, err
	}
	var sum Summary
	screen := func(out io.Writer, rejects io.Writer) error {
		var w RowWriter
		switch opts.OutFormat {
		case "", "jsonl":
			w = NewJSONLWriter(out)
		case "csv":
			w = NewCSVWriter(out)
		default:
			return fmt.Errorf("unknown output format %q (jsonl or csv)", opts.OutFormat)
		}
		var rw *csv.Writer
		reject := func(r Reject) error {
			if rejects == nil {
				return nil
			}
			if rw == nil {
				rw = csv.NewWriter(rejects)
				if err := rw.Write([]string{"file", "line", "field", "reason"}); err != nil {
					return err
				}
			}
			return rw.Write([]string{r.File, strconv.Itoa(r.Line), r.Field, r.Reason})
		}
		var err error
		sum, err = s.ScreenAll(ctx, rd, w, Options{Workers: opts.Workers, Reject: reject, Progress: opts.Progress})
		if err != nil {
			return err
		}
		if rw != nil {
			rw.Flush()
			return rw.Error()
		}
		return nil
	}
	withRejects := func(out io.Writer) error {
		if opts.Rejects == "" {
			return screen(out, nil)
		}
		err := atomicfile.Write(opts.Rejects, func(rej io.Writer) error { return screen(out, rej) })
		if err == nil && sum.Rejected == 0 {
			// No rejects this time: a rejects file from an earlier run would mislead.
			if rmErr := os.Remove(opts.Rejects); rmErr != nil && !errors.Is(rmErr, os.ErrNotExist) {
				return rmErr
			}
		}
		return err
	}
	if opts.Out == "" {
		bw := bufio.NewWriter(opts.Stdout)
		if err := withRejects(bw); err != nil {
			return sum, err
		}
		return sum, bw.Flush()
	}
	return sum, atomicfile.Write(opts.Out, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		if err := withRejects(bw); err != nil {
			return err
		}
		return bw.Flush()
	})
}
