package gleif

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/ingest/ingesttest"
)

// TestHugeCSVLine: a golden-copy CSV with a gigabyte on one line stops
// with an error naming the file and the line, in bounded memory.
func TestHugeCSVLine(t *testing.T) {
	tests := []struct {
		name  string
		input func() io.Reader
		err   string
	}{
		{"1 GB header", func() io.Reader { return ingesttest.Repeat("LEI,Entity.LegalName", "x", "\n", 1<<30) }, "huge.csv: line 1 is longer than 16 MiB"},
		{"1 GB row", func() io.Reader {
			return ingesttest.Repeat("LEI,Entity.LegalName\n5493001KJTIIGC8Y1R12,\"", "x", "\"\n", 1<<30)
		}, "huge.csv: line 2 is longer than 16 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			grew := ingesttest.HeapGrowth(func() {
				err = ParseReader(context.Background(), "huge.csv", tt.input(), &ingesttest.CountSink{}, Options{})
			})
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("error %v, want %q", err, tt.err)
			}
			if grew > 256 {
				t.Errorf("the heap grew by %d MiB", grew)
			}
			t.Logf("%v; heap +%d MiB", err, grew)
		})
	}
}
