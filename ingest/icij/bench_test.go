package icij

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/model"
)

type discardSink struct{ n int }

func (d *discardSink) Entity(model.Entity) error             { d.n++; return nil }
func (d *discardSink) Relationship(model.Relationship) error { d.n++; return nil }
func (d *discardSink) Reject(ingest.Reject) error            { d.n++; return nil }

const benchN = 3000

// writeSyntheticBundle writes benchN entities, officers and addresses and
// 3·benchN relationships in the bundle's column layout; it returns the
// bytes written.
func writeSyntheticBundle(b *testing.B, dir string) int64 {
	files := map[string]*bytes.Buffer{}
	buf := func(name, header string) *bytes.Buffer {
		if files[name] == nil {
			files[name] = bytes.NewBufferString(header + "\n")
		}
		return files[name]
	}
	src := "The Panama Papers data is current through 2015"
	for i := 0; i < benchN; i++ {
		fmt.Fprintf(buf("nodes-entities.csv", "node_id,name,original_name,former_name,jurisdiction,jurisdiction_description,company_type,address,internal_id,incorporation_date,inactivation_date,struck_off_date,dorm_date,status,service_provider,ibcRUC,country_codes,countries,note,valid_until,sourceID"),
			"%d,EXAMPLE VENTURES %d LTD.,,,BVI,British Virgin Islands,Business Company Limited by Shares,,%d,23-MAR-2006,,,,Active,Example Fiduciary,%d,HKG,Hong Kong,,%s,Panama Papers\n", 10000000+i, i, i, i, src)
		fmt.Fprintf(buf("nodes-officers.csv", "node_id,name,countries,country_codes,valid_until,note,sourceID"),
			"%d,Officer %d Example,China;Hong Kong,CHN;HKG,%s,,Panama Papers\n", 12000000+i, i, src)
		fmt.Fprintf(buf("nodes-addresses.csv", "node_id,address,name,countries,country_codes,valid_until,note,sourceID"),
			"%d,\"Room %d, Example Tower, Hong Kong\",,Hong Kong,HKG,%s,,Panama Papers\n", 14000000+i, i, src)
		r := buf("relationships.csv", "node_id_start,node_id_end,rel_type,link,status,start_date,end_date,sourceID")
		fmt.Fprintf(r, "%d,%d,officer_of,Shareholder - 60%%,,23-MAR-2006,,Panama Papers\n", 12000000+i, 10000000+i)
		fmt.Fprintf(r, "%d,%d,officer_of,Director / V.P.,,01-APR-2006,31-DEC-2012,Panama Papers\n", 12000000+i, 10000000+(i+1)%benchN)
		fmt.Fprintf(r, "%d,%d,registered_address,registered address,,,,Panama Papers\n", 10000000+i, 14000000+i)
	}
	var total int64
	for name, data := range files {
		total += int64(data.Len())
		if err := os.WriteFile(filepath.Join(dir, name), data.Bytes(), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return total
}

func BenchmarkParseBundle(b *testing.B) {
	dir := b.TempDir()
	b.SetBytes(writeSyntheticBundle(b, dir))
	b.ReportAllocs()
	for b.Loop() {
		if err := Parse(context.Background(), dir, &discardSink{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(6*benchN)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkClassifyLink(b *testing.B) {
	links := []string{"shareholder of", "Director / V.P.", "beneficiary of", "registered agent of", "Shareholder (Trident) - 34%", "nominee director of"}
	var bytesTotal int
	for _, l := range links {
		bytesTotal += len(l)
	}
	b.SetBytes(int64(bytesTotal))
	for b.Loop() {
		for _, l := range links {
			ClassifyLink(l)
		}
	}
}
