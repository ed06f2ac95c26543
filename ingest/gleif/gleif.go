// Package gleif ingests the GLEIF golden copy: LEI-CDF level-1 records,
// RR-CDF relationship records (level 2) and reporting exceptions, in the
// published XML or CSV, plain, gzipped or zipped, full or delta files. The
// kind of file is recognised from its content (XML root element, CSV
// header), never from its name.
//
// Mapping decisions:
//   - Every LEI is a company (`lei:<LEI>`, identifier XI-LEI:<LEI>). The
//     level-1 category RESIDENT_GOVERNMENT_ENTITY sets state_owned rather
//     than kind state_body, so that the company stubs relationship files
//     emit for their endpoints can never flip an entity's kind, whatever
//     order the files are ingested in.
//   - Jurisdiction is LegalJurisdiction through norm.Country (CN-44 → CN);
//     only when it is missing does the legal address country stand in.
//     The headquarters country is kept as hq_country.
//   - The registration authority entity id becomes an identifier:
//     RA000585 (Companies House) → GB-COH:<8 chars>; a valid unified social
//     credit code in a CN jurisdiction → CN-USCC:<code>; any other →
//     REG:<ISO2 of the jurisdiction>:<number>. RA999999 ("not available")
//     gives none.
//   - Relationships: the child (StartNode) is held, the parent (EndNode)
//     the holder. IS_DIRECTLY_CONSOLIDATED_BY / IS_ULTIMATELY_CONSOLIDATED_BY
//     → consolidation (direct / indirect); IS_INTERNATIONAL_BRANCH_OF →
//     branch; IS_FUND-MANAGED_BY → fund_management; IS_SUBFUND_OF → control
//     (a sub-fund is a compartment of its umbrella, governed by the
//     umbrella's board); IS_FEEDER_TO → fund_management (a feeder invests in
//     its master fund; the master does not control the feeder, so the link
//     is shown but never counted as control).
//   - A PERCENTAGE quantifier is the edge's share; the RELATIONSHIP_PERIOD
//     gives start and end dates; an INACTIVE relationship is ended on its
//     relationship period end, else the latest period end, else the record's
//     LastUpdateDate; so is one whose registration is RETIRED (a delta's
//     deletion). Registration status ANNULLED/DUPLICATE records assert
//     nothing and are skipped (counted as read).
//   - A level-1 record of an INACTIVE entity, or whose registration is
//     RETIRED, MERGED, ANNULLED or DUPLICATE, is written and reported as
//     deleted (ingest.ReportDelta) as of its LastUpdateDate: once the
//     files are written, the entity becomes inactive when only GLEIF knows
//     it. A LAPSED registration (not renewed) changes nothing.
//   - Reporting exceptions NON_PUBLIC, NO_LEI, NON_CONSOLIDATING and the
//     withheld-information reasons create an unknown parent
//     `unknown:gleif:<LEI>:<direct|ultimate>` with a consolidation edge;
//     NATURAL_PERSONS and NO_KNOWN_PERSON end the chain (nothing created).
//   - The literal value NULL is an empty value.
//
// Delta files upsert the same ids, so a later version of a record replaces
// the earlier one's fields; nothing is ever deleted (see above for what
// ends and what becomes inactive).
package gleif

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/ingest/norm"
	"github.com/ubo-project/ubo/ingest/resolve"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// Source is the source name on every record this package writes.
const Source = "gleif"

// Companies House's id in the GLEIF registration authorities list.
const raCompaniesHouse = "RA000585"

// raNotAvailable is the GLEIF placeholder for "no registration authority".
const raNotAvailable = "RA999999"

// Options configure parsing.
type Options struct {
	// Log receives warnings (record count mismatches); nil: slog.Default().
	Log *slog.Logger
	// MaxValueBytes bounds one XML text or attribute value (0: 16 MiB,
	// ingest.MaxLineBytes); a longer one stops the file with an error
	// naming its element and line.
	MaxValueBytes int
}

func (o Options) maxValue() int {
	if o.MaxValueBytes > 0 {
		return o.MaxValueBytes
	}
	return ingest.MaxLineBytes
}

func (o Options) log() *slog.Logger {
	if o.Log != nil {
		return o.Log
	}
	return slog.Default()
}

// Kind is the kind of golden-copy file.
type Kind int

const (
	KindUnknown    Kind = iota
	KindLEI             // LEI-CDF level 1
	KindRR              // RR-CDF relationship records
	KindExceptions      // reporting exceptions
)

func (k Kind) String() string {
	switch k {
	case KindLEI:
		return "level 1 (LEI-CDF)"
	case KindRR:
		return "relationship records (RR-CDF)"
	case KindExceptions:
		return "reporting exceptions"
	}
	return "unknown"
}

// address is the part of a LEI-CDF address that matters here.
type address struct {
	Country string `xml:"Country"`
}

// leiRecord is one LEI-CDF LEIRecord (XML element names without namespace
// match any namespace).
type leiRecord struct {
	LEI    string `xml:"LEI"`
	Entity struct {
		LegalName string `xml:"LegalName"`
		// Every other name, whatever its type (PREVIOUS_LEGAL_NAME,
		// TRADING_OR_OPERATING_NAME, AUTO_ASCII_TRANSLITERATED_LEGAL_NAME...).
		OtherNames          []string  `xml:"OtherEntityNames>OtherEntityName"`
		TransliteratedNames []string  `xml:"TransliteratedOtherEntityNames>TransliteratedOtherEntityName"`
		LegalAddress        address   `xml:"LegalAddress"`
		HeadquartersAddress address   `xml:"HeadquartersAddress"`
		OtherAddresses      []address `xml:"OtherAddresses>OtherAddress"`
		// Transliterated addresses repeat the countries above; they are
		// read so that a record with only those still gives its countries.
		TransliteratedAddresses []address `xml:"TransliteratedOtherAddresses>TransliteratedOtherAddress"`
		RegistrationAuthority   struct {
			ID       string `xml:"RegistrationAuthorityID"`
			OtherID  string `xml:"OtherRegistrationAuthorityID"`
			EntityID string `xml:"RegistrationAuthorityEntityID"`
		} `xml:"RegistrationAuthority"`
		LegalJurisdiction string `xml:"LegalJurisdiction"`
		EntityCategory    string `xml:"EntityCategory"`
		EntityStatus      string `xml:"EntityStatus"`
	} `xml:"Entity"`
	Registration registration `xml:"Registration"`
}

type registration struct {
	LastUpdateDate     string `xml:"LastUpdateDate"`
	RegistrationStatus string `xml:"RegistrationStatus"`
}

type node struct {
	ID   string `xml:"NodeID"`
	Type string `xml:"NodeIDType"`
}

type period struct {
	Start string `xml:"StartDate"`
	End   string `xml:"EndDate"`
	Type  string `xml:"PeriodType"`
}

type quantifier struct {
	Method string `xml:"MeasurementMethod"`
	Amount string `xml:"QuantifierAmount"`
	Units  string `xml:"QuantifierUnits"`
}

// rrRecord is one RR-CDF RelationshipRecord.
type rrRecord struct {
	Relationship struct {
		StartNode   node         `xml:"StartNode"`
		EndNode     node         `xml:"EndNode"`
		Type        string       `xml:"RelationshipType"`
		Periods     []period     `xml:"RelationshipPeriods>RelationshipPeriod"`
		Status      string       `xml:"RelationshipStatus"`
		Quantifiers []quantifier `xml:"RelationshipQuantifiers>RelationshipQuantifier"`
	} `xml:"Relationship"`
	Registration registration `xml:"Registration"`
}

// exceptionRecord is one reporting exception.
type exceptionRecord struct {
	LEI        string   `xml:"LEI"`
	Category   string   `xml:"ExceptionCategory"`
	Reasons    []string `xml:"ExceptionReason"`
	References []string `xml:"ExceptionReference"`
}

// clean trims a value and maps GLEIF's literal NULL to empty.
func clean(s string) string {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "NULL") {
		return ""
	}
	return s
}

// recordError is a record-level problem: the record is rejected, parsing goes on.
type recordError struct {
	field, reason string
}

func (e *recordError) Error() string { return e.field + ": " + e.reason }

func rejectf(field, format string, args ...any) error {
	return &recordError{field: field, reason: fmt.Sprintf(format, args...)}
}

// emitter maps records to the common model and sends them to the sink.
type emitter struct {
	sink ingest.Sink
	file string
}

// handle runs one record's mapping; a recordError becomes a Reject.
func (em *emitter) handle(line int, err error) error {
	var re *recordError
	if errors.As(err, &re) {
		return em.sink.Reject(ingest.Reject{File: em.file, Line: line, Field: re.field, Reason: re.reason})
	}
	return err
}

func leiID(lei string) string { return "lei:" + lei }

// checkLEI returns the upper-cased LEI or a recordError for field.
func checkLEI(field, v string) (string, error) {
	v = strings.ToUpper(clean(v))
	if v == "" {
		return "", rejectf(field, "missing LEI")
	}
	if !norm.ValidLEI(v) {
		return "", rejectf(field, "%q is not a valid LEI (ISO 17442 check digits)", v)
	}
	return v, nil
}

// companyStub is the entity a relationship or exception emits for an LEI
// endpoint; the store merges it with the level-1 record.
func companyStub(lei, ref string) model.Entity {
	return model.Entity{ID: leiID(lei), Kind: model.Company,
		Identifiers: []string{norm.SchemeLEI + ":" + lei}, Source: Source, SourceRef: ref}
}

func (em *emitter) lei(rec *leiRecord) error {
	lei, err := checkLEI("LEI", rec.LEI)
	if err != nil {
		return err
	}
	e := model.Entity{
		ID:          leiID(lei),
		Name:        clean(rec.Entity.LegalName),
		Kind:        model.Company,
		Identifiers: []string{norm.SchemeLEI + ":" + lei},
		Source:      Source,
		SourceRef:   lei,
	}
	if j := clean(rec.Entity.LegalJurisdiction); j != "" {
		e.Jurisdiction, _ = norm.Country(j)
	} else {
		e.Jurisdiction, _ = norm.Country(clean(rec.Entity.LegalAddress.Country))
	}
	e.HQCountry, _ = norm.Country(clean(rec.Entity.HeadquartersAddress.Country))
	for _, names := range [][]string{rec.Entity.OtherNames, rec.Entity.TransliteratedNames} {
		for _, n := range names {
			if n = clean(n); n != "" {
				e.Aliases = append(e.Aliases, n)
			}
		}
	}
	addresses := append([]address{rec.Entity.LegalAddress, rec.Entity.HeadquartersAddress}, rec.Entity.OtherAddresses...)
	for _, a := range append(addresses, rec.Entity.TransliteratedAddresses...) {
		if c, ok := norm.Country(clean(a.Country)); ok {
			e.AddressCountries = append(e.AddressCountries, c)
		}
	}
	if strings.EqualFold(clean(rec.Entity.EntityCategory), "RESIDENT_GOVERNMENT_ENTITY") {
		e.StateOwned = true
	}
	ra := rec.Entity.RegistrationAuthority
	if id := registrationIdentifier(clean(ra.ID), clean(ra.EntityID), e.Jurisdiction); id != "" {
		e.Identifiers = append(e.Identifiers, id)
	}
	e.Normalize()
	retired := retiredLEI(rec)
	var since string
	if retired {
		if since, err = date("Registration.LastUpdateDate", rec.Registration.LastUpdateDate); err != nil {
			return err
		}
		if since == "" {
			since = time.Now().UTC().Format(time.DateOnly)
		}
	}
	if err := em.sink.Entity(e); err != nil {
		return err
	}
	if retired {
		// The legal entity ceased, or its LEI was retired, merged away or
		// withdrawn: GLEIF no longer asserts it (store.DeltaApplier).
		ingest.ReportDelta(em.sink, store.RecordChange{ID: e.ID, Deleted: true, Date: since})
	}
	return nil
}

// retiredLEI reports whether a level-1 record says its entity is gone: an
// INACTIVE entity (it ceased to exist), or a registration RETIRED, MERGED,
// ANNULLED or DUPLICATE. A LAPSED registration (not renewed) is not: the
// entity and what GLEIF says about it stay.
func retiredLEI(rec *leiRecord) bool {
	if strings.EqualFold(clean(rec.Entity.EntityStatus), "INACTIVE") {
		return true
	}
	switch strings.ToUpper(clean(rec.Registration.RegistrationStatus)) {
	case "RETIRED", "MERGED", "ANNULLED", "DUPLICATE":
		return true
	}
	return false
}

// registrationIdentifier maps a registration authority and its entity id to
// an identifier (see the package comment).
func registrationIdentifier(raID, entityID, jurisdiction string) string {
	if entityID == "" || strings.EqualFold(raID, raNotAvailable) {
		return ""
	}
	if strings.EqualFold(raID, raCompaniesHouse) {
		if n := resolve.GBCompanyNumber(entityID); n != "" {
			return norm.SchemeCOH + ":" + n
		}
	}
	return resolve.RegistryIdentifier(jurisdiction, entityID)
}

// relationshipKinds maps RR-CDF relationship types.
var relationshipKinds = map[string]struct {
	kind   model.RelKind
	direct string
}{
	"IS_DIRECTLY_CONSOLIDATED_BY":   {model.Consolidation, "direct"},
	"IS_ULTIMATELY_CONSOLIDATED_BY": {model.Consolidation, "indirect"},
	"IS_INTERNATIONAL_BRANCH_OF":    {model.Branch, "direct"},
	"IS_FUND-MANAGED_BY":            {model.FundManagement, "direct"},
	"IS_SUBFUND_OF":                 {model.Control, "direct"},
	"IS_FEEDER_TO":                  {model.FundManagement, "direct"},
}

func (em *emitter) relationship(rec *rrRecord) error {
	rel := &rec.Relationship
	switch strings.ToUpper(clean(rec.Registration.RegistrationStatus)) {
	case "ANNULLED", "DUPLICATE":
		return nil // withdrawn assertions
	}
	if t := strings.ToUpper(clean(rel.StartNode.Type)); t != "" && t != "LEI" {
		return rejectf("StartNode.NodeIDType", "node id type %q is not LEI", t)
	}
	if t := strings.ToUpper(clean(rel.EndNode.Type)); t != "" && t != "LEI" {
		return rejectf("EndNode.NodeIDType", "node id type %q is not LEI", t)
	}
	child, err := checkLEI("StartNode.NodeID", rel.StartNode.ID)
	if err != nil {
		return err
	}
	parent, err := checkLEI("EndNode.NodeID", rel.EndNode.ID)
	if err != nil {
		return err
	}
	typ := strings.ToUpper(clean(rel.Type))
	mk, ok := relationshipKinds[typ]
	if !ok {
		return rejectf("RelationshipType", "unknown relationship type %q", clean(rel.Type))
	}
	if child == parent {
		return rejectf("EndNode.NodeID", "relationship of %s to itself", child)
	}
	r := model.Relationship{
		HolderID: leiID(parent), HeldID: leiID(child), Kind: mk.kind, Direct: mk.direct,
		Source: Source, SourceRef: "rr:" + child + ":" + typ + ":" + parent,
	}
	for _, q := range rel.Quantifiers {
		if !strings.EqualFold(clean(q.Units), "PERCENTAGE") {
			continue
		}
		amount := clean(q.Amount)
		p, err := strconv.ParseFloat(amount, 64)
		if err != nil || math.IsNaN(p) || p < 0 || p > 100 {
			return rejectf("QuantifierAmount", "%q is not a percentage in 0..100", amount)
		}
		r.Share = model.Exact(p)
		break
	}
	var lastEnd string
	for _, p := range rel.Periods {
		start, err := date("StartDate", p.Start)
		if err != nil {
			return err
		}
		end, err := date("EndDate", p.End)
		if err != nil {
			return err
		}
		if end > lastEnd {
			lastEnd = end
		}
		if strings.EqualFold(clean(p.Type), "RELATIONSHIP_PERIOD") {
			r.StartDate, r.EndDate = start, end
		}
	}
	// A RETIRED registration: the relationship record is no longer valid
	// (a delta's deletion), ended like an INACTIVE relationship.
	ended := strings.EqualFold(clean(rel.Status), "INACTIVE") ||
		strings.EqualFold(clean(rec.Registration.RegistrationStatus), "RETIRED")
	if ended && r.EndDate == "" {
		r.EndDate = lastEnd
		if r.EndDate == "" {
			if r.EndDate, err = date("LastUpdateDate", rec.Registration.LastUpdateDate); err != nil {
				return err
			}
		}
		if r.EndDate == "" {
			return rejectf("RelationshipStatus", "INACTIVE or RETIRED relationship without any end date or LastUpdateDate")
		}
	}
	r.ID = model.RelationshipID(Source, r.SourceRef, r.HolderID, r.HeldID, r.Kind)
	if err := em.sink.Entity(companyStub(child, child)); err != nil {
		return err
	}
	if err := em.sink.Entity(companyStub(parent, parent)); err != nil {
		return err
	}
	return em.sink.Relationship(r)
}

// date keeps the calendar date of an ISO 8601 date or date-time ("" stays "").
func date(field, v string) (string, error) {
	v = clean(v)
	if v == "" {
		return "", nil
	}
	if len(v) >= 10 {
		if _, err := time.Parse("2006-01-02", v[:10]); err == nil && (len(v) == 10 || v[10] == 'T' || v[10] == ' ') {
			return v[:10], nil
		}
	}
	return "", rejectf(field, "%q is not an ISO 8601 date", v)
}

// Exception reasons that say a parent exists but is not disclosed.
var unknownParentReasons = map[string]bool{
	"NON_PUBLIC": true, "NO_LEI": true, "NON_CONSOLIDATING": true,
	"BINDING_LEGAL_COMMITMENTS": true, "LEGAL_OBSTACLES": true, "DISCLOSURE_DETRIMENTAL": true,
	"DETRIMENT_NOT_EXCLUDED": true, "CONSENT_NOT_OBTAINED": true,
}

// Exception reasons that say the chain ends here.
var chainEndReasons = map[string]bool{"NATURAL_PERSONS": true, "NO_KNOWN_PERSON": true}

func (em *emitter) exception(rec *exceptionRecord) error {
	lei, err := checkLEI("LEI", rec.LEI)
	if err != nil {
		return err
	}
	var level, direct string
	switch cat := strings.ToUpper(clean(rec.Category)); cat {
	case "DIRECT_ACCOUNTING_CONSOLIDATION_PARENT":
		level, direct = "direct", "direct"
	case "ULTIMATE_ACCOUNTING_CONSOLIDATION_PARENT":
		level, direct = "ultimate", "indirect"
	default:
		return rejectf("ExceptionCategory", "unknown exception category %q", clean(rec.Category))
	}
	var unknownReason string
	seen := 0
	for _, r := range rec.Reasons {
		r = strings.ToUpper(clean(r))
		if r == "" {
			continue
		}
		seen++
		switch {
		case unknownParentReasons[r]:
			if unknownReason == "" {
				unknownReason = r
			}
		case chainEndReasons[r]:
		default:
			return rejectf("ExceptionReason", "unknown exception reason %q", r)
		}
	}
	if seen == 0 {
		return rejectf("ExceptionReason", "missing exception reason")
	}
	if unknownReason == "" {
		return nil // the chain ends: nothing is created, nothing is indeterminate
	}
	parentID := "unknown:gleif:" + lei + ":" + level
	ref := "repex:" + lei + ":" + level
	parent := model.Entity{ID: parentID, Kind: model.Unknown, Source: Source, SourceRef: ref,
		Name: fmt.Sprintf("Undisclosed %s parent of %s (GLEIF reporting exception %s)", level, lei, unknownReason)}
	if err := em.sink.Entity(companyStub(lei, lei)); err != nil {
		return err
	}
	if err := em.sink.Entity(parent); err != nil {
		return err
	}
	r := model.Relationship{HolderID: parentID, HeldID: leiID(lei), Kind: model.Consolidation,
		Direct: direct, Source: Source, SourceRef: ref}
	r.ID = model.RelationshipID(Source, ref, r.HolderID, r.HeldID, r.Kind)
	return em.sink.Relationship(r)
}

// Parse ingests one golden-copy file: plain, .gz or .zip (every member of
// a zip is parsed in archive order).
func Parse(ctx context.Context, path string, sink ingest.Sink, opts Options) error {
	return ingest.ParseInputs(ctx, ingest.SourceFunc(func(ctx context.Context, name string, r io.Reader) error {
		return ParseReader(ctx, name, r, sink, opts)
	}), path, "ingest "+Source)
}

// ParseReader ingests one decompressed golden-copy stream; name labels
// rejects and errors. XML or CSV is recognised from the first bytes.
func ParseReader(ctx context.Context, name string, r io.Reader, sink ingest.Sink, opts Options) error {
	br := newPeekReader(r)
	isXML, err := br.looksLikeXML()
	if err != nil {
		return fmt.Errorf("ingest gleif: %s: %w", name, err)
	}
	em := &emitter{sink: sink, file: name}
	if isXML {
		return parseXML(ctx, name, br, em, opts)
	}
	return parseCSV(ctx, name, br, em, opts)
}
