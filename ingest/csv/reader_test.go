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
