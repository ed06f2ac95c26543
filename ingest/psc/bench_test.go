package psc

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/model"
)

type discardSink struct{ entities, rels, rejects int }

func (d *discardSink) Entity(model.Entity) error             { d.entities++; return nil }
func (d *discardSink) Relationship(model.Relationship) error { d.rels++; return nil }
func (d *discardSink) Reject(ingest.Reject) error            { d.rejects++; return nil }

const benchLines = 20000

// benchSnapshot mixes the common kinds in roughly the real proportions:
// mostly individuals, some corporate owners, a few statements.
func benchSnapshot() []byte {
	var b bytes.Buffer
	for i := 0; i < benchLines; i++ {
		cn := fmt.Sprintf("%08d", 10000000+i)
		switch i % 10 {
		case 0, 1:
			fmt.Fprintf(&b, `{"company_number":"%s","data":{"etag":"e%d","kind":"corporate-entity-person-with-significant-control","name":"Bench Parent %d Limited","identification":{"legal_authority":"Companies Act 2006","legal_form":"Private Limited Company","place_registered":"Register Of Companies For England And Wales","registration_number":"%d","country_registered":"England"},"address":{"premises":"1","address_line_1":"Bench Road","locality":"London","postal_code":"EC1A 1AA"},"notified_on":"2016-04-06","natures_of_control":["ownership-of-shares-75-to-100-percent","voting-rights-75-to-100-percent","right-to-appoint-and-remove-directors"],"links":{"self":"/company/%s/persons-with-significant-control/corporate-entity/C%d"}}}`+"\n", cn, i, i, 20000000+i, cn, i)
		case 2:
			fmt.Fprintf(&b, `{"company_number":"%s","data":{"etag":"e%d","kind":"persons-with-significant-control-statement","statement":"psc-exists-but-not-identified","notified_on":"2017-06-26","links":{"self":"/company/%s/persons-with-significant-control-statements/S%d"}}}`+"\n", cn, i, cn, i)
		default:
			fmt.Fprintf(&b, `{"company_number":"%s","data":{"etag":"e%d","kind":"individual-person-with-significant-control","name":"Mr Bench Person %d","name_elements":{"title":"Mr","forename":"Bench","surname":"Person"},"nationality":"British","country_of_residence":"England","notified_on":"2016-04-06","address":{"premises":"1","address_line_1":"Bench Road","locality":"London","postal_code":"EC1A 1AA"},"date_of_birth":{"month":1,"year":1970},"natures_of_control":["ownership-of-shares-25-to-50-percent","voting-rights-25-to-50-percent"],"links":{"self":"/company/%s/persons-with-significant-control/individual/I%d"}}}`+"\n", cn, i, i, cn, i)
		}
	}
	fmt.Fprintf(&b, `{"data":{"kind":"totals#persons-of-significant-control-snapshot","persons_of_significant_control_count":%d,"statements_count":%d,"exemptions_count":0}}`+"\n", benchLines*9/10, benchLines/10)
	return b.Bytes()
}

func BenchmarkParsePSC(b *testing.B) {
	data := benchSnapshot()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := &discardSink{}
		if _, err := ParseReader(context.Background(), "bench", bytes.NewReader(data), s, Options{Log: quiet}); err != nil {
			b.Fatal(err)
		}
		if s.rejects != 0 || s.entities != 2*benchLines {
			b.Fatalf("%d entities, %d rejects", s.entities, s.rejects)
		}
	}
	b.ReportMetric(float64(benchLines)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
