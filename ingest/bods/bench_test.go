package bods

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

// synthetic04 is n triples of 0.4 statements (entity, person, relationship)
// in the shapes of the fixtures, as JSON lines.
func synthetic04(n int) []byte {
	var b bytes.Buffer
	pub := `"publicationDetails":{"publicationDate":"2024-03-01","bodsVersion":"0.4","publisher":{"name":"bench"}}`
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `{"statementId":"bench-entity-%08d-0000-0000-000000000000","declarationSubject":"e%d","statementDate":"2024-01-10","recordId":"e%d","recordType":"entity","recordStatus":"new","recordDetails":{"isComponent":false,"entityType":{"type":"registeredEntity"},"name":"Example Company %d Limited","jurisdiction":{"name":"United Kingdom","code":"GB"},"identifiers":[{"scheme":"GB-COH","id":"%07d"}],"addresses":[{"type":"registered","address":"1 Example Street","country":{"name":"United Kingdom","code":"GB"}}]},%s}`+"\n", i, i, i, i, i, pub)
		fmt.Fprintf(&b, `{"statementId":"bench-person-%08d-0000-0000-000000000000","declarationSubject":"e%d","statementDate":"2024-01-10","recordId":"p%d","recordType":"person","recordStatus":"new","recordDetails":{"isComponent":false,"personType":"knownPerson","names":[{"type":"legal","fullName":"Person %d"}],"nationalities":[{"name":"China","code":"CN"}]},%s}`+"\n", i, i, i, i, pub)
		fmt.Fprintf(&b, `{"statementId":"bench-rel-%08d-0000-0000-000000000000","declarationSubject":"e%d","statementDate":"2024-01-10","recordId":"r%d","recordType":"relationship","recordStatus":"new","recordDetails":{"isComponent":false,"subject":"e%d","interestedParty":"p%d","interests":[{"type":"shareholding","directOrIndirect":"direct","share":{"minimum":25,"exclusiveMaximum":50}},{"type":"votingRights","directOrIndirect":"direct","share":{"exact":30}}]},%s}`+"\n", i, i, i, i, i, pub)
	}
	return b.Bytes()
}

func toArray(lines []byte) []byte {
	var b bytes.Buffer
	b.WriteString("[\n")
	for i, l := range bytes.Split(bytes.TrimSpace(lines), []byte("\n")) {
		if i > 0 {
			b.WriteString(",\n")
		}
		b.Write(l)
	}
	b.WriteString("\n]\n")
	return b.Bytes()
}

func benchParse(b *testing.B, data []byte) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if err := NewParser(&discardSink{}).ParseReader(context.Background(), "bench", bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(3*2000)*float64(b.N)/b.Elapsed().Seconds(), "statements/s")
}

func BenchmarkParseJSONLines(b *testing.B) { benchParse(b, synthetic04(2000)) }
func BenchmarkParseJSONArray(b *testing.B) { benchParse(b, toArray(synthetic04(2000))) }

func BenchmarkValidate04(b *testing.B) {
	lines := bytes.Split(bytes.TrimSpace(synthetic04(1)), []byte("\n"))
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range lines {
			if err := validate04(l); err != nil {
				b.Fatal(err)
			}
		}
	}
}
