package gleif

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"testing"

	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/model"
)

// discardSink counts and drops everything.
type discardSink struct{ entities, rels, rejects int }

func (d *discardSink) Entity(model.Entity) error             { d.entities++; return nil }
func (d *discardSink) Relationship(model.Relationship) error { d.rels++; return nil }
func (d *discardSink) Reject(ingest.Reject) error            { d.rejects++; return nil }

// makeLEI returns a valid LEI built from n (ISO 7064 mod 97-10 check digits).
func makeLEI(n int) string {
	base := fmt.Sprintf("5493%014d", n)
	rem := 0
	for _, c := range base + "00" {
		v := int(c - '0')
		if c >= 'A' {
			v = int(c-'A') + 10
			rem = (rem*100 + v) % 97
			continue
		}
		rem = (rem*10 + v) % 97
	}
	return fmt.Sprintf("%s%02d", base, 98-rem)
}

const benchRecords = 20000

func benchLEIXML() []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><lei:LEIData xmlns:lei="http://www.gleif.org/data/schema/leidata/2016"><lei:LEIHeader><lei:RecordCount>` +
		fmt.Sprint(benchRecords) + "</lei:RecordCount></lei:LEIHeader><lei:LEIRecords>\n")
	for i := 0; i < benchRecords; i++ {
		fmt.Fprintf(&b, `<lei:LEIRecord xmlns:lei="http://www.gleif.org/data/schema/leidata/2016" xmlns:gleif="http://www.gleif.org/data/schema/golden-copy/extensions/1.0">
   <lei:LEI>%s</lei:LEI>
   <lei:Entity>
      <lei:LegalName xml:lang="en">Benchmark Company %d Limited</lei:LegalName>
      <lei:LegalAddress xml:lang="en"><lei:FirstAddressLine>%d Example Street</lei:FirstAddressLine><lei:City>London</lei:City><lei:Country>GB</lei:Country><lei:PostalCode>EC1A 1AA</lei:PostalCode></lei:LegalAddress>
      <lei:HeadquartersAddress xml:lang="en"><lei:FirstAddressLine>%d Example Street</lei:FirstAddressLine><lei:City>London</lei:City><lei:Country>GB</lei:Country><lei:PostalCode>EC1A 1AA</lei:PostalCode></lei:HeadquartersAddress>
      <lei:RegistrationAuthority><lei:RegistrationAuthorityID>RA000585</lei:RegistrationAuthorityID><lei:RegistrationAuthorityEntityID>%08d</lei:RegistrationAuthorityEntityID></lei:RegistrationAuthority>
      <lei:LegalJurisdiction>GB</lei:LegalJurisdiction>
      <lei:EntityCategory>GENERAL</lei:EntityCategory>
      <lei:LegalForm><lei:EntityLegalFormCode>H0PO</lei:EntityLegalFormCode></lei:LegalForm>
      <lei:EntityStatus>ACTIVE</lei:EntityStatus>
   </lei:Entity>
   <lei:Registration>
      <lei:InitialRegistrationDate>2014-02-10T10:00:00Z</lei:InitialRegistrationDate>
      <lei:LastUpdateDate>2026-02-10T10:00:00Z</lei:LastUpdateDate>
      <lei:RegistrationStatus>ISSUED</lei:RegistrationStatus>
      <lei:ManagingLOU>213800WAVVOPS85N2205</lei:ManagingLOU>
      <lei:ValidationSources>FULLY_CORROBORATED</lei:ValidationSources>
   </lei:Registration>
   <lei:Extension><gleif:Geocoding><gleif:relevance>0.9</gleif:relevance><gleif:lat>51.5</gleif:lat><gleif:lng>-0.1</gleif:lng></gleif:Geocoding></lei:Extension>
</lei:LEIRecord>
`, makeLEI(i), i, i, i, i+1)
	}
	b.WriteString("</lei:LEIRecords></lei:LEIData>\n")
	return b.Bytes()
}

func benchRRXML() []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rr:RelationshipData xmlns:rr="http://www.gleif.org/data/schema/rr/2016"><rr:Header><rr:RecordCount>` +
		fmt.Sprint(benchRecords) + "</rr:RecordCount></rr:Header><rr:RelationshipRecords>\n")
	for i := 0; i < benchRecords; i++ {
		fmt.Fprintf(&b, `<rr:RelationshipRecord xmlns:rr="http://www.gleif.org/data/schema/rr/2016">
   <rr:Relationship>
      <rr:StartNode><rr:NodeID>%s</rr:NodeID><rr:NodeIDType>LEI</rr:NodeIDType></rr:StartNode>
      <rr:EndNode><rr:NodeID>%s</rr:NodeID><rr:NodeIDType>LEI</rr:NodeIDType></rr:EndNode>
      <rr:RelationshipType>IS_DIRECTLY_CONSOLIDATED_BY</rr:RelationshipType>
      <rr:RelationshipPeriods>
         <rr:RelationshipPeriod><rr:StartDate>2018-01-01T00:00:00Z</rr:StartDate><rr:PeriodType>RELATIONSHIP_PERIOD</rr:PeriodType></rr:RelationshipPeriod>
         <rr:RelationshipPeriod><rr:StartDate>2025-01-01T00:00:00Z</rr:StartDate><rr:EndDate>2025-12-31T00:00:00Z</rr:EndDate><rr:PeriodType>ACCOUNTING_PERIOD</rr:PeriodType></rr:RelationshipPeriod>
      </rr:RelationshipPeriods>
      <rr:RelationshipStatus>ACTIVE</rr:RelationshipStatus>
      <rr:RelationshipQuantifiers><rr:RelationshipQuantifier><rr:MeasurementMethod>ACCOUNTING_CONSOLIDATION</rr:MeasurementMethod><rr:QuantifierAmount>100.00</rr:QuantifierAmount><rr:QuantifierUnits>PERCENTAGE</rr:QuantifierUnits></rr:RelationshipQuantifier></rr:RelationshipQuantifiers>
   </rr:Relationship>
   <rr:Registration><rr:LastUpdateDate>2026-03-01T00:00:00Z</rr:LastUpdateDate><rr:RegistrationStatus>PUBLISHED</rr:RegistrationStatus><rr:ValidationSources>FULLY_CORROBORATED</rr:ValidationSources></rr:Registration>
</rr:RelationshipRecord>
`, makeLEI(i), makeLEI(i/10+benchRecords))
	}
	b.WriteString("</rr:RelationshipRecords></rr:RelationshipData>\n")
	return b.Bytes()
}

func benchLEICSV() []byte {
	var b bytes.Buffer
	b.WriteString(`"LEI","Entity.LegalName","Entity.LegalName.xmllang","Entity.LegalAddress.FirstAddressLine","Entity.LegalAddress.City","Entity.LegalAddress.Country","Entity.LegalAddress.PostalCode","Entity.HeadquartersAddress.FirstAddressLine","Entity.HeadquartersAddress.City","Entity.HeadquartersAddress.Country","Entity.HeadquartersAddress.PostalCode","Entity.RegistrationAuthority.RegistrationAuthorityID","Entity.RegistrationAuthority.RegistrationAuthorityEntityID","Entity.LegalJurisdiction","Entity.EntityCategory","Entity.LegalForm.EntityLegalFormCode","Entity.EntityStatus","Registration.InitialRegistrationDate","Registration.LastUpdateDate","Registration.RegistrationStatus","Registration.ManagingLOU","Registration.ValidationSources"` + "\n")
	for i := 0; i < benchRecords; i++ {
		fmt.Fprintf(&b, `"%s","Benchmark Company %d Limited","en","%d Example Street","London","GB","EC1A 1AA","%d Example Street","London","GB","EC1A 1AA","RA000585","%08d","GB","GENERAL","H0PO","ACTIVE","2014-02-10T10:00:00Z","2026-02-10T10:00:00Z","ISSUED","213800WAVVOPS85N2205","FULLY_CORROBORATED"`+"\n",
			makeLEI(i), i, i, i, i+1)
	}
	return b.Bytes()
}

func benchParse(b *testing.B, data []byte, wantEntities int) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := &discardSink{}
		if err := ParseReader(context.Background(), "bench", bytes.NewReader(data), s, Options{Log: quietLog}); err != nil {
			b.Fatal(err)
		}
		if s.entities != wantEntities || s.rejects != 0 {
			b.Fatalf("%d entities, %d rejects", s.entities, s.rejects)
		}
	}
	b.ReportMetric(float64(benchRecords)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkParseLEIXML(b *testing.B) { benchParse(b, benchLEIXML(), benchRecords) }
func BenchmarkParseRRXML(b *testing.B)  { benchParse(b, benchRRXML(), 2*benchRecords) }
func BenchmarkParseLEICSV(b *testing.B) { benchParse(b, benchLEICSV(), benchRecords) }

// The encoding/xml tokenizer alone on the same input: the ceiling any
// encoding/xml based parser can reach (Token adds namespace translation).
func BenchmarkCeilingRawToken(b *testing.B) {
	data := benchLEIXML()
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		d := xml.NewDecoder(bytes.NewReader(data))
		for {
			if _, err := d.RawToken(); err == io.EOF {
				break
			}
		}
	}
}

func BenchmarkCeilingToken(b *testing.B) {
	data := benchLEIXML()
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		d := xml.NewDecoder(bytes.NewReader(data))
		for {
			if _, err := d.Token(); err == io.EOF {
				break
			}
		}
	}
}
