package screen

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/ubo-project/ubo/internal/atomicfile"
	"github.com/ubo-project/ubo/internal/progress"
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
	// Rejects is the rejects file (file, line, field, reason). A named one
	// (RejectsNamed, the user's --rejects) is always written, its header
	// alone when nothing was rejected, so that it describes this run;
	// otherwise the file is written only when a row was rejected, under
	// the first free name (Rejects, else Rejects with -2, -3, ...), and an
	// earlier run's file is never removed or replaced.
	Rejects      string
	RejectsNamed bool
	Workers      int
	Progress     progress.Reporter // see Options.Progress
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
	rej := &rejectsFile{path: opts.Rejects, named: opts.RejectsNamed}
	defer rej.abandon()
	screen := func(out io.Writer) error {
		var w RowWriter
		switch opts.OutFormat {
		case "", "jsonl":
			w = NewJSONLWriter(out)
		case "csv":
			w = NewCSVWriter(out)
		default:
			return fmt.Errorf("unknown output format %q (jsonl or csv)", opts.OutFormat)
		}
		var err error
		sum, err = s.ScreenAll(ctx, rd, w, Options{Workers: opts.Workers, Reject: rej.write, Progress: opts.Progress})
		if err != nil {
			return err
		}
		sum.RejectsFile, err = rej.finish()
		return err
	}
	if opts.Out == "" {
		bw := bufio.NewWriter(opts.Stdout)
		if err := screen(bw); err != nil {
			return sum, err
		}
		return sum, bw.Flush()
	}
	return sum, atomicfile.Write(opts.Out, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		if err := screen(bw); err != nil {
			return err
		}
		return bw.Flush()
	})
}

// rejectsFile writes rejected rows to a temporary file beside path and
// gives it its name at the end (see FileOptions.Rejects).
type rejectsFile struct {
	path  string
	named bool
	tmp   *os.File
	w     *csv.Writer
}

func (r *rejectsFile) write(rej Reject) error {
	if r.path == "" {
		return nil
	}
	if r.tmp == nil {
		if err := r.open(); err != nil {
			return err
		}
	}
	if err := r.w.Write([]string{rej.File, strconv.Itoa(rej.Line), rej.Field, rej.Reason}); err != nil {
		return fmt.Errorf("write rejects %s: %w", r.path, err)
	}
	return nil
}

func (r *rejectsFile) open() error {
	f, err := os.CreateTemp(filepath.Dir(r.path), "."+filepath.Base(r.path)+".*.tmp")
	if err == nil {
		err = f.Chmod(atomicfile.Perm())
	}
	if err != nil {
		if f != nil {
			f.Close()
			os.Remove(f.Name())
		}
		return fmt.Errorf("create rejects file %s: %w", r.path, err)
	}
	r.tmp, r.w = f, csv.NewWriter(f)
	if err := r.w.Write([]string{"file", "line", "field", "reason"}); err != nil {
		return fmt.Errorf("write rejects %s: %w", r.path, err)
	}
	return nil
}

// finish names the file and returns its path ("" when none was written).
func (r *rejectsFile) finish() (string, error) {
	if r.path == "" {
		return "", nil
	}
	if r.tmp == nil {
		if !r.named {
			return "", nil // nothing rejected, and nothing removed
		}
		if err := r.open(); err != nil {
			return "", err
		}
	}
	r.w.Flush()
	err := r.w.Error()
	if err == nil {
		err = r.tmp.Sync()
	}
	if cerr := r.tmp.Close(); err == nil {
		err = cerr
	}
	tmp := r.tmp.Name()
	r.tmp = nil
	path := r.path
	if err == nil {
		if r.named {
			err = os.Rename(tmp, path)
		} else {
			path, err = atomicfile.LinkNew(tmp, path)
		}
	}
	if err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("write rejects file %s: %w", r.path, err)
	}
	return path, nil
}

// abandon removes the temporary file of a screening that failed.
func (r *rejectsFile) abandon() {
	if r.tmp != nil {
		r.tmp.Close()
		os.Remove(r.tmp.Name())
		r.tmp = nil
	}
}
