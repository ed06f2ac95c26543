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

// TestHugeXMLValue: one gigabyte-long value in a golden-copy XML file (a
// text value, an attribute value; the file has no lines to bound) stops
// with an error naming the file, the line and the element, in bounded
// memory; a small limit shows the bound is the option's.
func TestHugeXMLValue(t *testing.T) {
	const head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<lei:LEIData xmlns:lei=\"http://www.gleif.org/data/schema/leidata/2016\">\n<lei:LEIRecords>\n<lei:LEIRecord>\n<lei:LEI>5493001KJTIIGC8Y1R12</lei:LEI>\n<lei:Entity>\n"
	tests := []struct {
		name  string
		max   int
		input func() io.Reader
		err   string
	}{
		{"1 GB legal name", 0, func() io.Reader {
			return ingesttest.Repeat(head+"<lei:LegalName xml:lang=\"en\">", "x", "</lei:LegalName>", 1<<30)
		}, "huge.xml: line 7: element <lei:LegalName>: a value longer than 16 MiB"},
		{"1 GB attribute", 0, func() io.Reader {
			return ingesttest.Repeat(head+"<lei:LegalName xml:lang=\"", "x", "\">A</lei:LegalName>", 1<<30)
		}, "huge.xml: line 7: element <lei:LegalName>: a value longer than 16 MiB"},
		{"small limit", 1 << 20, func() io.Reader {
			return ingesttest.Repeat(head+"<lei:LegalName>A</lei:LegalName>\n<lei:OtherEntityNames>\n<lei:OtherEntityName>", "y", "</lei:OtherEntityName>", 2<<20)
		}, "huge.xml: line 9: element <lei:OtherEntityName>: a value longer than 1 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			grew := ingesttest.HeapGrowth(func() {
				err = ParseReader(context.Background(), "huge.xml", tt.input(), &ingesttest.CountSink{}, Options{MaxValueBytes: tt.max})
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
