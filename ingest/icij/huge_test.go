package icij

import (
	"context"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/ingest/ingesttest"
)

// TestHugeLine: an Offshore Leaks CSV with a gigabyte on one line stops
// with an error naming the file and the line, in bounded memory.
func TestHugeLine(t *testing.T) {
	p := &parser{sink: &ingesttest.CountSink{}}
	var err error
	grew := ingesttest.HeapGrowth(func() {
		err = p.readCSV(context.Background(), "nodes-entities.csv",
			ingesttest.Repeat("node_id,name\n1,\"", "x", "\"\n", 1<<30), []string{"node_id"}, func(row) error { return nil })
	})
	if err == nil || !strings.Contains(err.Error(), "nodes-entities.csv") || !strings.Contains(err.Error(), "line 2 is longer than 16 MiB") {
		t.Errorf("error %v, want one naming the file and line 2", err)
	}
	if grew > 256 {
		t.Errorf("the heap grew by %d MiB", grew)
	}
	t.Logf("%v; heap +%d MiB", err, grew)
}
