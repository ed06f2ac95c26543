package ftm

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/ingest/ingesttest"
)

// TestHugeInputs: a gigabyte on one line stops the file with an error
// naming it and the line; a million lines of garbage and deeply nested
// JSON are rejected line by line; memory stays bounded throughout.
func TestHugeInputs(t *testing.T) {
	const garbage = "\x01\xffnot {json\"\x00\t,,\n"
	tests := []struct {
		name    string
		input   func() io.Reader
		err     string
		rejects int
	}{
		{"1 GB single line", func() io.Reader {
			return ingesttest.Repeat(`{"id":"x","schema":"Company","properties":{"name":["`, "x", "\"]}}\n", 1<<30)
		}, "huge.json: line 1 is longer than 16 MiB", 0},
		{"a million lines of garbage", func() io.Reader { return ingesttest.Repeat("", garbage, "", 1_000_000) }, "", 1_000_000},
		{"nested a million deep", func() io.Reader { return ingesttest.Repeat(`{"id":"x","schema":`, "[", "\n", 1_000_000) }, "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := &ingesttest.CountSink{}
			var err error
			grew := ingesttest.HeapGrowth(func() { err = NewParser(sink).ParseReader(context.Background(), "huge.json", tt.input()) })
			if (tt.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("error %v, want %q", err, tt.err)
			}
			if sink.Rejects < tt.rejects {
				t.Errorf("%d rejects, want %d", sink.Rejects, tt.rejects)
			}
			if grew > 256 {
				t.Errorf("the heap grew by %d MiB", grew)
			}
			t.Logf("%v; %d rejects; heap +%d MiB", err, sink.Rejects, grew)
		})
	}
}
