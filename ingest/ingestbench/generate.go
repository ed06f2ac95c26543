package ingestbench

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ubo-project/ubo/gen"
)

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// writeFile creates path and calls body with a buffered, counting writer
// until body returns; it returns the bytes written.
func writeFile(path string, body func(w *countingWriter) error) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	cw := &countingWriter{w: bw}
	if err := body(cw); err != nil {
		return cw.n, fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return cw.n, fmt.Errorf("write %s: %w", path, err)
	}
	return cw.n, f.Close()
}

// makeLEI returns a valid LEI built from n (ISO 17442: ISO 7064 mod 97-10
// check digits), so generated GLEIF records are not rejected.
func makeLEI(prefix string, n int) string {
	base := fmt.Sprintf("%s%014d", prefix, n)
	rem := 0
	for _, c := range base + "00" {
		if c >= 'A' {
			rem = (rem*100 + int(c-'A') + 10) % 97
			continue
		}
		rem = (rem*10 + int(c-'0')) % 97
	}
	return fmt.Sprintf("%s%02d", base, 98-rem)
}

// genLEIXML writes a LEI-CDF 2.1 level-1 file (as in the golden copy:
// namespaced, one record per element, geocoding extension) of at least
// size bytes.
func genLEIXML(path string, size int64) (int64, error) {
	return writeFile(path, func(w *countingWriter) error {
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<lei:LEIData xmlns:lei="http://www.gleif.org/data/schema/leidata/2016" xmlns:gleif="http://www.gleif.org/data/schema/golden-copy/extensions/1.0"><lei:LEIHeader><lei:ContentDate>2026-11-02T08:00:00Z</lei:ContentDate><lei:FileContent>GLEIF_FULL_PUBLISHED</lei:FileContent></lei:LEIHeader><lei:LEIRecords>`+"\n")
		for i := 0; w.n < size; i++ {
			cc := [...]string{"GB", "CN", "DE", "US", "HK"}[i%5]
			fmt.Fprintf(w, `<lei:LEIRecord>
   <lei:LEI>%s</lei:LEI>
   <lei:Entity>
      <lei:LegalName xml:lang="en">Benchmark Company %d Limited</lei:LegalName>
      <lei:OtherEntityNames><lei:OtherEntityName xml:lang="en" type="TRADING_OR_OPERATING_NAME">Bench %d</lei:OtherEntityName></lei:OtherEntityNames>
      <lei:LegalAddress xml:lang="en"><lei:FirstAddressLine>%d Example Street</lei:FirstAddressLine><lei:City>Example City</lei:City><lei:Region>%s-01</lei:Region><lei:Country>%s</lei:Country><lei:PostalCode>EX1 1AA</lei:PostalCode></lei:LegalAddress>
      <lei:HeadquartersAddress xml:lang="en"><lei:FirstAddressLine>%d Example Street</lei:FirstAddressLine><lei:City>Example City</lei:City><lei:Country>%s</lei:Country><lei:PostalCode>EX1 1AA</lei:PostalCode></lei:HeadquartersAddress>
      <lei:RegistrationAuthority><lei:RegistrationAuthorityID>RA000585</lei:RegistrationAuthorityID><lei:RegistrationAuthorityEntityID>%08d</lei:RegistrationAuthorityEntityID></lei:RegistrationAuthority>
      <lei:LegalJurisdiction>%s</lei:LegalJurisdiction>
      <lei:EntityCategory>GENERAL</lei:EntityCategory>
      <lei:LegalForm><lei:EntityLegalFormCode>H0PO</lei:EntityLegalFormCode></lei:LegalForm>
      <lei:EntityStatus>ACTIVE</lei:EntityStatus>
   </lei:Entity>
   <lei:Registration>
      <lei:InitialRegistrationDate>2014-02-10T10:00:00Z</lei:InitialRegistrationDate>
      <lei:LastUpdateDate>2026-02-10T10:00:00Z</lei:LastUpdateDate>
      <lei:RegistrationStatus>ISSUED</lei:RegistrationStatus>
      <lei:NextRenewalDate>2027-02-10T10:00:00Z</lei:NextRenewalDate>
      <lei:ManagingLOU>213800WAVVOPS85N2205</lei:ManagingLOU>
      <lei:ValidationSources>FULLY_CORROBORATED</lei:ValidationSources>
   </lei:Registration>
   <lei:Extension><gleif:Geocoding><gleif:relevance>0.9</gleif:relevance><gleif:lat>51.5</gleif:lat><gleif:lng>-0.1</gleif:lng></gleif:Geocoding></lei:Extension>
</lei:LEIRecord>
`, makeLEI("5493", i), i, i, i, cc, cc, i, cc, i+1, cc)
		}
		_, err := fmt.Fprint(w, "</lei:LEIRecords></lei:LEIData>\n")
		return err
	})
}

// genRRXML writes an RR-CDF 1.1 relationship file (consolidation with
// periods and quantifiers, every tenth record inactive) of at least size
// bytes.
func genRRXML(path string, size int64) (int64, error) {
	return writeFile(path, func(w *countingWriter) error {
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<rr:RelationshipData xmlns:rr="http://www.gleif.org/data/schema/rr/2016"><rr:Header><rr:ContentDate>2026-11-02T08:00:00Z</rr:ContentDate><rr:FileContent>GLEIF_FULL_PUBLISHED</rr:FileContent></rr:Header><rr:RelationshipRecords>`+"\n")
		for i := 0; w.n < size; i++ {
			typ, status := "IS_DIRECTLY_CONSOLIDATED_BY", "ACTIVE"
			if i%2 == 1 {
				typ = "IS_ULTIMATELY_CONSOLIDATED_BY"
			}
			if i%10 == 9 {
				status = "INACTIVE"
			}
			fmt.Fprintf(w, `<rr:RelationshipRecord>
   <rr:Relationship>
      <rr:StartNode><rr:NodeID>%s</rr:NodeID><rr:NodeIDType>LEI</rr:NodeIDType></rr:StartNode>
      <rr:EndNode><rr:NodeID>%s</rr:NodeID><rr:NodeIDType>LEI</rr:NodeIDType></rr:EndNode>
      <rr:RelationshipType>%s</rr:RelationshipType>
      <rr:RelationshipPeriods>
         <rr:RelationshipPeriod><rr:StartDate>2018-01-01T00:00:00Z</rr:StartDate><rr:PeriodType>RELATIONSHIP_PERIOD</rr:PeriodType></rr:RelationshipPeriod>
         <rr:RelationshipPeriod><rr:StartDate>2025-01-01T00:00:00Z</rr:StartDate><rr:EndDate>2025-12-31T00:00:00Z</rr:EndDate><rr:PeriodType>ACCOUNTING_PERIOD</rr:PeriodType></rr:RelationshipPeriod>
      </rr:RelationshipPeriods>
      <rr:RelationshipStatus>%s</rr:RelationshipStatus>
      <rr:RelationshipQuantifiers><rr:RelationshipQuantifier><rr:MeasurementMethod>ACCOUNTING_CONSOLIDATION</rr:MeasurementMethod><rr:QuantifierAmount>100.00</rr:QuantifierAmount><rr:QuantifierUnits>PERCENTAGE</rr:QuantifierUnits></rr:RelationshipQuantifier></rr:RelationshipQuantifiers>
   </rr:Relationship>
   <rr:Registration><rr:InitialRegistrationDate>2018-03-01T00:00:00Z</rr:InitialRegistrationDate><rr:LastUpdateDate>2026-03-01T00:00:00Z</rr:LastUpdateDate><rr:RegistrationStatus>PUBLISHED</rr:RegistrationStatus><rr:ManagingLOU>213800WAVVOPS85N2205</rr:ManagingLOU><rr:ValidationSources>FULLY_CORROBORATED</rr:ValidationSources></rr:Registration>
</rr:RelationshipRecord>
`, makeLEI("5493", i), makeLEI("5299", i/10), typ, status)
		}
		_, err := fmt.Fprint(w, "</rr:RelationshipRecords></rr:RelationshipData>\n")
		return err
	})
}

// genLEICSV writes the golden-copy level-1 CSV (quoted cells, dotted
// column names) of at least size bytes.
func genLEICSV(path string, size int64) (int64, error) {
	return writeFile(path, func(w *countingWriter) error {
		fmt.Fprint(w, `"LEI","Entity.LegalName","Entity.LegalName.xmllang","Entity.LegalAddress.FirstAddressLine","Entity.LegalAddress.City","Entity.LegalAddress.Region","Entity.LegalAddress.Country","Entity.LegalAddress.PostalCode","Entity.HeadquartersAddress.FirstAddressLine","Entity.HeadquartersAddress.City","Entity.HeadquartersAddress.Country","Entity.HeadquartersAddress.PostalCode","Entity.RegistrationAuthority.RegistrationAuthorityID","Entity.RegistrationAuthority.RegistrationAuthorityEntityID","Entity.LegalJurisdiction","Entity.EntityCategory","Entity.LegalForm.EntityLegalFormCode","Entity.EntityStatus","Registration.InitialRegistrationDate","Registration.LastUpdateDate","Registration.RegistrationStatus","Registration.NextRenewalDate","Registration.ManagingLOU","Registration.ValidationSources"`+"\n")
		for i := 0; w.n < size; i++ {
			cc := [...]string{"GB", "CN", "DE", "US", "HK"}[i%5]
			fmt.Fprintf(w, `"%s","Benchmark Company %d Limited","en","%d Example Street","Example City","%s-01","%s","EX1 1AA","%d Example Street","Example City","%s","EX1 1AA","RA000585","%08d","%s","GENERAL","H0PO","ACTIVE","2014-02-10T10:00:00Z","2026-02-10T10:00:00Z","ISSUED","2027-02-10T10:00:00Z","213800WAVVOPS85N2205","FULLY_CORROBORATED"`+"\n",
				makeLEI("5493", i), i, i, cc, cc, i, cc, i+1, cc)
		}
		return nil
	})
}

// genPSC writes a Companies House PSC snapshot part (JSON lines) of at
// least size bytes: mostly individuals, corporate owners identified by
// registration number, statements, and the totals trailer.
func genPSC(path string, size int64) (int64, error) {
	return writeFile(path, func(w *countingWriter) error {
		var persons, statements int
		for i := 0; w.n < size; i++ {
			cn := fmt.Sprintf("%08d", 10000000+i)
			switch i % 10 {
			case 0, 1:
				persons++
				fmt.Fprintf(w, `{"company_number":"%s","data":{"etag":"e%d","kind":"corporate-entity-person-with-significant-control","name":"Bench Parent %d Limited","identification":{"legal_authority":"Companies Act 2006","legal_form":"Private Limited Company","place_registered":"Register Of Companies For England And Wales","registration_number":"%d","country_registered":"England"},"address":{"premises":"1","address_line_1":"Bench Road","locality":"London","postal_code":"EC1A 1AA"},"notified_on":"2016-04-06","natures_of_control":["ownership-of-shares-75-to-100-percent","voting-rights-75-to-100-percent","right-to-appoint-and-remove-directors"],"links":{"self":"/company/%s/persons-with-significant-control/corporate-entity/C%d"}}}`+"\n", cn, i, i, 20000000+i, cn, i)
			case 2:
				statements++
				fmt.Fprintf(w, `{"company_number":"%s","data":{"etag":"e%d","kind":"persons-with-significant-control-statement","statement":"psc-exists-but-not-identified","notified_on":"2017-06-26","links":{"self":"/company/%s/persons-with-significant-control-statements/S%d"}}}`+"\n", cn, i, cn, i)
			default:
				persons++
				fmt.Fprintf(w, `{"company_number":"%s","data":{"etag":"e%d","kind":"individual-person-with-significant-control","name":"Mr Bench Person %d","name_elements":{"title":"Mr","forename":"Bench","surname":"Person"},"nationality":"British","country_of_residence":"England","notified_on":"2016-04-06","address":{"premises":"1","address_line_1":"Bench Road","locality":"London","postal_code":"EC1A 1AA"},"date_of_birth":{"month":1,"year":1970},"natures_of_control":["ownership-of-shares-25-to-50-percent","voting-rights-25-to-50-percent"],"links":{"self":"/company/%s/persons-with-significant-control/individual/I%d"}}}`+"\n", cn, i, i, cn, i)
			}
		}
		_, err := fmt.Fprintf(w, `{"data":{"etag":"t","kind":"totals#persons-of-significant-control-snapshot","persons_of_significant_control_count":%d,"statements_count":%d,"exemptions_count":0}}`+"\n", persons, statements)
		return err
	})
}

// genBODS writes BODS 0.4 JSON lines (entity, person, relationship per
// record) of at least size bytes.
func genBODS(path string, size int64) (int64, error) {
	return writeFile(path, func(w *countingWriter) error {
		pub := `"publicationDetails":{"publicationDate":"2024-03-01","bodsVersion":"0.4","publisher":{"name":"bench"}}`
		for i := 0; w.n < size; i++ {
			fmt.Fprintf(w, `{"statementId":"bench-entity-%08d-0000-0000-000000000000","declarationSubject":"e%d","statementDate":"2024-01-10","recordId":"e%d","recordType":"entity","recordStatus":"new","recordDetails":{"isComponent":false,"entityType":{"type":"registeredEntity"},"name":"Example Company %d Limited","jurisdiction":{"name":"United Kingdom","code":"GB"},"identifiers":[{"scheme":"GB-COH","id":"%07d"}],"addresses":[{"type":"registered","address":"1 Example Street","country":{"name":"United Kingdom","code":"GB"}}]},%s}`+"\n", i, i, i, i, i+1, pub)
			fmt.Fprintf(w, `{"statementId":"bench-person-%08d-0000-0000-000000000000","declarationSubject":"e%d","statementDate":"2024-01-10","recordId":"p%d","recordType":"person","recordStatus":"new","recordDetails":{"isComponent":false,"personType":"knownPerson","names":[{"type":"legal","fullName":"Person %d"}],"nationalities":[{"name":"China","code":"CN"}]},%s}`+"\n", i, i, i, i, pub)
			fmt.Fprintf(w, `{"statementId":"bench-rel-%08d-0000-0000-000000000000","declarationSubject":"e%d","statementDate":"2024-01-10","recordId":"r%d","recordType":"relationship","recordStatus":"new","recordDetails":{"isComponent":false,"subject":"e%d","interestedParty":"p%d","interests":[{"type":"shareholding","directOrIndirect":"direct","share":{"minimum":25,"exclusiveMaximum":50}},{"type":"votingRights","directOrIndirect":"direct","share":{"exact":30}}]},%s}`+"\n", i, i, i, i, i, pub)
		}
		return nil
	})
}

// genFtM writes FollowTheMoney entity lines in the OpenSanctions shape
// (company, person, ownership) of at least size bytes.
func genFtM(path string, size int64) (int64, error) {
	return writeFile(path, func(w *countingWriter) error {
		meta := `"datasets":["bench"],"first_seen":"2024-01-02T10:00:00","last_seen":"2024-05-01T10:00:00","last_change":"2024-01-02T10:00:00","target":true`
		for i := 0; w.n < size; i++ {
			fmt.Fprintf(w, `{"id":"NK-co%d","caption":"Example Company %d Limited","schema":"Company","properties":{"name":["Example Company %d Limited","例子公司%d"],"jurisdiction":["hk"],"registrationNumber":["%07d"],"topics":["sanction"],"country":["hk"]},"referents":["ofac-%d","hk-%d"],%s}`+"\n", i, i, i, i, i, i, i, meta)
			fmt.Fprintf(w, `{"id":"NK-p%d","caption":"Person %d","schema":"Person","properties":{"name":["Person %d"],"nationality":["cn"],"birthDate":["1971-01-22"],"topics":["role.pep"]},"referents":[],%s}`+"\n", i, i, i, meta)
			fmt.Fprintf(w, `{"id":"own-%d","caption":"Ownership","schema":"Ownership","properties":{"owner":["NK-p%d"],"asset":["NK-co%d"],"percentage":["25 - 50%%"],"startDate":["2019-03"]},"referents":[],%s}`+"\n", i, i, i, meta)
		}
		return nil
	})
}

// genICIJ writes an Offshore Leaks bundle (nodes-entities, -officers,
// -addresses, -intermediaries, relationships) into dir, of at least size
// bytes in total.
func genICIJ(dir string, size int64) (int64, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	names := []string{"nodes-entities.csv", "nodes-officers.csv", "nodes-addresses.csv", "nodes-intermediaries.csv", "nodes-others.csv", "relationships.csv"}
	headers := []string{
		"node_id,name,original_name,former_name,jurisdiction,jurisdiction_description,company_type,address,internal_id,incorporation_date,inactivation_date,struck_off_date,dorm_date,status,service_provider,ibcRUC,country_codes,countries,note,valid_until,sourceID",
		"node_id,name,countries,country_codes,valid_until,note,sourceID",
		"node_id,address,name,countries,country_codes,valid_until,note,sourceID",
		"node_id,name,status,internal_id,address,countries,country_codes,valid_until,note,sourceID",
		"node_id,name,type,incorporation_date,struck_off_date,closed_date,jurisdiction,jurisdiction_description,countries,country_codes,valid_until,note,sourceID",
		"node_id_start,node_id_end,rel_type,link,status,start_date,end_date,sourceID",
	}
	files := make([]*os.File, len(names))
	ws := make([]*bufio.Writer, len(names))
	cw := &countingWriter{w: io.Discard}
	for i, n := range names {
		f, err := os.Create(filepath.Join(dir, n))
		if err != nil {
			return 0, err
		}
		defer f.Close()
		files[i], ws[i] = f, bufio.NewWriterSize(f, 1<<20)
	}
	out := func(file int, format string, a ...any) {
		n, _ := fmt.Fprintf(ws[file], format, a...)
		cw.n += int64(n)
	}
	for i, h := range headers {
		out(i, "%s\n", h)
	}
	src := "The Panama Papers data is current through 2015"
	for i := 0; cw.n < size; i++ {
		ent, off, addr, inter := 10000000+i, 12000000+i, 14000000+i, 16000000+i
		out(0, "%d,EXAMPLE VENTURES %d LTD.,,,BVI,British Virgin Islands,Business Company Limited by Shares,,%d,23-MAR-2006,,,,Active,Example Fiduciary,%d,HKG,Hong Kong,,%s,Panama Papers\n", ent, i, i, i, src)
		out(1, "%d,Officer %d Example,China;Hong Kong,CHN;HKG,%s,,Panama Papers\n", off, i, src)
		out(2, "%d,\"Room %d, Example Tower, Hong Kong\",,Hong Kong,HKG,%s,,Panama Papers\n", addr, i, src)
		if i%10 == 0 {
			out(3, "%d,EXAMPLE CORPORATE SERVICES %d LIMITED,ACTIVE,%d,,Hong Kong,HKG,%s,,Panama Papers\n", inter, i, i, src)
			out(5, "%d,%d,intermediary_of,intermediary of,,,,Panama Papers\n", inter, ent)
		}
		out(5, "%d,%d,officer_of,Shareholder - 60%%,,23-MAR-2006,,Panama Papers\n", off, ent)
		out(5, "%d,%d,officer_of,Director / V.P.,,01-APR-2006,31-DEC-2012,Panama Papers\n", off, 10000000+max(i-1, 0))
		out(5, "%d,%d,registered_address,registered address,,,,Panama Papers\n", ent, addr)
	}
	for i, w := range ws {
		if err := w.Flush(); err != nil {
			return cw.n, fmt.Errorf("write %s: %w", files[i].Name(), err)
		}
		if err := files[i].Close(); err != nil {
			return cw.n, fmt.Errorf("write %s: %w", files[i].Name(), err)
		}
	}
	return cw.n, nil
}

// genRowsPerEntity is about how many CSV rows (entities + relationships)
// gen writes per entity (10 000 entities → 20 804 rows with seed 1).
const genRowsPerEntity = 2.08

// GenerateCSV writes the generic CSV (gen's synthetic registry) with about
// rows rows in total (entities + relationships) into dir and returns the
// two paths and gen's counts.
func GenerateCSV(dir string, rows int) (entities, relationships string, st gen.Stats, err error) {
	n := max(int(float64(rows)/genRowsPerEntity), 1)
	st, err = gen.WriteCSV(gen.Config{Entities: n, Seed: 1}, dir)
	return filepath.Join(dir, gen.EntitiesFile), filepath.Join(dir, gen.RelationshipsFile), st, err
}
