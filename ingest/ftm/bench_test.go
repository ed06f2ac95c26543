package ftm

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/model"
)

type discardSink struct{ n int }

func (d *discardSink) Entity(model.Entity) error             { d.n++; return nil }
func (d *discardSink) Relationship(model.Relationship) error { d.n++; return nil }
func (d *discardSink) Reject(ingest.Reject) error            { d.n++; return nil }

const benchN = 2000

// synthetic is benchN triples (company, person, ownership) in the
// OpenSanctions line shape.
func synthetic() []byte {
	var b bytes.Buffer
	meta := `"datasets":["bench"],"first_seen":"2024-01-02T10:00:00","last_seen":"2024-05-01T10:00:00","last_change":"2024-01-02T10:00:00","target":true`
	for i := 0; i < benchN; i++ {
		fmt.Fprintf(&b, `{"id":"NK-co%d","caption":"Example Company %d Limited","schema":"Company","properties":{"name":["Example Company %d Limited","例子公司%d"],"jurisdiction":["hk"],"registrationNumber":["%07d"],"topics":["sanction"],"country":["hk"]},"referents":["ofac-%d","hk-%d"],%s}`+"\n", i, i, i, i, i, i, i, meta)
		fmt.Fprintf(&b, `{"id":"NK-p%d","caption":"Person %d","schema":"Person","properties":{"name":["Person %d"],"nationality":["cn"],"birthDate":["1971-01-22"],"topics":["role.pep"]},"referents":[],%s}`+"\n", i, i, i, meta)
		fmt.Fprintf(&b, `{"id":"own-%d","caption":"Ownership","schema":"Ownership","properties":{"owner":["NK-p%d"],"asset":["ofac-%d"],"percentage":["25 - 50%%"],"startDate":["2019-03"]},"referents":[],%s}`+"\n", i, i, i, meta)
	}
	return b.Bytes()
}

func BenchmarkParse(b *testing.B) {
	data := synthetic()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if err := NewParser(&discardSink{}).ParseReader(context.Background(), "bench", bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(3*benchN)*float64(b.N)/b.Elapsed().Seconds(), "entities/s")
}
