package csv

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/ingest/ingesttest"
)

// TestHugeInputs: a gigabyte on one line ends the file with a
// *ingest.LineTooLongError naming the line; a million lines of garbage
// are malformed lines or rows, one each; memory stays bounded.
func TestHugeInputs(t *testing.T) {
	tests := []struct {
		name  string
		input func() io.Reader
		long  int // the line too long, 0 for none
	}{
		{"1 GB single line", func() io.Reader { return ingesttest.Repeat("id,name,kind\nc1,\"", "x", "\",company\n", 1<<30) }, 2},
		{"1 GB unquoted line", func() io.Reader { return ingesttest.Repeat("id,name,kind\n", "x", "\n", 1<<30) }, 2},
		{"a million lines of garbage", func() io.Reader {
			return ingesttest.Repeat("id,name,kind\n", "\x01\xff\"no,\x00\"t\"csv\t\n", "", 1_000_000)
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			records := 0
			grew := ingesttest.HeapGrowth(func() {
				r := newRecordReader(tt.input())
				for {
					var rec []string
					rec, _, err = r.Read()
					var m *malformed
					if errors.As(err, &m) {
						records++
						continue
					}
					if err != nil {
						break
					}
					if records++; records == 1 {
						r.width = len(rec)
					}
				}
			})
			var long *ingest.LineTooLongError
			switch {
			case tt.long == 0 && !errors.Is(err, io.EOF):
				t.Errorf("error %v, want the end of the file", err)
			case tt.long > 0 && (!errors.As(err, &long) || long.Line != tt.long || !strings.Contains(err.Error(), "longer than 16 MiB")):
				t.Errorf("error %v, want line %d too long", err, tt.long)
			case tt.long == 0 && records != 1_000_001:
				t.Errorf("%d records and malformed lines, want 1,000,001", records)
			}
			if grew > 256 {
				t.Errorf("the heap grew by %d MiB", grew)
			}
			t.Logf("%v; %d records or malformed lines; heap +%d MiB", err, records, grew)
		})
	}
}
