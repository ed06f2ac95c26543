// Package ftm reads FollowTheMoney entities — OpenSanctions
// entities.ftm.json (one entity per line) and delta files ({"op": "ADD" |
// "MOD" | "DEL", "entity": {...}}) — and sends entities, relationships and
// rejects to an ingest.Sink.
//
// Names and countries. The caption (else the first name) is the name; the
// other name values, alias, previousName and weakAlias are aliases;
// country and mainCountry are the address countries.
//
// Mapping. Company, Organization and LegalEntity → company; PublicBody →
// state_body; Person → person; Ownership (owner → asset) → ownership with
// the free-text percentage parsed (unparsable text: unknown share and a
// warning); Directorship (director → organization) → officer, or nominee
// when the role says so. Other schemas (addresses, payments, sanctions,
// vessels, family and other links) are read and left out, counted as
// skipped by schema (ingest.CountSkipped); an edge to one of them is left
// out too, and counted. So every line read is written, rejected or
// skipped. Entity ids are "ftm:<id>".
//
// Resolution. Every entity carries the identifier "FTM:<id>" and
// "FTM:<referent>" for each of its referents (ids merged into it by
// OpenSanctions), so ingest/resolve folds stubs and other datasets' records
// of a referent into it. Edge endpoints that name a referent seen earlier
// use the canonical id directly. Registration numbers become GB-COH (GB),
// CN-USCC (a valid code in CN) or REG:<ISO2>:<number>; leiCode XI-LEI;
// innCode RU-INN; ogrnCode RU-OGRN; uniqueEntityId US-UEI; icijId
// ICIJ:<node id> (the ICIJ parser writes the same identifier).
//
// Lists. topics are list tags as they are ("sanction", "sanction.linked",
// "role.pep"...); gov.soe also sets state_owned. For target entities the
// dataset names ("us_ofac_sdn", "eu_fsf"...) are list tags too, so list
// based presets (ofac-50) can use them.
//
// Deletes. Nothing is deleted from the store: a DEL marks the entity with
// the list tag "ftm.deleted", and a deleted Ownership or Directorship is
// written again ended (end date: the entity's last_seen date, else the
// parser's Today). A DEL needs only the record's id (OpenSanctions deletes
// with {"op":"DEL","entity":{"id":"X"}}): a party written earlier in the
// run is deleted at once; any other id is looked up in the store, in
// batches, through the sink (CanonicalIDs and RelationshipsOfRecords, as
// the Writer has): an entity with the id is deleted, the relationships an
// Ownership or Directorship record of the id asserted are written again
// ended, and an id the store has neither as an entity nor as an edge
// record is counted as skipped ("DEL of an id not in the store"), never
// written. Each ADD, MOD and DEL of a party in a delta file is also
// reported to the sink (ingest.ReportDelta), so that once the file is
// written its deletions apply (store.DeltaApplier): a MOD that drops a
// topic or dataset retires that list tag as of the entity's last_change
// date, and a DEL retires every tag the record gave and makes the entity
// inactive, as of its last_seen date, when only FtM knew it.
package ftm

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/ingest/norm"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// Source is the source name on every record.
const Source = "ftm"

// DeletedTag marks an entity a delta file deleted.
const DeletedTag = "ftm.deleted"

// Parse reads every file (plain or .gz) with one Parser.
func Parse(ctx context.Context, paths []string, sink ingest.Sink) error {
	p := NewParser(sink)
	for _, path := range paths {
		if err := p.ParseFile(ctx, path); err != nil {
			return err
		}
	}
	return nil
}

// Parser keeps what it learnt across files: which ids it wrote (and of
// what kind), and the referent → canonical id map.
type Parser struct {
	sink ingest.Sink
	// Warn, when set, receives problems that do not reject a record (an
	// unparsable percentage, say).
	Warn func(ingest.Reject)
	// Today is the end date of deleted edges without a last_seen date
	// (default: the current UTC date).
	Today string

	seen  map[string]model.EntityKind // ftm id → kind written ("-": a schema left out)
	canon map[string]string           // referent id → canonical id

	// Deletions of ids the run has not written, looked up in the store
	// in batches (flushDeletes), in order; pendingIDs holds their ids.
	pending    []pendingDelete
	pendingIDs map[string]bool
}

// pendingDelete is a DEL of an id to look up in the store.
type pendingDelete struct{ id, date string }

// maxPendingDeletes bounds the deletions looked up at once.
const maxPendingDeletes = 1000

// What CountSkipped is told about records left out that are no schema.
const (
	skippedUnknownDelete = "DEL of an id not in the store"
	skippedLeftOutDelete = "DEL of a record left out of the graph"
)

// idLookup and recordLookup are what the parser asks the sink
// (ingest.Writer) about ids deleted by id alone: which are stored
// entities, and what relationships edge records of the others asserted.
type (
	idLookup interface {
		CanonicalIDs(ctx context.Context, ids []string) (map[string]string, error)
	}
	recordLookup interface {
		RelationshipsOfRecords(ctx context.Context, source string, refs []string) ([]model.Relationship, error)
	}
)

// skipped marks ids of entities whose schema is not part of the graph,
// edgeRecord those of Ownership and Directorship records (no endpoints).
const (
	skipped    model.EntityKind = "-"
	edgeRecord model.EntityKind = "~"
)

// NewParser returns a Parser writing to sink.
func NewParser(sink ingest.Sink) *Parser {
	return &Parser{sink: sink, Today: time.Now().UTC().Format("2006-01-02"),
		seen: map[string]model.EntityKind{}, canon: map[string]string{}, pendingIDs: map[string]bool{}}
}

// entity is one FtM entity as serialised by followthemoney / OpenSanctions.
type entity struct {
	ID         string                       `json:"id"`
	Caption    string                       `json:"caption"`
	Schema     string                       `json:"schema"`
	Properties map[string][]json.RawMessage `json:"properties"`
	Referents  []string                     `json:"referents"`
	Datasets   []string                     `json:"datasets"`
	LastSeen   string                       `json:"last_seen"`
	LastChange string                       `json:"last_change"`
	Target     bool                         `json:"target"`
}

// delta is a delta-file line; an entity line has neither field.
type delta struct {
	Op     string          `json:"op"`
	Entity json.RawMessage `json:"entity"`
}

// ParseFile reads one file: plain, gzip, or every member of a zip
// archive (ingest.ParseInputs).
func (p *Parser) ParseFile(ctx context.Context, path string) error {
	return ingest.ParseInputs(ctx, p, path, "ingest "+Source)
}

// ParseReader reads JSON lines from r; name labels rejects and errors.
func (p *Parser) ParseReader(ctx context.Context, name string, r io.Reader) error {
	br := bufio.NewReaderSize(ingest.LimitLines(r, ingest.MaxLineBytes), 256<<10)
	for n := 1; ; n++ {
		raw, err := readLine(br)
		var long *ingest.LineTooLongError
		if errors.As(err, &long) {
			return fmt.Errorf("ingest ftm: %s: %w", name, err) // it names the line
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("ingest ftm: %s: line %d: %w", name, n, err)
		}
		if b := bytes.TrimSpace(raw); len(b) > 0 {
			if cerr := ctx.Err(); cerr != nil {
				return cerr
			}
			ingest.CountRead(p.sink, 1)
			if perr := p.line(ctx, name, n, b); perr != nil {
				var rj *rejectError
				if !errors.As(perr, &rj) {
					return fmt.Errorf("ingest ftm: %w", perr)
				}
				if serr := p.sink.Reject(ingest.Reject{File: name, Line: n, Field: rj.field, Reason: rj.reason}); serr != nil {
					return fmt.Errorf("ingest ftm: %w", serr)
				}
			}
		}
		if err == io.EOF {
			if derr := p.flushDeletes(ctx); derr != nil {
				return fmt.Errorf("ingest ftm: %s: %w", name, derr)
			}
			return nil
		}
	}
}

func readLine(br *bufio.Reader) ([]byte, error) {
	l, err := br.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		return l, err
	}
	out := append([]byte(nil), l...)
	for err == bufio.ErrBufferFull {
		l, err = br.ReadSlice('\n')
		out = append(out, l...)
	}
	return out, err
}

type rejectError struct{ field, reason string }

func (e *rejectError) Error() string { return e.field + ": " + e.reason }

func reject(field, format string, args ...any) error {
	return &rejectError{field: field, reason: fmt.Sprintf(format, args...)}
}

// jsonReject turns a decoding error into a reject naming the field.
func jsonReject(prefix string, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return reject(prefix+te.Field, "want %s, got JSON %s", te.Type, te.Value)
	}
	return reject(strings.TrimSuffix(prefix, "."), "malformed JSON: %v", err)
}

func (p *Parser) line(ctx context.Context, name string, n int, b []byte) error {
	if b[0] != '{' {
		return reject("", "not a JSON object")
	}
	var l delta
	if err := json.Unmarshal(b, &l); err != nil {
		return jsonReject("", err)
	}
	e, op, body, prefix := &entity{}, "ADD", b, ""
	isDelta := l.Op != "" || len(l.Entity) > 0
	if isDelta {
		if len(l.Entity) == 0 || l.Entity[0] != '{' {
			return reject("entity", "delta line without an entity object")
		}
		op, body, prefix = strings.ToUpper(l.Op), l.Entity, "entity."
	}
	if err := json.Unmarshal(body, e); err != nil {
		return jsonReject(prefix, err)
	}
	switch {
	case op != "ADD" && op != "MOD" && op != "DEL":
		return reject("op", "%q is not ADD, MOD or DEL", l.Op)
	case e.ID == "":
		return reject("id", "missing")
	case e.Schema == "" && op != "DEL": // a deletion needs only the id
		return reject("schema", "missing")
	}
	if p.pendingIDs[e.ID] {
		// A later line of a record whose deletion is pending: delete first.
		if err := p.flushDeletes(ctx); err != nil {
			return err
		}
	}
	switch e.Schema {
	case "Ownership", "Directorship":
		return p.edge(e, op, name, n)
	}
	kind, ok := schemaKinds[e.Schema]
	if !ok && e.Schema != "" {
		p.seen[e.ID] = skipped
		ingest.CountSkipped(p.sink, e.Schema, 1)
		return nil
	}
	if op == "DEL" {
		return p.delete(ctx, e.ID, p.dateOr(e.LastSeen))
	}
	lists, err := p.legalEntity(e, kind)
	if err == nil && isDelta {
		// A delta's ADD or MOD is the record's whole new state.
		ingest.ReportDelta(p.sink, store.RecordChange{ID: "ftm:" + e.ID, Lists: lists, Date: p.dateOr(e.LastChange)})
	}
	return err
}

// delete deletes the party id (see Deletes in the package comment): at
// once when the run wrote it, else once the store was asked about it.
func (p *Parser) delete(ctx context.Context, id, date string) error {
	switch p.seen[id] {
	case skipped:
		ingest.CountSkipped(p.sink, skippedLeftOutDelete, 1)
		return nil
	case "", edgeRecord: // an edge written in the run is looked up like one written before
		p.pending = append(p.pending, pendingDelete{id: id, date: date})
		p.pendingIDs[id] = true
		if len(p.pending) >= maxPendingDeletes {
			return p.flushDeletes(ctx)
		}
		return nil
	}
	return p.deleteParty(id, date)
}

// deleteParty tags the entity deleted and reports the deletion.
func (p *Parser) deleteParty(id, date string) error {
	if p.seen[id] == "" {
		p.seen[id] = model.Unknown // written: an edge to it needs no stub
	}
	if err := p.sink.Entity(model.Entity{ID: "ftm:" + id, Lists: []string{DeletedTag}, Source: Source,
		SourceRef: id, Identifiers: []string{"FTM:" + id}}); err != nil {
		return err
	}
	ingest.ReportDelta(p.sink, store.RecordChange{ID: "ftm:" + id, Deleted: true, Lists: []string{DeletedTag}, Date: date})
	return nil
}

// flushDeletes looks the pending deletions up in the store and applies
// them: an entity's deletion, or an edge record's relationships ended;
// ids the store has neither way are counted as skipped. A sink that
// cannot look ids up has none.
func (p *Parser) flushDeletes(ctx context.Context) error {
	if len(p.pending) == 0 {
		return nil
	}
	pending := p.pending
	p.pending = nil
	clear(p.pendingIDs)
	var known map[string]string
	if l, ok := p.sink.(idLookup); ok {
		ids := make([]string, len(pending))
		for i, d := range pending {
			ids[i] = "ftm:" + d.id
		}
		var err error
		if known, err = l.CanonicalIDs(ctx, ids); err != nil {
			return fmt.Errorf("look up %d deleted ids: %w", len(ids), err)
		}
	}
	var refs []string
	for _, d := range pending {
		if _, ok := known["ftm:"+d.id]; !ok {
			refs = append(refs, d.id)
		}
	}
	edges := map[string][]model.Relationship{}
	if l, ok := p.sink.(recordLookup); ok && len(refs) > 0 {
		rels, err := l.RelationshipsOfRecords(ctx, Source, refs)
		if err != nil {
			return fmt.Errorf("look up the relationships of %d deleted records: %w", len(refs), err)
		}
		for _, r := range rels {
			edges[r.SourceRef] = append(edges[r.SourceRef], r)
		}
	}
	for _, d := range pending {
		if _, ok := known["ftm:"+d.id]; ok {
			if err := p.deleteParty(d.id, d.date); err != nil {
				return err
			}
			continue
		}
		rels := edges[d.id]
		if len(rels) == 0 {
			ingest.CountSkipped(p.sink, skippedUnknownDelete, 1)
			continue
		}
		for _, r := range rels {
			// Ended as any deleted edge is; its ends are stored entities.
			if r.EndDate == "" {
				r.EndDate = d.date
			}
			if err := p.sink.Relationship(r); err != nil {
				return err
			}
		}
	}
	return nil
}

// dateOr is the date of an FtM timestamp, else Today.
func (p *Parser) dateOr(ts string) string {
	if d := date(ts); d != "" {
		return d
	}
	return p.Today
}

// schemaKinds maps the FtM schemata that are parties in the graph.
var schemaKinds = map[string]model.EntityKind{
	"Company":      model.Company,
	"Organization": model.Company,
	"LegalEntity":  model.Company,
	"PublicBody":   model.StateBody,
	"Person":       model.Person,
}

// strs returns a property's string values (entity references given as
// nested objects contribute their id).
func (e *entity) strs(prop string) []string {
	var out []string
	for _, raw := range e.Properties[prop] {
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 {
			continue
		}
		var s string
		if raw[0] == '{' {
			var o struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(raw, &o) == nil {
				s = o.ID
			}
		} else if json.Unmarshal(raw, &s) != nil {
			continue
		}
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (e *entity) first(prop string) string {
	if v := e.strs(prop); len(v) > 0 {
		return v[0]
	}
	return ""
}

func countries(vals []string) []string {
	var out []string
	for _, v := range vals {
		if c, ok := norm.Country(v); ok {
			out = append(out, c)
		}
	}
	return model.SortedUnique(out)
}

// legalEntity writes a party entity and returns the list tags it gave.
func (p *Parser) legalEntity(e *entity, kind model.EntityKind) ([]string, error) {
	ent := model.Entity{ID: "ftm:" + e.ID, Kind: kind, Source: Source, SourceRef: e.ID}
	ent.Name = strings.TrimSpace(e.Caption)
	if ent.Name == "" {
		ent.Name = e.first("name")
	}
	country := countries(e.strs("country"))
	if kind == model.Person {
		ent.Nationality = countries(append(e.strs("nationality"), e.strs("citizenship")...))
		if len(country) == 1 {
			ent.Residence = country[0]
		}
	} else {
		if j := countries(e.strs("jurisdiction")); len(j) > 0 {
			ent.Jurisdiction = j[0]
		} else if len(country) == 1 {
			ent.Jurisdiction = country[0]
		}
		if m := countries(e.strs("mainCountry")); len(m) > 0 {
			ent.HQCountry = m[0]
		}
	}
	// Every other name is an alias: further name values, aliases, former
	// names and weak aliases (short or ambiguous names sanctions lists give).
	for _, prop := range []string{"name", "alias", "previousName", "weakAlias"} {
		ent.Aliases = append(ent.Aliases, e.strs(prop)...)
	}
	ent.AddressCountries = countries(append(e.strs("country"), e.strs("mainCountry")...))
	for _, t := range e.strs("topics") {
		ent.Lists = append(ent.Lists, t)
		if t == "gov.soe" {
			ent.StateOwned = true
		}
	}
	if e.Target {
		ent.Lists = append(ent.Lists, e.Datasets...)
	}
	ent.Identifiers = append(ent.Identifiers, "FTM:"+e.ID)
	for _, r := range e.Referents {
		if r = strings.TrimSpace(r); r != "" && r != e.ID {
			ent.Identifiers = append(ent.Identifiers, "FTM:"+r)
			p.canon[r] = e.ID
		}
	}
	ent.Identifiers = append(ent.Identifiers, identifiers(e, ent.Jurisdiction)...)
	ent.Normalize()
	p.seen[e.ID] = kind
	return ent.Lists, p.sink.Entity(ent)
}

// identifierProps maps FtM identifier properties to schemes.
var identifierProps = []struct{ prop, scheme string }{
	{"leiCode", norm.SchemeLEI},
	{"innCode", "RU-INN"},
	{"ogrnCode", "RU-OGRN"},
	{"uniqueEntityId", "US-UEI"},
	{"icijId", "ICIJ"},
}

func identifiers(e *entity, jurisdiction string) []string {
	var out []string
	for _, ip := range identifierProps {
		for _, v := range e.strs(ip.prop) {
			if s, err := norm.Identifier(ip.scheme, v); err == nil {
				out = append(out, s)
			}
		}
	}
	for _, v := range e.strs("registrationNumber") {
		switch {
		case jurisdiction == "GB":
			if s, err := norm.Identifier(norm.SchemeCOH, v); err == nil {
				out = append(out, s)
				continue
			}
		case jurisdiction == "CN":
			if s, err := norm.Identifier(norm.SchemeUSCC, v); err == nil {
				out = append(out, s)
				continue
			}
		}
		if jurisdiction != "" && norm.RegistryNumber(v) != "" {
			out = append(out, norm.RegistryIdentifier(jurisdiction, v))
		}
	}
	return out
}

// endpoint resolves an edge end to its canonical id and makes sure the
// entity exists (a stub carrying FTM:<id>, which resolution folds into the
// entity that lists it as a referent). ok is false for an entity of a
// schema left out of the graph.
func (p *Parser) endpoint(id string) (string, bool, error) {
	if c, ok := p.canon[id]; ok {
		id = c
	}
	switch p.seen[id] {
	case skipped, edgeRecord:
		return "", false, nil
	case "":
		p.seen[id] = model.Unknown
		err := p.sink.Entity(model.Entity{ID: "ftm:" + id, Source: Source, SourceRef: id, Identifiers: []string{"FTM:" + id}})
		return "ftm:" + id, err == nil, err
	}
	return "ftm:" + id, true, nil
}

func (p *Parser) edge(e *entity, op, name string, n int) error {
	holderProp, heldProp := "owner", "asset"
	kind := model.Ownership
	if e.Schema == "Directorship" {
		holderProp, heldProp, kind = "director", "organization", model.Officer
	}
	holderRef, heldRef := e.first(holderProp), e.first(heldProp)
	if holderRef == "" || heldRef == "" {
		if op == "DEL" {
			return reject("properties", "deleted %s without %s and %s: cannot end it", e.Schema, holderProp, heldProp)
		}
		missing := holderProp
		if holderRef != "" {
			missing = heldProp
		}
		return reject("properties."+missing, "missing")
	}
	p.seen[e.ID] = edgeRecord
	holder, ok, err := p.endpoint(holderRef)
	if err == nil && ok {
		var held string
		if held, ok, err = p.endpoint(heldRef); err == nil && ok {
			return p.writeEdge(e, op, name, n, kind, holder, held)
		}
	}
	if err != nil {
		return err
	}
	ingest.CountSkipped(p.sink, e.Schema+" of a record left out of the graph", 1)
	return nil
}

// writeEdge writes the relationship of an Ownership or Directorship.
func (p *Parser) writeEdge(e *entity, op, name string, n int, kind model.RelKind, holder, held string) error {
	role := strings.ToLower(strings.Join(append(e.strs("role"), e.strs("ownershipType")...), " "))
	if kind == model.Officer && strings.Contains(role, "nominee") {
		kind = model.Nominee
	}
	r := model.Relationship{HolderID: holder, HeldID: held, Kind: kind, Source: Source, SourceRef: e.ID}
	r.ID = model.RelationshipID(Source, e.ID, holder, held, kind)
	if kind == model.Ownership {
		if pct := e.first("percentage"); pct != "" {
			if sh, ok := ParsePercentage(pct); ok {
				r.Share = sh
			} else if p.Warn != nil {
				p.Warn(ingest.Reject{File: name, Line: n, Field: "properties.percentage",
					Reason: fmt.Sprintf("%q is not a percentage: share left unknown", pct)})
			}
		}
	}
	switch {
	case strings.Contains(role, "indirect"):
		r.Direct = "indirect"
	case strings.Contains(role, "direct"):
		r.Direct = "direct"
	}
	r.StartDate = date(e.first("startDate"))
	r.EndDate = date(e.first("endDate"))
	if op == "DEL" && r.EndDate == "" {
		r.EndDate = date(e.LastSeen)
		if r.EndDate == "" {
			r.EndDate = p.Today
		}
	}
	return p.sink.Relationship(r)
}

// date turns an FtM date ("2019", "2019-05", "2019-05-03", a date-time)
// into YYYY-MM-DD, partial dates at their first day; "" when unreadable.
func date(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 10 {
		s = s[:10]
	}
	for _, layout := range []string{"2006-01-02", "2006-01", "2006"} {
		if len(s) == len(layout) {
			if t, err := time.Parse(layout, s); err == nil {
				return t.Format("2006-01-02")
			}
		}
	}
	return ""
}
