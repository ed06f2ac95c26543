package ftm

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/ubo-project/ubo/ingest/ingesttest"
)

// FuzzFTM: arbitrary lines never panic and never produce inconsistent
// records.
func FuzzFTM(f *testing.F) {
	for _, name := range []string{"entities.ftm.json", "entities.delta.json", "bad.ftm.json"} {
		b, err := os.ReadFile(fixtures + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sink := ingesttest.NewSink()
		p := NewParser(sink)
		p.Today = "2024-07-01"
		_ = p.ParseReader(context.Background(), "fuzz.json", bytes.NewReader(data))
		if len(sink.Dangling) > 0 {
			t.Fatalf("relationship before its endpoints: %v", sink.Dangling)
		}
		for _, r := range sink.Rels {
			if err := r.Share.Validate(); err != nil || !r.Kind.Valid() {
				t.Fatalf("invalid relationship %+v: %v", r, err)
			}
		}
	})
}

// FuzzPercentage: any text gives a valid share or none.
func FuzzPercentage(f *testing.F) {
	for _, s := range []string{"51", "50%", "25 - 50%", ">50", "less than 25", "between 1,5 and 2", "majority"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sh, ok := ParsePercentage(s)
		if ok {
			if err := sh.Validate(); err != nil || !sh.Known {
				t.Fatalf("ParsePercentage(%q) = %+v: %v", s, sh, err)
			}
		} else if sh.Known {
			t.Fatalf("ParsePercentage(%q) not ok but known %+v", s, sh)
		}
	})
}
