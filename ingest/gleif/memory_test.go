package gleif

import (
	"context"
	"fmt"
	"io"
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

// generatedLEIXML streams a level-1 file of n records without holding it.
func generatedLEIXML(n int) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		fmt.Fprint(pw, `<?xml version="1.0" encoding="UTF-8"?><lei:LEIData xmlns:lei="http://www.gleif.org/data/schema/leidata/2016"><lei:LEIRecords>`+"\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(pw, `<lei:LEIRecord><lei:LEI>%s</lei:LEI><lei:Entity><lei:LegalName>Company %d</lei:LegalName><lei:LegalJurisdiction>CN-44</lei:LegalJurisdiction><lei:RegistrationAuthority><lei:RegistrationAuthorityID>RA000585</lei:RegistrationAuthorityID><lei:RegistrationAuthorityEntityID>%d</lei:RegistrationAuthorityEntityID></lei:RegistrationAuthority></lei:Entity></lei:LEIRecord>`+"\n", makeLEI(i), i, i+1)
		}
		fmt.Fprint(pw, "</lei:LEIRecords></lei:LEIData>\n")
		pw.Close()
	}()
	return pr
}

// TestMemoryFlat parses 10x more records and expects about the same peak
// heap: the parser holds one record at a time.
func TestMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("parses 110k generated records")
	}
	peak := func(n int) uint64 {
		runtime.GC()
		h := &heapSink{}
		if err := ParseReader(context.Background(), "gen", generatedLEIXML(n), h, Options{Log: quietLog}); err != nil {
			t.Fatal(err)
		}
		if h.n != n {
			t.Fatalf("%d entities, want %d", h.n, n)
		}
		return h.peak
	}
	small, large := peak(10000), peak(100000)
	if large > 2*small+8<<20 {
		t.Errorf("peak heap grew with the input: %d MB for 10k records, %d MB for 100k", small>>20, large>>20)
	}
	t.Logf("peak heap: %.1f MB (10k records), %.1f MB (100k records)", float64(small)/(1<<20), float64(large)/(1<<20))
}
