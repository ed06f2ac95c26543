package psc

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"testing"

	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/model"
)

// heapSink samples the heap every 1000 entities and keeps the peak.
type heapSink struct {
	n    int
	peak uint64
}

func (h *heapSink) Entity(model.Entity) error {
	h.n++
	if h.n%1000 == 0 {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		h.peak = max(h.peak, ms.HeapAlloc)
	}
	return nil
}
func (h *heapSink) Relationship(model.Relationship) error { return nil }
func (h *heapSink) Reject(ingest.Reject) error            { return nil }

// TestMemoryFlat parses 10x more lines and expects about the same peak heap.
func TestMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("parses 110k generated lines")
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	peak := func(n int) uint64 {
		pr, pw := io.Pipe()
		go func() {
			for i := 0; i < n; i++ {
				fmt.Fprintf(pw, `{"company_number":"%08d","data":{"kind":"individual-person-with-significant-control","name":"P %d","nationality":"Chinese","notified_on":"2016-04-06","natures_of_control":["ownership-of-shares-25-to-50-percent"],"links":{"self":"/company/x/persons-with-significant-control/individual/I%d"}}}`+"\n", i+1, i, i)
			}
			pw.Close()
		}()
		runtime.GC()
		h := &heapSink{}
		if _, err := ParseReader(context.Background(), "gen", pr, h, Options{Log: quiet}); err != nil {
			t.Fatal(err)
		}
		if h.n != 2*n {
			t.Fatalf("%d entities, want %d", h.n, 2*n)
		}
		return h.peak
	}
	small, large := peak(10000), peak(100000)
	if large > 2*small+8<<20 {
		t.Errorf("peak heap grew with the input: %d MB for 10k lines, %d MB for 100k", small>>20, large>>20)
	}
	t.Logf("peak heap: %.1f MB (10k lines), %.1f MB (100k lines)", float64(small)/(1<<20), float64(large)/(1<<20))
}
