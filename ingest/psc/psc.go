// Package psc ingests the Companies House "People with Significant
// Control" bulk snapshot: JSON lines {"company_number":..,"data":{..}} in
// many part files (plain, gzipped or zipped), ending with a totals trailer
// that is reconciled against what was read.
//
// Mapping:
//   - The held company is `gb-coh:<8-char number>` with identifier
//     GB-COH:<number> and jurisdiction GB — except overseas entities
//     (numbers OE……), which are registered at Companies House but
//     incorporated elsewhere: their jurisdiction is left empty.
//   - Individuals (and overseas-entity individual beneficial owners) are
//     persons `psc:<company>:<psc id>` with nationalities and residence
//     normalised; super-secure PSCs are unknown holders with the natures
//     given (an ownership edge of unknown share when none are).
//   - Corporate owners registered in the UK (country through norm.Country
//     of country_registered, else place_registered) with a Companies House
//     shaped number are `gb-coh:<number>`; others `psc:<company>:<psc id>`
//     with identifier REG:<ISO2>:<number> (CN-USCC for a valid Chinese
//     code) when country and number are given. Legal persons (government
//     bodies, corporations sole) are state bodies and always keep their
//     psc: id, so their kind never overwrites a company's.
//   - Each nature of control becomes an edge (see natureOfControl); natures
//     of the same kind in one record are folded into one edge covering
//     their bands, so a holder is never counted twice.
//   - Statements saying a PSC exists but is not (fully) identified create
//     an unknown holder with an ownership edge of unknown share; "no
//     individual or entity with significant control" (sic) and exemptions
//     (shares traded on a regulated market) create nothing but the company.
//   - The PSC's address country (free text through norm.Country) is its
//     address country; the snapshot gives no address for the company.
//   - notified_on is the start date, ceased_on the end date.
package psc

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/ingest/norm"
	"github.com/ubo-project/ubo/ingest/resolve"
	"github.com/ubo-project/ubo/model"
)

// Source is the source name on every record this package writes.
const Source = "psc"

// MaxLineBytes bounds one JSON line; a longer line is rejected.
const MaxLineBytes = 8 << 20

// Options configure parsing.
type Options struct {
	// Log receives the totals reconciliation; nil: slog.Default().
	Log *slog.Logger
}

func (o Options) log() *slog.Logger {
	if o.Log != nil {
		return o.Log
	}
	return slog.Default()
}

// Counts are the records read by kind, compared with the totals trailer.
type Counts struct {
	Persons    int // persons with significant control and beneficial owners, of every kind
	Statements int
	Exemptions int
	// Totals holds the trailer's *_count fields; nil when no trailer was read.
	Totals map[string]int64
}

type identification struct {
	LegalAuthority     string `json:"legal_authority"`
	LegalForm          string `json:"legal_form"`
	PlaceRegistered    string `json:"place_registered"`
	RegistrationNumber string `json:"registration_number"`
	CountryRegistered  string `json:"country_registered"`
}

type nameElements struct {
	Title      string `json:"title"`
	Forename   string `json:"forename"`
	MiddleName string `json:"middle_name"`
	Surname    string `json:"surname"`
}

type data struct {
	Kind               string          `json:"kind"`
	Etag               string          `json:"etag"`
	Name               string          `json:"name"`
	NameElements       *nameElements   `json:"name_elements"`
	Nationality        string          `json:"nationality"`
	CountryOfResidence string          `json:"country_of_residence"`
	NaturesOfControl   []string        `json:"natures_of_control"`
	Identification     *identification `json:"identification"`
	NotifiedOn         string          `json:"notified_on"`
	CeasedOn           string          `json:"ceased_on"`
	Statement          string          `json:"statement"`
	// Address is the PSC's correspondence address; only its country is kept.
	Address *struct {
		Country string `json:"country"`
	} `json:"address"`
	Links struct {
		Self string `json:"self"`
	} `json:"links"`
}

type record struct {
	CompanyNumber *string         `json:"company_number"`
	Data          json.RawMessage `json:"data"`
}

// Parse ingests the part files of one snapshot in order and reconciles
// the totals trailer (wherever it appears) against all of them.
func Parse(ctx context.Context, paths []string, sink ingest.Sink, opts Options) (Counts, error) {
	p := &parser{sink: sink, opts: opts}
	for _, path := range paths {
		if err := p.file(ctx, path); err != nil {
			return p.counts, err
		}
	}
	p.reconcile()
	return p.counts, nil
}

// ParseReader ingests one decompressed stream; name labels rejects and errors.
func ParseReader(ctx context.Context, name string, r io.Reader, sink ingest.Sink, opts Options) (Counts, error) {
	p := &parser{sink: sink, opts: opts}
	if err := p.stream(ctx, name, r); err != nil {
		return p.counts, err
	}
	p.reconcile()
	return p.counts, nil
}

type parser struct {
	sink   ingest.Sink
	opts   Options
	counts Counts
	// holders are the kinds of the PSC ids seen for company, the company
	// of the latest record: a snapshot lists a company's records together,
	// so this finds an id reused for another kind with bounded memory.
	company string
	holders map[string]model.EntityKind
}

func (p *parser) file(ctx context.Context, path string) error {
	return ingest.ParseInputs(ctx, ingest.SourceFunc(p.stream), path, "ingest "+Source)
}

// stream reads one JSON line at a time; memory is bounded by MaxLineBytes.
func (p *parser) stream(ctx context.Context, name string, r io.Reader) error {
	br := bufio.NewReaderSize(r, 256<<10)
	var buf []byte
	for lineNo := 1; ; lineNo++ {
		if lineNo%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		line, tooLong, err := readLine(br, &buf)
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("ingest psc: %s: line %d: %w", name, lineNo, err)
		}
		if tooLong {
			ingest.CountRead(p.sink, 1)
			if rerr := p.sink.Reject(ingest.Reject{File: name, Line: lineNo,
				Reason: fmt.Sprintf("line longer than %d bytes", MaxLineBytes)}); rerr != nil {
				return rerr
			}
		} else if len(bytes.TrimSpace(line)) > 0 {
			ingest.CountRead(p.sink, 1)
			if perr := p.line(name, lineNo, line); perr != nil {
				var re *recordError
				if !errors.As(perr, &re) {
					return perr
				}
				if rerr := p.sink.Reject(ingest.Reject{File: name, Line: lineNo, Field: re.field, Reason: re.reason}); rerr != nil {
					return rerr
				}
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
	}
}

// readLine returns the next line without its newline; a line over
// MaxLineBytes is skipped to its end and reported as tooLong.
func readLine(br *bufio.Reader, buf *[]byte) (line []byte, tooLong bool, err error) {
	*buf = (*buf)[:0]
	for {
		frag, err := br.ReadSlice('\n')
		if !tooLong {
			if len(*buf)+len(frag) > MaxLineBytes {
				tooLong, *buf = true, (*buf)[:0]
			} else {
				*buf = append(*buf, frag...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return bytes.TrimRight(*buf, "\r\n"), tooLong, err
	}
}

// personKinds are the record kinds naming a person with significant
// control or a registrable beneficial owner.
var personKinds = map[string]bool{
	"individual-person-with-significant-control":       true,
	"corporate-entity-person-with-significant-control": true,
	"legal-person-person-with-significant-control":     true,
	"super-secure-person-with-significant-control":     true,
	"individual-beneficial-owner":                      true,
	"corporate-entity-beneficial-owner":                true,
	"legal-person-beneficial-owner":                    true,
	"super-secure-beneficial-owner":                    true,
}

type recordError struct{ field, reason string }

func (e *recordError) Error() string { return e.field + ": " + e.reason }

func rejectf(field, format string, args ...any) error {
	return &recordError{field: field, reason: fmt.Sprintf(format, args...)}
}

func (p *parser) line(name string, lineNo int, line []byte) error {
	var rec record
	if err := json.Unmarshal(line, &rec); err != nil {
		return rejectf("", "invalid JSON: %v", err)
	}
	if len(rec.Data) == 0 || string(rec.Data) == "null" {
		return rejectf("data", "missing data object")
	}
	var d data
	if err := json.Unmarshal(rec.Data, &d); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return rejectf("data."+te.Field, "want %s, got JSON %s", te.Type, te.Value)
		}
		return rejectf("data", "invalid JSON: %v", err)
	}
	kind := strings.TrimSpace(d.Kind)
	if strings.HasPrefix(kind, "totals#") {
		return p.trailer(name, lineNo, rec.Data)
	}
	// Count by kind before validating, as the trailer counts what was published.
	isStatement := kind == "persons-with-significant-control-statement" || strings.HasSuffix(kind, "-statement")
	switch {
	case kind == "exemptions":
		p.counts.Exemptions++
	case isStatement:
		p.counts.Statements++
	case personKinds[kind]:
		p.counts.Persons++
	}
	if rec.CompanyNumber == nil || strings.TrimSpace(*rec.CompanyNumber) == "" {
		return rejectf("company_number", "missing company number")
	}
	number := companyNumber(*rec.CompanyNumber)
	if number == "" {
		return rejectf("company_number", "%q is not a Companies House number", *rec.CompanyNumber)
	}
	start, err := date("notified_on", d.NotifiedOn)
	if err != nil {
		return err
	}
	end, err := date("ceased_on", d.CeasedOn)
	if err != nil {
		return err
	}
	company := heldCompany(number)
	switch {
	case kind == "exemptions":
		return p.sink.Entity(company)
	case isStatement:
		return p.statement(number, company, &d, start, end)
	}
	holder, ok, err := holderEntity(number, kind, &d)
	if err != nil {
		return err
	}
	if !ok {
		return rejectf("kind", "unknown record kind %q", d.Kind)
	}
	if holder.ID == company.ID {
		return rejectf("identification.registration_number", "the company is named as its own PSC")
	}
	p.keepApart(name, lineNo, number, kind, &holder)
	edges, err := edgesFor(kind, d.NaturesOfControl)
	if err != nil {
		return err
	}
	if err := p.sink.Entity(company); err != nil {
		return err
	}
	if err := p.sink.Entity(holder); err != nil {
		return err
	}
	for _, e := range edges {
		if err := p.edge(holder.ID, company.ID, holder.SourceRef, e, start, end); err != nil {
			return err
		}
	}
	return nil
}

// keepApart gives holder an id of its own when its PSC id already names a
// holder of an incompatible kind in the same company (an individual and a
// corporate entity): the store would otherwise upsert both into one entity
// and the person would become an alias of the company. The second record
// gets "<id>:<record kind>" and the pair is reported as ambiguous.
func (p *parser) keepApart(name string, lineNo int, number, kind string, holder *model.Entity) {
	if number != p.company {
		p.company, p.holders = number, map[string]model.EntityKind{}
	}
	prev, seen := p.holders[holder.ID]
	if !seen {
		p.holders[holder.ID] = holder.Kind
		return
	}
	if model.KindsCompatible(prev, holder.Kind) {
		return
	}
	orig := holder.ID
	tag := strings.TrimSuffix(strings.TrimSuffix(kind, "-person-with-significant-control"), "-beneficial-owner")
	holder.ID += ":" + tag
	holder.SourceRef += "/" + tag
	p.holders[holder.ID] = holder.Kind
	r := ingest.Reject{File: name, Line: lineNo, Field: "links.self",
		Reason: fmt.Sprintf("PSC id %s names a %s before and a %s here; kept apart as %s (not merged)", orig, prev, holder.Kind, holder.ID)}
	if !ingest.ReportAmbiguous(p.sink, r) {
		p.opts.log().Warn("psc: ambiguous record kept apart", "record", r.String())
	}
}

func (p *parser) edge(holder, held, ref string, c control, start, end string) error {
	r := model.Relationship{HolderID: holder, HeldID: held, Kind: c.kind, Share: c.share,
		StartDate: start, EndDate: end, Source: Source, SourceRef: ref + "#" + string(c.kind)}
	if c.viaArrangement {
		r.Direct = "indirect"
	}
	r.ID = model.RelationshipID(Source, r.SourceRef, holder, held, c.kind)
	return p.sink.Relationship(r)
}

// companyNumber normalises a Companies House number to 8 characters and
// returns "" for anything not shaped like one.
func companyNumber(s string) string {
	n := norm.CompanyNumberGB(norm.RegistryNumber(s))
	if len(n) != 8 || strings.Trim(n, "0") == "" {
		return ""
	}
	return n
}

func heldCompany(number string) model.Entity {
	e := model.Entity{ID: "gb-coh:" + number, Kind: model.Company,
		Identifiers: []string{norm.SchemeCOH + ":" + number}, Source: Source, SourceRef: "company/" + number}
	if !strings.HasPrefix(number, "OE") {
		e.Jurisdiction = "GB"
	}
	return e
}

// recordID is the PSC's own id: the last segment of links.self, else the etag.
func recordID(d *data) string {
	self := strings.TrimRight(strings.TrimSpace(d.Links.Self), "/")
	if i := strings.LastIndexByte(self, '/'); i >= 0 && i+1 < len(self) {
		seg := self[i+1:]
		// statements in some extracts link to /company/<n>/exemptions: not an id
		if seg != "exemptions" && !strings.HasPrefix(seg, "persons-with-significant-control") {
			return seg
		}
	}
	return strings.TrimSpace(d.Etag)
}

func holderEntity(number, kind string, d *data) (model.Entity, bool, error) {
	id := recordID(d)
	if id == "" {
		return model.Entity{}, false, rejectf("links.self", "no PSC id (links.self or etag)")
	}
	e := model.Entity{ID: "psc:" + number + ":" + id, Name: strings.TrimSpace(d.Name),
		Source: Source, SourceRef: "company/" + number + "/psc/" + id}
	switch kind {
	case "individual-person-with-significant-control", "individual-beneficial-owner":
		e.Kind = model.Person
		if e.Name == "" && d.NameElements != nil {
			ne := d.NameElements
			e.Name = strings.Join(strings.Fields(strings.Join([]string{ne.Title, ne.Forename, ne.MiddleName, ne.Surname}, " ")), " ")
		}
		e.Nationality = nationalities(d.Nationality)
		e.Residence, _ = norm.Country(d.CountryOfResidence)
	case "corporate-entity-person-with-significant-control", "corporate-entity-beneficial-owner":
		e.Kind = model.Company
		identify(&e, d.Identification, true)
	case "legal-person-person-with-significant-control", "legal-person-beneficial-owner":
		e.Kind = model.StateBody
		identify(&e, d.Identification, false)
	case "super-secure-person-with-significant-control", "super-secure-beneficial-owner":
		e.ID = "unknown:psc:" + number + ":" + id
		e.Kind = model.Unknown
		e.Name = "Super-secure person with significant control (details withheld)"
	default:
		return model.Entity{}, false, nil
	}
	if d.Address != nil && e.Kind != model.Unknown {
		if c, ok := norm.Country(d.Address.Country); ok {
			e.AddressCountries = []string{c}
		}
	}
	return e, true, nil
}

// identify sets a corporate owner's jurisdiction, identifier and — for a
// UK company with a Companies House number when ukID — its gb-coh id.
func identify(e *model.Entity, idn *identification, ukID bool) {
	if idn == nil {
		return
	}
	country, ok := norm.Country(idn.CountryRegistered)
	if !ok {
		country, ok = norm.Country(idn.PlaceRegistered)
	}
	if !ok {
		hint := strings.ToLower(idn.PlaceRegistered + " " + idn.LegalAuthority)
		if strings.Contains(hint, "companies house") || strings.Contains(hint, "companies act 2006") {
			country, ok = "GB", true
		}
	}
	if !ok {
		return
	}
	e.Jurisdiction = country
	number := strings.TrimSpace(idn.RegistrationNumber)
	if number == "" {
		return
	}
	if country == "GB" {
		if n := resolve.GBCompanyNumber(number); n != "" {
			e.Identifiers = []string{norm.SchemeCOH + ":" + n}
			if ukID {
				e.ID = "gb-coh:" + n
			}
			return
		}
	}
	if id := resolve.RegistryIdentifier(country, number); id != "" {
		e.Identifiers = []string{id}
	}
}

// nationalities splits "British,Chinese" and normalises each to ISO alpha-2.
func nationalities(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '/' }) {
		if c, ok := norm.Country(part); ok {
			out = append(out, c)
		}
	}
	return model.SortedUnique(out)
}

// edgesFor maps natures of control to edges, one per relationship kind
// (bands of the same kind folded into the interval that covers them).
func edgesFor(kind string, natures []string) ([]control, error) {
	byKind := map[model.RelKind]*control{}
	for _, n := range natures {
		c, ok := natureOfControl(n)
		if !ok {
			return nil, rejectf("natures_of_control", "unknown nature of control %q", n)
		}
		prev, seen := byKind[c.kind]
		if !seen {
			cc := c
			byKind[c.kind] = &cc
			continue
		}
		prev.viaArrangement = prev.viaArrangement && c.viaArrangement
		if c.share.Known {
			if c.share.Min < prev.share.Min {
				prev.share.Min, prev.share.MinExclusive = c.share.Min, c.share.MinExclusive
			}
			if c.share.Max > prev.share.Max {
				prev.share.Max, prev.share.MaxExclusive = c.share.Max, c.share.MaxExclusive
			}
		}
	}
	if len(byKind) == 0 && strings.HasPrefix(kind, "super-secure-") {
		// an undisclosed person whose interest is not given either
		byKind[model.Ownership] = &control{kind: model.Ownership}
	}
	out := make([]control, 0, len(byKind))
	for _, c := range byKind {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].kind < out[j].kind })
	return out, nil
}

func (p *parser) statement(number string, company model.Entity, d *data, start, end string) error {
	unknown, known := statementEffect(d.Statement)
	if !known {
		return rejectf("statement", "unknown statement %q", d.Statement)
	}
	if err := p.sink.Entity(company); err != nil {
		return err
	}
	if !unknown {
		return nil
	}
	id := recordID(d)
	if id == "" {
		return rejectf("links.self", "no statement id (links.self or etag)")
	}
	st := strings.ToLower(strings.TrimSpace(d.Statement))
	holder := model.Entity{ID: "unknown:psc:" + number + ":" + id, Kind: model.Unknown,
		Name:   fmt.Sprintf("Unidentified person with significant control of %s (statement %s)", number, st),
		Source: Source, SourceRef: "company/" + number + "/statement/" + id}
	if err := p.sink.Entity(holder); err != nil {
		return err
	}
	return p.edge(holder.ID, company.ID, holder.SourceRef, control{kind: model.Ownership}, start, end)
}

// date validates a YYYY-MM-DD date ("" stays "").
func date(field, v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	if _, err := time.Parse("2006-01-02", v); err != nil {
		return "", rejectf(field, "%q is not a YYYY-MM-DD date", v)
	}
	return v, nil
}

// trailer keeps the totals' *_count fields for reconcile.
func (p *parser) trailer(name string, lineNo int, raw json.RawMessage) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return rejectf("data", "invalid totals trailer: %v", err)
	}
	if p.counts.Totals == nil {
		p.counts.Totals = map[string]int64{}
	}
	for k, v := range fields {
		if !strings.HasSuffix(k, "_count") && k != "count" && k != "total" {
			continue
		}
		var n int64
		if err := json.Unmarshal(v, &n); err != nil {
			return rejectf("data."+k, "count %s is not an integer", v)
		}
		p.counts.Totals[k] += n
	}
	p.opts.log().Debug("psc: totals trailer", "file", name, "line", lineNo)
	return nil
}

// reconcile compares the trailer's counts with what was read and warns on
// a mismatch (the part files of a snapshot must all be given together).
func (p *parser) reconcile() {
	c := p.counts
	if c.Totals == nil {
		p.opts.log().Warn("psc: no totals trailer read; the snapshot may be incomplete",
			"persons", c.Persons, "statements", c.Statements, "exemptions", c.Exemptions)
		return
	}
	read := map[string]int{
		"persons_of_significant_control_count": c.Persons,
		"statements_count":                     c.Statements,
		"exemptions_count":                     c.Exemptions,
	}
	all := c.Persons + c.Statements + c.Exemptions
	matched := 0
	for k, want := range c.Totals {
		got, ok := read[k]
		if !ok {
			if k == "count" || k == "total" || k == "total_count" {
				got, ok = all, true
			}
		}
		if !ok {
			p.opts.log().Debug("psc: unrecognised totals field", "field", k, "value", want)
			continue
		}
		matched++
		if int64(got) != want {
			p.opts.log().Warn("psc: totals trailer does not match the records read",
				"field", k, "trailer", want, "read", got)
		}
	}
	if matched == 0 {
		p.opts.log().Info("psc: totals trailer carries no counts to reconcile",
			"persons", c.Persons, "statements", c.Statements, "exemptions", c.Exemptions)
	}
}
