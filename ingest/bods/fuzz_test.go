package bods

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/ubo-project/ubo/ingest/ingesttest"
)

// FuzzBODS feeds arbitrary bytes to the parser: it must never panic, and
// whatever it writes must be consistent (endpoints before edges, valid
// kinds and shares).
func FuzzBODS(f *testing.F) {
	for _, name := range []string{"v04-chain.json", "v04-chain.jsonl", "v03.json", "v02.jsonl", "bad.jsonl"} {
		b, err := os.ReadFile(fixtures + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`[{"statementId":"s","recordId":"r","recordType":"relationship","recordDetails":{"subject":"a","interestedParty":{"reason":"unknown"},"interests":[{"share":{"exclusiveMinimum":true}}]}}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		sink := ingesttest.NewSink()
		_ = NewParser(sink).ParseReader(context.Background(), "fuzz.json", bytes.NewReader(data))
		if len(sink.Dangling) > 0 {
			t.Fatalf("relationship before its endpoints: %v", sink.Dangling)
		}
		for _, r := range sink.Rels {
			if !r.Kind.Valid() {
				t.Fatalf("invalid kind %q", r.Kind)
			}
			if err := r.Share.Validate(); err != nil {
				t.Fatalf("invalid share %+v: %v", r.Share, err)
			}
		}
		for _, e := range sink.Entities {
			if e.Kind != "" && !e.Kind.Valid() {
				t.Fatalf("invalid entity kind %q", e.Kind)
			}
		}
		for _, r := range sink.Rejects {
			if r.Line < 1 || r.Reason == "" {
				t.Fatalf("reject without line or reason: %+v", r)
			}
		}
	})
}
