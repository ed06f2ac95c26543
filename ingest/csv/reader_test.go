package csv

import (
	"bytes"
	stdcsv "encoding/csv"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
)

// FuzzRecordReaderWellFormed: on CSV that encoding/csv writes (quoted
// fields with commas, quotes and newlines, one width), the line-based
// reader returns exactly encoding/csv's records and line numbers.
func FuzzRecordReaderWellFormed(f *testing.F) {
	for _, s := range []string{"a|b|c", "x,y|\"q\"|z", "multi\nline|two\r\nlines|", " lead|trail |", "é|中文|\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parts := strings.Split(s, "|")
		var buf bytes.Buffer
		w := stdcsv.NewWriter(&buf)
		w.Write([]string{"h1", "h2", "h3"})
		for i := 0; i+3 <= len(parts); i += 3 {
			w.Write(parts[i : i+3])
		}
		w.Flush()
		want := stdcsv.NewReader(bytes.NewReader(buf.Bytes()))
		want.FieldsPerRecord = -1
		got := newRecordReader(bytes.NewReader(buf.Bytes()))
		for n := 0; ; n++ {
			wrec, werr := want.Read()
			grec, gline, gerr := got.Read()
			if n == 0 {
				got.width = len(grec)
			}
			if errors.Is(werr, io.EOF) || werr != nil {
				if werr == io.EOF && gerr != io.EOF {
					t.Fatalf("record %d: encoding/csv ends, reader gives %q, %v", n, grec, gerr)
				}
				return // input encoding/csv itself cannot read back (NUL, invalid UTF-8 are fine; others skip)
			}
			wline, _ := want.FieldPos(0)
			if gerr != nil || !slices.Equal(wrec, grec) || gline != wline {
				t.Fatalf("record %d: reader %q at line %d (%v), encoding/csv %q at line %d", n, grec, gline, gerr, wrec, wline)
			}
		}
	})
}

// FuzzRecordReader: on arbitrary bytes the reader never panics, every
// record or malformed line names a line after the one before, and it
// ends (at most one record per physical line).
func FuzzRecordReader(f *testing.F) {
	for _, s := range []string{"id,name,kind\na,A,company\n", "h1,h2\n\"open,x\ny,z\n", "a,b\n\"\"\"\n\r\n,,\n", "\xff\xfe,\x00\n\"a\"b,c\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := newRecordReader(bytes.NewReader(data))
		lines := bytes.Count(data, []byte("\n")) + 1
		last := 0
		for n := 0; ; n++ {
			rec, line, err := r.Read()
			if n == 0 {
				r.width = len(rec)
			}
			if errors.Is(err, io.EOF) {
				return
			}
			var m *malformed
			if err != nil && !errors.As(err, &m) {
				return // a read error ends the file
			}
			if line <= last || line > lines {
				t.Fatalf("record %d at line %d, after line %d (input of %d lines)", n, line, last, lines)
			}
			last = line
		}
	})
}
