package icij

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/ubo-project/ubo/ingest/ingesttest"
)

// FuzzICIJLink: any link text classifies into valid kinds and shares.
func FuzzICIJLink(f *testing.F) {
	for _, s := range []string{"shareholder of", "Shareholder (Trident) - 34%", "Director and Shareholder",
		"nominee director of", "registered agent of", "effective controller", "Co-owner (50% owned by him)", "999%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l := ClassifyLink(s)
		for _, k := range l.Kinds {
			if !k.Valid() {
				t.Fatalf("ClassifyLink(%q): invalid kind %q", s, k)
			}
		}
		if err := l.Share.Validate(); err != nil {
			t.Fatalf("ClassifyLink(%q): share %+v: %v", s, l.Share, err)
		}
		if l.Share.Known && !l.Has("ownership") {
			t.Fatalf("ClassifyLink(%q): a share without ownership", s)
		}
		_ = Date(s)
		_, _ = Country(s)
	})
}

// FuzzICIJRelationships feeds arbitrary relationships.csv content to a
// parser that knows the fixture's nodes.
func FuzzICIJRelationships(f *testing.F) {
	b, err := os.ReadFile(bundleDir + "/relationships.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte("node_id_start,node_id_end,rel_type,link\n1,2,officer_of,\"unterminated\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sink := ingesttest.NewSink()
		p := &parser{sink: sink, nodes: map[string]nodeClass{}}
		for _, id := range []string{"10000002", "10000003", "12000001", "12000004"} {
			p.nodes[id] = classOfficer
			if err := sink.Entity(entityStub(id)); err != nil {
				t.Fatal(err)
			}
		}
		p.nodes["14000001"] = classAddress
		_ = p.readCSV(context.Background(), "relationships.csv", bytes.NewReader(data),
			[]string{"node_id_start", "node_id_end", "rel_type"}, p.relationship)
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
