package screen

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
)

// repeatReader yields prefix, then body repeated n times, then suffix,
// without holding more than one copy of each: a gigabyte of input costs
// no memory of its own.
type repeatReader struct {
	parts [][]byte
	n     int // repeats of parts[1] left
	pos   int
}

func repeated(prefix, body, suffix string, n int) io.Reader {
	return &repeatReader{parts: [][]byte{[]byte(prefix), []byte(body), []byte(suffix)}, n: n}
}

func (r *repeatReader) Read(p []byte) (int, error) {
	total := 0
	for len(p) > 0 {
		switch {
		case len(r.parts[0]) > 0:
			k := copy(p, r.parts[0])
			r.parts[0] = r.parts[0][k:]
			p, total = p[k:], total+k
		case r.n > 0:
			k := copy(p, r.parts[1][r.pos:])
			if r.pos += k; r.pos == len(r.parts[1]) {
				r.pos, r.n = 0, r.n-1
			}
			p, total = p[k:], total+k
		case len(r.parts[2]) > 0:
			k := copy(p, r.parts[2])
			r.parts[2] = r.parts[2][k:]
			p, total = p[k:], total+k
		default:
			if total == 0 {
				return 0, io.EOF
			}
			return total, nil
		}
	}
	return total, nil
}

// TestHugeInputs: a customer file of a gigabyte on one line, a million
// lines of garbage, an unclosed quote at the top of a large file, or
// deeply nested JSON: the reader stops with an error naming the line, or
// rejects each bad row, with memory bounded by its line and record limits.
func TestHugeInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("reads gigabytes of generated input")
	}
	const gb = 1 << 30
	garbage := "\x01\xffnot,a\"customer;\x00row\t\n"
	tests := []struct {
		name    string
		format  Format
		input   func() io.Reader
		err     string // the error that stops the file; "" when it reads to the end
		rejects int    // at least this many rejected rows
	}{
		{"csv: 1 GB single line", CSV, func() io.Reader { return repeated("customer_id,name\nc1,", "x", "\n", gb) }, "after line 1: line 2: longer than 16 MiB", 0},
		{"csv: 1 GB header", CSV, func() io.Reader { return repeated("", "customer_id", "\n", gb/11) }, "header: line 1: longer than 16 MiB", 0},
		{"csv: unclosed quote, then a million lines", CSV, func() io.Reader {
			return repeated("customer_id,name\nc1,\"open\n", strings.Repeat("y", 100)+"\n", "", 1_000_000)
		}, "after line 1: a record longer than 32 MiB", 0},
		{"csv: a million lines of garbage", CSV, func() io.Reader { return repeated("customer_id,name\n", garbage, "", 1_000_000) }, "", 1_000_000},
		{"jsonl: 1 GB single line", JSONL, func() io.Reader { return repeated(`{"customer_id":"c1","name":"`, "x", `"}`+"\n", gb) }, "line 1: longer than 16 MiB", 0},
		{"jsonl: a million lines of garbage", JSONL, func() io.Reader { return repeated("", garbage, "", 1_000_000) }, "", 1_000_000},
		{"jsonl: deeply nested", JSONL, func() io.Reader { return repeated(`{"customer_id":`, "[", "\n", 4_000_000) }, "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runtime.GC()
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			rd, err := NewReader(tt.input(), "customers", tt.format)
			rejects := 0
			for err == nil {
				_, _, err = rd.Next()
				var rej *Reject
				if errors.As(err, &rej) {
					rejects++
					err = nil
				}
			}
			if errors.Is(err, io.EOF) {
				err = nil
			}
			switch {
			case tt.err == "" && err != nil:
				t.Errorf("error %v, want none", err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err) || !strings.HasPrefix(err.Error(), "customers")):
				t.Errorf("error %v, want one naming the file and saying %q", err, tt.err)
			}
			if rejects < tt.rejects {
				t.Errorf("%d rejects, want at least %d", rejects, tt.rejects)
			}
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			if grew := int64(after.TotalAlloc-before.TotalAlloc) / int64(max(1, rejects)); after.HeapSys > before.HeapSys+256<<20 {
				t.Errorf("the heap grew by %d MiB (%d bytes allocated per reject)", (after.HeapSys-before.HeapSys)>>20, grew)
			}
			t.Logf("%v; %d rejects; heap %d → %d MiB", err, rejects, before.HeapSys>>20, after.HeapSys>>20)
		})
	}
}
