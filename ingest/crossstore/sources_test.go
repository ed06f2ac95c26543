package crossstore

import (
	"reflect"
	"testing"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// sourceCase is one source's good fixtures, ingested on their own, and what
// must come out of them (hand-written from the fixture text and the mapping rules).
type sourceCase struct {
	name     string
	inputs   []input
	read     int // records the parsers counted
	rejected int // the fixtures' deliberately bad records
	status   counts
	entities []wantEntity
	rels     []wantRel
	absent   []string // ids that must not be created
	// sameAs names an earlier case holding the same records in another
	// container (gz, zip, JSON lines): the stored data must be identical.
	sameAs string
}

// exact, band and the rest keep the expectation tables short.
func exact(p float64) model.Share { return model.Exact(p) }
func band(lo, hi float64, loExcl, hiExcl bool) model.Share {
	return model.Range(lo, hi, loExcl, hiExcl)
}

var (
	gleifXML = []string{shared("gleif/lei-data.xml"), shared("gleif/rr-data.xml"), shared("gleif/repex-data.xml")}
	gleifCSV = []string{shared("gleif/lei-data.csv"), shared("gleif/rr-data.csv"), shared("gleif/repex-data.csv")}
	pscParts = []string{shared("psc/psc-snapshot-part1.txt"), shared("psc/psc-snapshot-part2.txt")}
	csvFiles = []string{shared("csv/entities.csv"), shared("csv/relationships.csv")}
	ftmFiles = []string{shared("ftm/entities.ftm.json"), shared("ftm/entities.delta.json")}
)

// gleifLEIEntities is what lei-data.xml (also gzipped) defines.
var gleifLEIEntities = []wantEntity{
	{ID: "lei:529900CNPARENT000194", Name: "深圳示例控股有限公司", Kind: model.Company, Jurisdiction: "CN", HQCountry: "CN",
		Identifiers: []string{"CN-USCC:91440300MA5ABCDE1H", "XI-LEI:529900CNPARENT000194"}},
	{ID: "lei:213800UKSUBSID000120", Kind: model.Company, Jurisdiction: "GB", HQCountry: "GB",
		Identifiers: []string{"GB-COH:01234567", "XI-LEI:213800UKSUBSID000120"}},
	// RESIDENT_GOVERNMENT_ENTITY: state-owned, RA999999 gives no identifier.
	{ID: "lei:984500CNULTIM0000192", Kind: model.Company, Jurisdiction: "CN", HQCountry: "CN", StateOwned: true,
		Identifiers: []string{"XI-LEI:984500CNULTIM0000192"}},
	// GB-SCT → GB; a Scottish Companies House number keeps its prefix.
	{ID: "lei:5493000NONPUB0000113", Kind: model.Company, Jurisdiction: "GB", HQCountry: "GB",
		Identifiers: []string{"GB-COH:SC123456", "XI-LEI:5493000NONPUB0000113"}},
	// No LegalJurisdiction: the legal address country stands in.
	{ID: "lei:213800UKBRANCH000163", Kind: model.Company, Jurisdiction: "HK", HQCountry: "GB",
		Identifiers: []string{"REG:HK:F0012345", "XI-LEI:213800UKBRANCH000163"}},
	{ID: "lei:5493000NATPER0000175", Kind: model.Company, Jurisdiction: "DE", HQCountry: "DE",
		Identifiers: []string{"REG:DE:HRB12345", "XI-LEI:5493000NATPER0000175"}},
}

var sourceCases = []sourceCase{
	{
		name:   "csv",
		inputs: []input{{"csv", csvFiles}},
		read:   23,
		status: counts{
			Entities:      map[string]int{"company": 8, "person": 1, "state_body": 1, "unknown": 1},
			Relationships: map[string]int{"board": 1, "ownership": 10, "voting": 1},
		},
		entities: []wantEntity{
			{ID: "sasac", Kind: model.StateBody, Jurisdiction: "CN", StateOwned: true},
			{ID: "cn-holdco", Kind: model.Company, Jurisdiction: "CN", HQCountry: "CN", StateOwned: true,
				Identifiers: []string{"CN-USCC:91110000MA01EXAMPP"}},
			// "England and Wales" → GB; the Companies House number padded to 8.
			{ID: "jv-ltd", Name: "Anglo-Sino Example JV Ltd", Kind: model.Company, Jurisdiction: "GB", HQCountry: "GB",
				Identifiers: []string{"GB-COH:07654321", "XI-LEI:213800EXAMPLEGB00118"}},
			{ID: "us-inc", Name: "Example Industries, Inc.", Kind: model.Company, Jurisdiction: "US", HQCountry: "US"},
			{ID: "target-gmbh", Kind: model.Company, Jurisdiction: "DE", HQCountry: "DE", Identifiers: []string{"REG:DE:HRB12345"}},
			{ID: "harbour-nominees", Kind: model.Company, Jurisdiction: "HK", HQCountry: "HK"},
			{ID: "li-wei", Kind: model.Person, Residence: "SG", Nationality: []string{"CN"}},
			{ID: "cross-b", Kind: model.Company, Jurisdiction: "KY", HQCountry: "SG", Lists: []string{"us.bis.entity_list"}},
			{ID: "unknown-band-co-1", Kind: model.Unknown},
		},
		rels: []wantRel{
			{"sasac", "cn-holdco", model.Ownership, exact(60), "", "2015-03-01", ""},
			{"cn-holdco", "jv-ltd", model.Ownership, exact(50), "", "2019-06-30", ""},
			{"us-inc", "jv-ltd", model.Ownership, exact(50), "", "2019-06-30", ""},
			{"harbour-nominees", "band-co", model.Ownership, band(25, 50, true, false), "", "2021-04-06", ""},
			{"harbour-nominees", "band-co", model.Voting, band(25, 50, true, false), "", "2021-04-06", ""},
			{"unknown-band-co-1", "band-co", model.Ownership, unknownShare, "", "", ""},
			{"li-wei", "cross-a", model.Board, unknownShare, "", "2018-01-01", "2022-12-31"},
			{"cross-b", "cross-a", model.Ownership, exact(25), "", "", ""},
		},
	},
	{
		name:     "gleif-xml",
		inputs:   []input{{"gleif", gleifXML}},
		read:     26,
		rejected: 4, // bad LEI check digits twice, IS_ADOPTED_BY, NOT_A_REASON
		status: counts{
			Entities:      map[string]int{"company": 12, "unknown": 4},
			Relationships: map[string]int{"branch": 1, "consolidation": 8, "control": 1, "fund_management": 2},
		},
		entities: append(append([]wantEntity(nil), gleifLEIEntities...),
			wantEntity{ID: "unknown:gleif:5493000NONPUB0000113:direct", Kind: model.Unknown},
			wantEntity{ID: "unknown:gleif:549300UMBREL00000113:ultimate", Kind: model.Unknown},
			wantEntity{ID: "unknown:gleif:529900CNPARENT000194:direct", Kind: model.Unknown},
		),
		rels: []wantRel{
			{"lei:529900CNPARENT000194", "lei:213800UKSUBSID000120", model.Consolidation, exact(100), "direct", "2018-04-01", ""},
			{"lei:984500CNULTIM0000192", "lei:213800UKSUBSID000120", model.Consolidation, unknownShare, "indirect", "2018-04-01", ""},
			{"lei:213800UKSUBSID000120", "lei:213800UKBRANCH000163", model.Branch, unknownShare, "direct", "2020-06-01", ""},
			{"lei:549300UMBREL00000113", "lei:549300SUBFUND0000186", model.Control, unknownShare, "direct", "2019-09-01", ""},
			{"lei:549300FUNDMGR0000178", "lei:549300SUBFUND0000186", model.FundManagement, unknownShare, "direct", "2019-09-01", ""},
			{"lei:549300MASTER00000179", "lei:213800UKFEEDR0000102", model.FundManagement, unknownShare, "direct", "2021-02-01", ""},
			// INACTIVE: ended on the latest period end, else the record's last update.
			{"lei:529900CNPARENT000194", "lei:213800UKSISTER000191", model.Consolidation, exact(60), "direct", "2016-01-01", "2021-12-31"},
			{"lei:984500CNULTIM0000192", "lei:213800UKSISTER000191", model.Consolidation, unknownShare, "indirect", "2016-01-01", "2022-07-15"},
			{"unknown:gleif:5493000NONPUB0000113:direct", "lei:5493000NONPUB0000113", model.Consolidation, unknownShare, "direct", "", ""},
			{"unknown:gleif:5493000NONPUB0000113:ultimate", "lei:5493000NONPUB0000113", model.Consolidation, unknownShare, "indirect", "", ""},
		},
		// NATURAL_PERSONS / NO_KNOWN_PERSON end the chain; the bad check
		// digits LEI and the parent of the ANNULLED record are not written.
		absent: []string{"unknown:gleif:5493000NATPER0000175:direct", "unknown:gleif:5493000NATPER0000175:ultimate",
			"lei:213800UKSUBSID000121", "lei:529900CNPARENT000195", "unknown:gleif:213800UKBRANCH000163:direct"},
	},
	{
		name:     "gleif-csv",
		inputs:   []input{{"gleif", gleifCSV}},
		read:     12,
		rejected: 4, // LEI "NULL", a short row, a 150% quantifier, an unknown exception category
		status: counts{
			Entities:      map[string]int{"company": 5, "unknown": 1},
			Relationships: map[string]int{"consolidation": 2, "fund_management": 1},
		},
		entities: []wantEntity{
			{ID: "lei:213800CSVCO000000135", Name: `Example CSV Trading Limited`, Kind: model.Company, Jurisdiction: "GB", HQCountry: "HK",
				Identifiers: []string{"GB-COH:07612345", "XI-LEI:213800CSVCO000000135"}},
			{ID: "lei:549300CNCROSS0000189", Kind: model.Company, Jurisdiction: "CN", HQCountry: "CN",
				Identifiers: []string{"CN-USCC:91310000MA1FL2XY32", "XI-LEI:549300CNCROSS0000189"}},
			// LegalJurisdiction NULL: the legal address country (IE) stands in.
			{ID: "lei:213800UKFEEDR0000102", Kind: model.Company, Jurisdiction: "IE",
				Identifiers: []string{"REG:IE:C123456", "XI-LEI:213800UKFEEDR0000102"}},
			{ID: "unknown:gleif:213800CSVCO000000135:ultimate", Kind: model.Unknown},
		},
		rels: []wantRel{
			{"lei:549300CNCROSS0000189", "lei:213800CSVCO000000135", model.Consolidation, exact(75.5), "direct", "2020-01-01", ""},
			{"lei:549300MASTER00000179", "lei:213800UKFEEDR0000102", model.FundManagement, unknownShare, "direct", "2021-02-01", "2024-06-30"},
			{"unknown:gleif:213800CSVCO000000135:ultimate", "lei:213800CSVCO000000135", model.Consolidation, unknownShare, "indirect", "", ""},
		},
		absent: []string{"lei:213800UKSISTER000191", "unknown:gleif:549300CNCROSS0000189:direct"},
	},
	{
		// lei-data.xml alone: the plain twin of the gz case below.
		name:     "gleif-lei-xml-plain",
		inputs:   []input{{"gleif", []string{shared("gleif/lei-data.xml")}}},
		read:     8,
		rejected: 1,
		status:   counts{Entities: map[string]int{"company": 7}, Relationships: map[string]int{}},
		entities: gleifLEIEntities,
	},
	{
		name:     "gleif-xml-gz",
		inputs:   []input{{"gleif", []string{shared("gleif/lei-data.xml.gz")}}},
		read:     8,
		rejected: 1,
		status:   counts{Entities: map[string]int{"company": 7}, Relationships: map[string]int{}},
		entities: gleifLEIEntities,
		sameAs:   "gleif-lei-xml-plain",
	},
	{
		// rr + repex golden-copy CSVs in one zip: the same records as the
		// plain CSV files, without level 1 (the LEIs are stubs).
		name:     "gleif-csv-zip",
		inputs:   []input{{"gleif", []string{shared("gleif/golden-copy-csv.zip")}}},
		read:     6,
		rejected: 2,
		status: counts{
			Entities:      map[string]int{"company": 4, "unknown": 1},
			Relationships: map[string]int{"consolidation": 2, "fund_management": 1},
		},
		entities: []wantEntity{
			{ID: "lei:213800CSVCO000000135", Kind: model.Company, Identifiers: []string{"XI-LEI:213800CSVCO000000135"}},
		},
		rels: []wantRel{
			{"lei:549300CNCROSS0000189", "lei:213800CSVCO000000135", model.Consolidation, exact(75.5), "direct", "2020-01-01", ""},
			{"lei:549300MASTER00000179", "lei:213800UKFEEDR0000102", model.FundManagement, unknownShare, "direct", "2021-02-01", "2024-06-30"},
		},
	},
	{
		name:     "psc",
		inputs:   []input{{"psc", pscParts}},
		read:     23,
		rejected: 4,
		status: counts{
			Entities:      map[string]int{"company": 13, "person": 6, "state_body": 2, "unknown": 4},
			Relationships: map[string]int{"board": 5, "influence": 2, "nominee": 1, "ownership": 13, "voting": 6},
		},
		entities: []wantEntity{
			{ID: "gb-coh:09876543", Kind: model.Company, Jurisdiction: "GB", Identifiers: []string{"GB-COH:09876543"}},
			// "British,Chinese", resident in "England".
			{ID: "psc:09876543:IndPsc001", Name: "Mr Wei Example Zhang", Kind: model.Person, Residence: "GB", Nationality: []string{"CN", "GB"}},
			// A UK corporate PSC is the company itself, number padded.
			{ID: "gb-coh:07777777", Name: "Sample Parent Holdings Limited", Kind: model.Company, Jurisdiction: "GB",
				Identifiers: []string{"GB-COH:07777777"}},
			{ID: "psc:11223344:CorpPsc005", Kind: model.Company, Jurisdiction: "KY", Identifiers: []string{"REG:KY:CT123456"}},
			{ID: "psc:11223344:CorpPsc006", Kind: model.Company, Jurisdiction: "CN", Identifiers: []string{"CN-USCC:91310000MA1FL2XY32"}},
			{ID: "psc:09876543:LegalPsc004", Kind: model.StateBody, Jurisdiction: "GB"},
			// Overseas entity: registered at Companies House, incorporated elsewhere.
			{ID: "gb-coh:OE001234", Kind: model.Company, Identifiers: []string{"GB-COH:OE001234"}},
			{ID: "psc:OE001234:BoInd014", Kind: model.Person, Residence: "CN", Nationality: []string{"CN"}},
			{ID: "unknown:psc:11223344:SuperSecure007", Kind: model.Unknown},
			{ID: "unknown:psc:SC654321:Stmt008", Kind: model.Unknown},
		},
		rels: []wantRel{
			{"psc:09876543:IndPsc001", "gb-coh:09876543", model.Ownership, band(25, 50, true, false), "", "2019-05-01", ""},
			{"psc:09876543:IndPsc001", "gb-coh:09876543", model.Voting, band(25, 50, true, false), "", "2019-05-01", ""},
			// Ceased PSCs are kept with their end date.
			{"psc:09876543:IndPsc002", "gb-coh:09876543", model.Ownership, band(75, 100, true, false), "", "2016-04-06", "2019-04-30"},
			{"gb-coh:07777777", "gb-coh:09876543", model.Board, unknownShare, "", "2019-05-01", ""},
			{"psc:11223344:CorpPsc005", "gb-coh:11223344", model.Ownership, band(50, 75, true, false), "", "2018-02-02", ""},
			{"psc:09876543:LegalPsc004", "gb-coh:09876543", model.Influence, unknownShare, "", "2017-01-01", ""},
			{"unknown:psc:11223344:SuperSecure007", "gb-coh:11223344", model.Ownership, unknownShare, "", "", ""},
			{"psc:OE001234:BoInd014", "gb-coh:OE001234", model.Nominee, unknownShare, "", "2022-08-01", ""},
			// -as-trust / -as-firm variants: held indirectly.
			{"psc:12121212:TrustPsc018", "gb-coh:12121212", model.Voting, band(50, 75, true, false), "indirect", "2021-09-09", ""},
			{"psc:SL012345:SlpPsc013", "gb-coh:SL012345", model.Ownership, band(25, 50, true, false), "indirect", "2018-03-03", ""},
			{"unknown:psc:SC654321:Stmt009", "gb-coh:SC654321", model.Ownership, unknownShare, "", "2016-06-30", "2017-06-26"},
		},
	},
	{
		name:     "psc-zip",
		inputs:   []input{{"psc", []string{shared("psc/psc-snapshot.zip")}}},
		read:     23,
		rejected: 4,
		status: counts{
			Entities:      map[string]int{"company": 13, "person": 6, "state_body": 2, "unknown": 4},
			Relationships: map[string]int{"board": 5, "influence": 2, "nominee": 1, "ownership": 13, "voting": 6},
		},
		sameAs: "psc",
	},
	{
		name:   "bods-0.2-lines",
		inputs: []input{{"bods", []string{shared("bods/v02.jsonl")}}},
		read:   8,
		status: counts{
			Entities:      map[string]int{"company": 2, "person": 1},
			Relationships: map[string]int{"influence": 1, "ownership": 1, "trust_role": 1, "voting": 1},
		},
		entities: []wantEntity{
			// Replaced by a later statement: one entity, the latest name,
			// the invalid "NOTALEI" left out.
			{ID: "bods:e02-0001-1111-2222-3333-444444444444", Name: "Example Boston Fund II", Kind: model.Company,
				Jurisdiction: "US", HQCountry: "HK", Identifiers: []string{"REG:US:S000012345", "XI-LEI:529900UBOBODSTARGT55"}},
			{ID: "bods:p02-0001-1111-2222-3333-444444444444", Kind: model.Person, Nationality: []string{"CN"}},
		},
		rels: []wantRel{
			{"bods:e02-0002-1111-2222-3333-444444444444", "bods:e02-0001-1111-2222-3333-444444444444", model.Ownership, exact(40), "direct", "", ""},
			// An interest the replacing statement dropped ends on its date.
			{"bods:e02-0002-1111-2222-3333-444444444444", "bods:e02-0001-1111-2222-3333-444444444444", model.Influence, unknownShare, "direct", "", "2023-11-01"},
			// 0.2 exclusivity booleans.
			{"bods:p02-0001-1111-2222-3333-444444444444", "bods:e02-0002-1111-2222-3333-444444444444", model.Voting, band(75, 100, false, true), "", "", ""},
		},
		absent: []string{"bods:e02-0003-1111-2222-3333-444444444444"},
	},
	{
		name:   "bods-0.3-array",
		inputs: []input{{"bods", []string{shared("bods/v03.json")}}},
		read:   17,
		status: counts{
			Entities:      map[string]int{"arrangement": 1, "company": 1, "person": 2, "state_body": 2, "unknown": 2},
			Relationships: map[string]int{"control": 2, "influence": 1, "ownership": 4, "trust_role": 1},
		},
		entities: []wantEntity{
			{ID: "bods:e03-0001-aaaa-bbbb-cccc-000000000000", Kind: model.Company, Jurisdiction: "GB", Identifiers: []string{"GB-COH:SC000123"}},
			{ID: "bods:e03-0003-aaaa-bbbb-cccc-000000000000", Kind: model.Arrangement},
			{ID: "bods:e03-0004-aaaa-bbbb-cccc-000000000000", Name: "People's Republic of China", Kind: model.StateBody, Jurisdiction: "CN"},
			{ID: "bods:p03-0001-aaaa-bbbb-cccc-000000000000", Kind: model.Person, Residence: "CN", Nationality: []string{"CN"}},
			{ID: "unknown:bods:o03-0004-aaaa-bbbb-cccc-000000000000", Kind: model.Unknown},
		},
		rels: []wantRel{
			// Joint shareholding through an arrangement.
			{"bods:e03-0003-aaaa-bbbb-cccc-000000000000", "bods:e03-0001-aaaa-bbbb-cccc-000000000000", model.Ownership, exact(100), "direct", "", ""},
			{"bods:p03-0001-aaaa-bbbb-cccc-000000000000", "bods:e03-0003-aaaa-bbbb-cccc-000000000000", model.Ownership, exact(50), "direct", "", ""},
			{"bods:p03-0002-aaaa-bbbb-cccc-000000000000", "bods:e03-0003-aaaa-bbbb-cccc-000000000000", model.Ownership, band(25, 50, false, true), "direct", "", "2023-07-01"},
			{"unknown:bods:o03-0004-aaaa-bbbb-cccc-000000000000", "bods:e03-0001-aaaa-bbbb-cccc-000000000000", model.Ownership, unknownShare, "", "", ""},
			{"bods:e03-0005-aaaa-bbbb-cccc-000000000000", "bods:e03-0001-aaaa-bbbb-cccc-000000000000", model.Control, unknownShare, "direct", "", ""},
		},
	},
	{
		name:   "bods-0.4-array",
		inputs: []input{{"bods", []string{shared("bods/v04-chain.json")}}},
		read:   15,
		status: counts{
			Entities:      map[string]int{"company": 3, "person": 1, "state_body": 1, "unknown": 1},
			Relationships: map[string]int{"board": 1, "officer": 2, "ownership": 4, "voting": 1},
		},
		entities: []wantEntity{
			{ID: "bods:target-uk", Kind: model.Company, Jurisdiction: "GB",
				Identifiers: []string{"GB-COH:01234567", "XI-LEI:213800UKSUBSID000120"}},
			// The later entity statement's name; identifiers of both versions.
			{ID: "bods:hk-holdco", Name: "Example Holdings (Hong Kong) Limited", Kind: model.Company, Jurisdiction: "HK",
				Identifiers: []string{"REG:HK:1234567"}},
			{ID: "bods:cn-parent", Kind: model.Company, Jurisdiction: "CN", HQCountry: "CN",
				Identifiers: []string{"CN-USCC:91440300MA5ABCDE1H", "XI-LEI:529900CNPARENT000194"}},
			{ID: "bods:sasac-sz", Kind: model.StateBody, Jurisdiction: "CN"},
			{ID: "bods:person-li", Kind: model.Person, Residence: "HK", Nationality: []string{"CN"}},
			{ID: "unknown:bods:rel-unspec-uk", Kind: model.Unknown},
		},
		rels: []wantRel{
			{"bods:cn-parent", "bods:hk-holdco", model.Ownership, band(50, 100, true, false), "direct", "", ""},
			// The update to 75% wins over the older 10% statement.
			{"bods:hk-holdco", "bods:target-uk", model.Ownership, exact(75), "direct", "2020-05-01", ""},
			// The voting interest the update dropped ends on its date.
			{"bods:hk-holdco", "bods:target-uk", model.Voting, band(50, 75, false, true), "direct", "", "2024-02-15"},
			// A closed relationship record ends its edges.
			{"bods:person-li", "bods:target-uk", model.Officer, unknownShare, "direct", "2021-01-01", "2024-02-20"},
			{"bods:sasac-sz", "bods:cn-parent", model.Board, unknownShare, "direct", "", ""},
			{"unknown:bods:rel-unspec-uk", "bods:target-uk", model.Ownership, band(25, 40, true, false), "", "", ""},
		},
		// subjectExemptFromDisclosure ends the chain.
		absent: []string{"unknown:bods:rel-exempt-sasac"},
	},
	{
		name:   "bods-0.4-lines",
		inputs: []input{{"bods", []string{shared("bods/v04-chain.jsonl")}}},
		read:   15,
		status: counts{
			Entities:      map[string]int{"company": 3, "person": 1, "state_body": 1, "unknown": 1},
			Relationships: map[string]int{"board": 1, "officer": 2, "ownership": 4, "voting": 1},
		},
		sameAs: "bods-0.4-array",
	},
	{
		name:   "ftm-entities",
		inputs: []input{{"ftm", ftmFiles[:1]}},
		read:   20,
		status: counts{
			Entities:      map[string]int{"company": 6, "person": 2, "state_body": 1},
			Relationships: map[string]int{"nominee": 1, "officer": 1, "ownership": 6},
		},
		entities: []wantEntity{
			// Referents are identifiers; topics and target datasets list tags.
			{ID: "ftm:NK-hkparent", Kind: model.Company, Jurisdiction: "HK",
				Lists:       []string{"sanction", "ubo_fixture", "us_ofac_sdn"},
				Identifiers: []string{"FTM:NK-hkparent", "FTM:hk-cr-1234567", "FTM:ofac-9001", "REG:HK:1234567", "XI-LEI:529900UBOFTMHKPARN36"}},
			{ID: "ftm:NK-soe", Kind: model.Company, Jurisdiction: "CN", StateOwned: true, Lists: []string{"gov.soe"}},
			{ID: "ftm:NK-sasac", Kind: model.StateBody, Jurisdiction: "CN"},
			{ID: "ftm:NK-chen", Kind: model.Person, Residence: "HK", Nationality: []string{"CN"}, Lists: []string{"role.pep"}},
			{ID: "ftm:NK-uscust", Name: "Example Cloud Customer Inc", Kind: model.Company, Jurisdiction: "US", HQCountry: "US"},
		},
		rels: []wantRel{
			{"ftm:NK-soe", "ftm:NK-hkparent", model.Ownership, band(50, 100, true, false), "", "", ""},
			{"ftm:NK-hkparent", "ftm:NK-bvi", model.Ownership, exact(100), "direct", "", ""},
			{"ftm:NK-chen", "ftm:NK-hkparent", model.Ownership, band(0, 25, false, true), "", "", ""},
			{"ftm:NK-bvi", "ftm:NK-uscust", model.Ownership, band(25, 50, false, false), "", "2019-03-01", ""},
			{"ftm:NK-fwdco", "ftm:NK-uscust", model.Ownership, unknownShare, "", "", ""},
			{"ftm:NK-smith", "ftm:NK-uscust", model.Officer, unknownShare, "direct", "2020-01-15", ""},
			{"ftm:NK-smith", "ftm:NK-bvi", model.Nominee, unknownShare, "direct", "", ""},
		},
		// A referent is an identifier of its entity, never an entity.
		absent: []string{"ftm:hk-cr-1234567", "ftm:ofac-9001"},
	},
	{
		name:   "ftm-entities-and-delta",
		inputs: []input{{"ftm", ftmFiles}},
		read:   24,
		status: counts{
			Entities:      map[string]int{"company": 6, "person": 2, "state_body": 1},
			Relationships: map[string]int{"nominee": 1, "officer": 1, "ownership": 7},
		},
		entities: []wantEntity{
			// MOD renames and adds a topic; DEL tags.
			{ID: "ftm:NK-uscust", Name: "Example Cloud Customer Incorporated", Kind: model.Company, Jurisdiction: "US", HQCountry: "US",
				Lists: []string{"sanction.linked"}},
			{ID: "ftm:NK-smith", Kind: model.Person, Nationality: []string{"GB"}, Lists: []string{"ftm.deleted"}},
		},
		rels: []wantRel{
			// A deleted Ownership ends on the entity's last_seen date.
			{"ftm:NK-bvi", "ftm:NK-uscust", model.Ownership, band(25, 50, false, false), "", "", "2024-06-01"},
			// ADD naming the referent lands on the canonical entity.
			{"ftm:NK-hkparent", "ftm:NK-uscust", model.Ownership, exact(51), "", "", ""},
		},
	},
	{
		name:     "icij-folder",
		inputs:   []input{{"icij", []string{shared("icij/bundle")}}},
		read:     26,
		rejected: 2,
		status: counts{
			Entities:      map[string]int{"arrangement": 1, "company": 7, "person": 2},
			Relationships: map[string]int{"nominee": 1, "officer": 2, "ownership": 6, "trust_role": 1},
		},
		entities: []wantEntity{
			// ICIJ's BVI code; the address country as HQ; a similarity
			// link kept as a candidate tag on both nodes, never merged.
			{ID: "icij:10000002", Kind: model.Company, Jurisdiction: "VG", HQCountry: "HK",
				Lists:       []string{"icij.candidate:icij:12000002", "icij.panama_papers"},
				Identifiers: []string{"ICIJ:10000002", "REG:VG:654321"}},
			{ID: "icij:12000002", Kind: model.Company, HQCountry: "HK",
				Lists: []string{"icij.candidate:icij:10000002", "icij.panama_papers"}},
			{ID: "icij:13000001", Kind: model.Arrangement, Jurisdiction: "CK", Lists: []string{"icij.paradise_papers_appleby"}},
			{ID: "icij:12000003", Kind: model.Person, Residence: "CN"},
			// An officer whose name carries a legal form is a company.
			{ID: "icij:12000005", Name: "Example Nominees Limited", Kind: model.Company, HQCountry: "SC"},
		},
		rels: []wantRel{
			{"icij:12000001", "icij:10000002", model.Ownership, exact(60), "", "2006-03-23", ""},
			{"icij:10000002", "icij:10000003", model.Ownership, unknownShare, "", "2009-01-05", ""},
			{"icij:12000003", "icij:13000001", model.TrustRole, unknownShare, "", "", ""},
			{"icij:12000003", "icij:13000001", model.Ownership, unknownShare, "", "", ""},
			{"icij:12000004", "icij:10000002", model.Officer, unknownShare, "", "2006-04-01", "2012-12-31"},
			{"icij:12000005", "icij:10000003", model.Nominee, unknownShare, "", "", ""},
			{"icij:13000001", "icij:10000004", model.Ownership, exact(50), "", "", ""},
		},
		// Address nodes are not entities.
		absent: []string{"icij:14000001"},
	},
}

// TestSourcesOnBothStores ingests each source's fixtures into a fresh
// embedded store and a fresh Neo4j database: the expected entities and
// edges are there, a second ingest changes nothing (data and counts), and
// both stores hold byte-identical dumps.
func TestSourcesOnBothStores(t *testing.T) {
	embeddedDumps := map[string]string{}
	for _, tc := range sourceCases {
		t.Run(tc.name, func(t *testing.T) {
			dumps := map[string]string{}
			statuses := map[string]counts{}
			for _, b := range []string{"embedded", "neo4j"} {
				t.Run(b, func(t *testing.T) {
					open := openEmbedded
					if b == "neo4j" {
						open = neo4jOpener(t)
					}
					dumps[b], statuses[b] = checkSource(t, open(t), tc)
				})
			}
			emb, okE := dumps["embedded"]
			neo, okN := dumps["neo4j"]
			if okE && okN {
				if emb != neo {
					t.Errorf("embedded and Neo4j hold different data: %s", firstDiff(emb, neo))
				}
				// What `ubo db status` prints, after ingesting twice.
				if !reflect.DeepEqual(statuses["embedded"], statuses["neo4j"]) {
					t.Errorf("status: embedded %+v, Neo4j %+v", statuses["embedded"], statuses["neo4j"])
				}
			}
			if okE {
				embeddedDumps[tc.name] = emb
				if tc.sameAs != "" {
					other, ok := embeddedDumps[tc.sameAs]
					if !ok {
						t.Fatalf("case %s must come before %s", tc.sameAs, tc.name)
					}
					if emb != other {
						t.Errorf("same records as %s, different data: %s", tc.sameAs, firstDiff(emb, other))
					}
				}
			}
		})
	}
}

// checkSource runs one case on one store, ingesting twice, and returns
// the dump after the first ingest and the status after the second.
func checkSource(t *testing.T, st store.Store, tc sourceCase) (string, counts) {
	t.Helper()
	first := load(t, st, tc.inputs)
	var read, rejected int
	for _, r := range first.runs {
		read += r.stats.Read
		rejected += r.stats.Rejected
		if len(r.report.Merges) != 0 || len(r.report.Ambiguous) != 0 {
			t.Errorf("resolution within one source: merges %v, ambiguous %v", r.report.Merges, r.report.Ambiguous)
		}
	}
	if read != tc.read || rejected != tc.rejected {
		t.Errorf("read %d, rejected %d; want %d, %d", read, rejected, tc.read, tc.rejected)
	}
	if !reflect.DeepEqual(first.status, tc.status) {
		t.Errorf("status %+v, want %+v", first.status, tc.status)
	}
	checkEntities(t, st, tc.entities)
	checkRelationships(t, st, tc.rels)
	checkAbsent(t, st, tc.absent)

	second := load(t, st, tc.inputs)
	if second.dump != first.dump {
		t.Errorf("a second ingest changed the data: %s", firstDiff(first.dump, second.dump))
	}
	if !reflect.DeepEqual(second.status, first.status) {
		t.Errorf("a second ingest changed the status: %+v, then %+v", first.status, second.status)
	}
	for _, r := range second.runs {
		if len(r.report.Merges) != 0 {
			t.Errorf("the second ingest merged again: %v", r.report.Merges)
		}
	}
	return first.dump, second.status
}
