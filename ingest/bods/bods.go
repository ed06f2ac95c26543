// Package bods reads Beneficial Ownership Data Standard statements — 0.2,
// 0.3 and 0.4, recognised from each statement's content — from a JSON array
// or JSON lines, streaming, and sends entities, relationships and rejects
// to an ingest.Sink.
//
// Versions of a record. 0.4 statements carry recordId and recordStatus:
// entity and relationship ids derive from the recordId, so a later
// statement about the same record overwrites the earlier one in the store;
// a statement older (by statementDate) than one already seen for its
// record is skipped; a closed relationship record ends its edges at the
// closing statement's date; a closed entity or person record gets the list
// tag "bods.closed" and model.InactiveTagPrefix+date (no root from that
// date). An updated or closed relationship statement whose record this
// run has not seen yet ends what an earlier run stored for the record and
// it no longer asserts (ingest.StoredRelationships), as within one run;
// statement dates are not stored, so an older version ingested after a
// newer one in a later run overwrites it. 0.2/0.3 statements replace earlier ones through
// replacesStatements: a replacing statement inherits the id of the first
// statement in its chain, so the entity stays one entity, and a replaced
// statement that turns up later is skipped. When a new version of a
// relationship no longer asserts an edge an earlier version did (an
// interest dropped, a party changed, a "no beneficial owners" update), that
// edge is written again with the new statement's date as its end date.
//
// Memory: to do this while streaming the parser keeps, per record, the
// latest statementDate and the edges it currently asserts, and for 0.2/0.3
// replacement chains the statement id → chain id map. That is a few dozen
// bytes per record plus its edges, not the statements themselves.
//
// Names and countries. An entity's alternateNames and a person's names
// other than the primary one (see primaryName) are aliases; the countries
// of addresses (and of a 0.2/0.3 placeOfResidence) are address countries.
//
// Unspecified interested parties (0.2/0.3 interestedParty.unspecified, 0.4
// an UnspecifiedRecord object) become an unknown holder
// "unknown:bods:<record>" with the interests and shares given (an
// ownership edge of unknown share when none is), except for the reasons
// that say the chain ends (no beneficial owners, subject exempt from
// disclosure): nothing is created for those. A relationship whose subject
// is unspecified has nothing to attach to and is skipped.
//
// Ids. An entity's id is "bods:" + its record id (0.4) or chain id
// (0.2/0.3), except in 0.4 statements published by ubo itself (publisher
// name "ubo", what `ubo export --format bods` writes): their record ids are
// ubo entity ids already and are kept as they are, so export → ingest keeps
// ids rather than giving "bods:bods:…" or "bods:lei:…". Such statements
// also carry, in an annotation's custom property "uboAttributes", state
// ownership and list tags, which are read back; and an interest
// "otherInfluenceOrControl" whose details are "consolidation", "branch" or
// "fund management" (what the export writes for those kinds) is that kind
// again rather than influence.
package bods

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/ingest/norm"
	"github.com/ubo-project/ubo/model"
)

// Source is the source name on every record.
const Source = "bods"

// ClosedTag marks an entity or person whose 0.4 record was closed.
const ClosedTag = "bods.closed"

// Parse reads every file (plain or .gz) in order with one Parser, so
// versions and references carry across files.
func Parse(ctx context.Context, paths []string, sink ingest.Sink) error {
	p := NewParser(sink)
	for _, path := range paths {
		if err := p.ParseFile(ctx, path); err != nil {
			return err
		}
	}
	return nil
}

// Parser turns BODS statements into records. It keeps the per-record state
// described in the package comment across files.
type Parser struct {
	sink    ingest.Sink
	records map[string]*recordState // record key → state
	chain   map[string]string       // 0.2/0.3 statement id → chain (first statement) id
	gone    map[string]bool         // 0.2/0.3 statement ids already replaced

	versions []FileVersions // per file read, the versions its statements declare

	// MaxStatementBytes bounds one statement (0: DefaultMaxStatementBytes).
	MaxStatementBytes int

	ctx context.Context // of the ParseReader call under way
}

// FileVersions is what the statements of one file declare in
// publicationDetails.bodsVersion: statements per version, "" for those
// that declare none (read by their shape).
type FileVersions struct {
	File     string         `json:"file"`
	Versions map[string]int `json:"versions"`
}

// String renders the declaration the way the ingest summary says it:
// "a.json: BODS 0.4 (12 statements)", unsupported versions marked.
func (f FileVersions) String() string {
	keys := slices.Sorted(maps.Keys(f.Versions))
	var parts []string
	for _, v := range keys {
		label := "BODS " + v
		switch {
		case v == "":
			label = "no bodsVersion"
		case !slices.Contains(supportedVersions, v):
			label = "BODS " + strconv.Quote(v) + " (unsupported, rejected)"
		}
		parts = append(parts, fmt.Sprintf("%s: %d statement(s)", label, f.Versions[v]))
	}
	if len(parts) == 0 {
		parts = []string{"no statements"}
	}
	return f.File + ": " + strings.Join(parts, ", ")
}

// Versions returns, per file read so far in order, the versions its
// statements declared.
func (p *Parser) Versions() []FileVersions { return slices.Clone(p.versions) }

func (p *Parser) countVersion(file, declared string) {
	n := len(p.versions)
	if n == 0 || p.versions[n-1].File != file {
		p.versions = append(p.versions, FileVersions{File: file, Versions: map[string]int{}})
		n++
	}
	p.versions[n-1].Versions[declared]++
}

type recordState struct {
	date  string               // latest statementDate seen
	seen  bool                 // an entity/person statement was written
	edges []model.Relationship // edges the latest version asserts (relationships)
}

// NewParser returns a Parser writing to sink.
func NewParser(sink ingest.Sink) *Parser {
	return &Parser{sink: sink, records: map[string]*recordState{}, chain: map[string]string{}, gone: map[string]bool{}}
}

// ParseFile reads one file: plain, gzip, or every member of a zip
// archive (ingest.ParseInputs).
func (p *Parser) ParseFile(ctx context.Context, path string) error {
	return ingest.ParseInputs(ctx, p, path, "ingest "+Source)
}

// ParseReader reads the statements of r; name labels rejects and errors.
func (p *Parser) ParseReader(ctx context.Context, name string, r io.Reader) error {
	if n := len(p.versions); n == 0 || p.versions[n-1].File != name {
		p.versions = append(p.versions, FileVersions{File: name, Versions: map[string]int{}})
	}
	p.ctx = ctx
	max := p.MaxStatementBytes
	if max <= 0 {
		max = DefaultMaxStatementBytes
	}
	err := readRecords(name, r, max, func(rec record) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		ingest.CountRead(p.sink, 1)
		if rec.bad != "" {
			return p.sink.Reject(ingest.Reject{File: name, Line: rec.line, Field: rec.badField, Reason: rec.bad})
		}
		if err := p.statement(name, rec); err != nil {
			var rj *rejectError
			if errors.As(err, &rj) {
				return p.sink.Reject(ingest.Reject{File: name, Line: rec.line, Field: rj.field, Reason: rj.reason})
			}
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("ingest bods: %w", err)
	}
	return nil
}

// rejectError is a statement-level problem: the statement is rejected and
// parsing goes on.
type rejectError struct{ field, reason string }

func (e *rejectError) Error() string { return e.field + ": " + e.reason }

func reject(field, format string, args ...any) error {
	return &rejectError{field: field, reason: fmt.Sprintf(format, args...)}
}

// jsonReject turns a decoding error into a reject naming the field.
func jsonReject(prefix string, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if prefix != "" && field != "" {
			field = prefix + "." + field
		} else if field == "" {
			field = prefix
		}
		return reject(field, "want %s, got JSON %s", te.Type, te.Value)
	}
	return reject(prefix, "%v", err)
}

func (p *Parser) statement(name string, rec record) error {
	if len(rec.raw) == 0 || rec.raw[0] != '{' {
		return reject("", "statement is not a JSON object")
	}
	var h header
	if err := json.Unmarshal(rec.raw, &h); err != nil {
		return jsonReject("", err)
	}
	declared := declaredVersion(h.PublicationDetails.BODSVersion)
	p.countVersion(name, declared)
	shape04 := h.RecordID != "" || h.RecordType != "" || len(h.RecordDetails) > 0
	if !shape04 && h.StatementType == "" {
		return reject("", "not a BODS statement: neither statementType (0.2/0.3) nor recordType (0.4)")
	}
	if err := checkVersion(declared, shape04); err != nil {
		return err
	}
	if shape04 {
		if err := validate04(rec.raw); err != nil {
			return err
		}
		return p.statement04(h)
	}
	return p.statementLegacy(h, rec.raw)
}

// ---- 0.4 ----

func (p *Parser) statement04(h header) error {
	switch {
	case h.StatementID == "":
		return reject("statementId", "missing")
	case h.RecordID == "":
		return reject("recordId", "missing")
	case len(h.RecordDetails) == 0 || h.RecordDetails[0] != '{':
		return reject("recordDetails", "missing or not an object")
	}
	switch h.RecordStatus {
	case "", "new", "updated", "closed":
	default:
		return reject("recordStatus", "%q is not new, updated or closed", h.RecordStatus)
	}
	date, err := statementDate(h.StatementDate)
	if err != nil {
		return err
	}
	var d details
	if err := json.Unmarshal(h.RecordDetails, &d); err != nil {
		return jsonReject("recordDetails", err)
	}
	key := h.RecordID
	st := p.records[key]
	if st != nil && h.StatementDate < st.date {
		return nil // an older version of a record already written
	}
	closed := h.RecordStatus == "closed"
	ours := h.PublicationDetails.Publisher.Name == UBOPublisher
	idOf := func(recordID string) string { return "bods:" + recordID }
	if ours {
		idOf = func(recordID string) string { return recordID }
	}
	switch h.RecordType {
	case "entity", "person":
		e, err := buildEntity(h.RecordType, &d, "recordDetails.")
		if err != nil {
			return err
		}
		e.ID, e.SourceRef = idOf(key), h.StatementID
		if closed {
			// From the closing statement's date it is no root any more
			// (model.InactiveTagPrefix); before it, it still counts.
			e.Lists = append(e.Lists, ClosedTag)
			if date != "" {
				e.Lists = append(e.Lists, model.InactiveTagPrefix+date)
			}
		}
		for _, a := range h.Annotations {
			if a.UBOAttributes != nil {
				e.StateOwned = e.StateOwned || a.UBOAttributes.StateOwned
				e.Lists = append(e.Lists, a.UBOAttributes.Lists...)
			}
		}
		if err := p.emitEntity(e); err != nil {
			return err
		}
		p.remember(key, h.StatementDate).seen = true
		return nil
	case "relationship":
		heldKey, ok, err := subject04(d.Subject)
		if err != nil || !ok {
			return err
		}
		holderKey, unspec, err := party04(d.InterestedParty)
		if err != nil {
			return err
		}
		held, holder := idOf(heldKey), ""
		if err := p.stub(heldKey, held, ""); err != nil {
			return err
		}
		if holderKey != "" {
			holder = idOf(holderKey)
			if err := p.stub(holderKey, holder, ""); err != nil {
				return err
			}
		}
		return p.relationship(relStatement{key: key, stmtID: h.StatementID, order: h.StatementDate, date: date,
			closed: closed, later: h.RecordStatus != "new", held: held, holder: holder, unspec: unspec, interests: d.Interests, ours: ours})
	case "":
		return reject("recordType", "missing")
	}
	return reject("recordType", "%q is not entity, person or relationship", h.RecordType)
}

// subject04 reads a 0.4 subject: a recordId, or an UnspecifiedRecord
// (ok=false: nothing to attach interests to).
func subject04(raw json.RawMessage) (recordID string, ok bool, err error) {
	if len(raw) == 0 {
		return "", false, reject("recordDetails.subject", "missing")
	}
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &recordID); err != nil || recordID == "" {
			return "", false, reject("recordDetails.subject", "empty record id")
		}
		return recordID, true, nil
	}
	var u party
	if err := json.Unmarshal(raw, &u); err != nil {
		return "", false, jsonReject("recordDetails.subject", err)
	}
	return "", false, nil
}

// party04 reads a 0.4 interested party: a recordId or an UnspecifiedRecord
// (its reason returned in unspec).
func party04(raw json.RawMessage) (recordID, unspec string, err error) {
	if len(raw) == 0 {
		return "", "", reject("recordDetails.interestedParty", "missing")
	}
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &recordID); err != nil || recordID == "" {
			return "", "", reject("recordDetails.interestedParty", "empty record id")
		}
		return recordID, "", nil
	}
	var u party
	if err := json.Unmarshal(raw, &u); err != nil {
		return "", "", jsonReject("recordDetails.interestedParty", err)
	}
	if u.Reason == "" {
		return "", "", reject("recordDetails.interestedParty.reason", "unspecified party without a reason")
	}
	return "", u.Reason, nil
}

// ---- 0.2 / 0.3 ----

func (p *Parser) statementLegacy(h header, raw []byte) error {
	if h.StatementID == "" {
		return reject("statementID", "missing")
	}
	date, err := statementDate(h.StatementDate)
	if err != nil {
		return err
	}
	var d details
	if err := json.Unmarshal(raw, &d); err != nil {
		return jsonReject("", err)
	}
	if p.gone[h.StatementID] {
		return nil // already replaced by a statement read earlier
	}
	key := p.chainOf(h.StatementID)
	for _, old := range h.ReplacesStatements {
		if old == "" || old == h.StatementID {
			continue
		}
		p.gone[old] = true
	}
	if len(h.ReplacesStatements) > 0 && h.ReplacesStatements[0] != "" {
		key = p.chainOf(h.ReplacesStatements[0])
		p.chain[h.StatementID] = key
	}
	switch h.StatementType {
	case "entityStatement", "personStatement":
		kind := strings.TrimSuffix(h.StatementType, "Statement")
		e, err := buildEntity(kind, &d, "")
		if err != nil {
			return err
		}
		e.ID, e.SourceRef = "bods:"+key, h.StatementID
		if err := p.emitEntity(e); err != nil {
			return err
		}
		p.remember(key, h.StatementDate).seen = true
		return nil
	case "ownershipOrControlStatement":
		var subj, ip party
		if len(d.Subject) == 0 {
			return reject("subject", "missing")
		}
		if err := json.Unmarshal(d.Subject, &subj); err != nil {
			return jsonReject("subject", err)
		}
		if subj.DescribedByEntityStatement == "" {
			return reject("subject.describedByEntityStatement", "missing")
		}
		if len(d.InterestedParty) == 0 {
			return reject("interestedParty", "missing")
		}
		if err := json.Unmarshal(d.InterestedParty, &ip); err != nil {
			return jsonReject("interestedParty", err)
		}
		heldKey := p.chainOf(subj.DescribedByEntityStatement)
		held := "bods:" + heldKey
		if err := p.stub(heldKey, held, ""); err != nil {
			return err
		}
		var holder, unspec string
		switch {
		case ip.DescribedByEntityStatement != "":
			k := p.chainOf(ip.DescribedByEntityStatement)
			holder = "bods:" + k
			if err := p.stub(k, holder, ""); err != nil {
				return err
			}
		case ip.DescribedByPersonStatement != "":
			k := p.chainOf(ip.DescribedByPersonStatement)
			holder = "bods:" + k
			if err := p.stub(k, holder, model.Person); err != nil {
				return err
			}
		case ip.Unspecified != nil:
			unspec = ip.Unspecified.Reason
			if unspec == "" {
				return reject("interestedParty.unspecified.reason", "missing")
			}
		default:
			return reject("interestedParty", "neither describedByEntityStatement, describedByPersonStatement nor unspecified")
		}
		// Replaced ownership statements: the edges of every chain replaced
		// here count as the previous version.
		var prev []model.Relationship
		for _, old := range h.ReplacesStatements {
			if k := p.chainOf(old); k != key {
				if st := p.records[k]; st != nil {
					prev = append(prev, st.edges...)
					st.edges = nil
				}
			}
		}
		return p.relationship(relStatement{key: key, stmtID: h.StatementID, order: h.StatementDate, date: date,
			held: held, holder: holder, unspec: unspec, interests: d.Interests, legacy: true, prev: prev})
	}
	return reject("statementType", "%q is not entityStatement, personStatement or ownershipOrControlStatement", h.StatementType)
}

// chainOf resolves a 0.2/0.3 statement id to the id of the first statement
// of its replacement chain.
func (p *Parser) chainOf(id string) string {
	if k, ok := p.chain[id]; ok {
		return k
	}
	return id
}

// stub makes sure a referenced entity exists before an edge uses it. A
// statement read earlier has written it; otherwise a stub with only the id
// (and the kind the reference implies) is written, which a later full
// statement completes. key is the record (or chain) key, id the entity id.
func (p *Parser) stub(key, id string, kind model.EntityKind) error {
	st := p.records[key]
	if st != nil && st.seen {
		return nil
	}
	if st == nil {
		st = &recordState{}
		p.records[key] = st
	}
	st.seen = true
	return p.sink.Entity(model.Entity{ID: id, Kind: kind, Source: Source})
}

func (p *Parser) remember(key, date string) *recordState {
	st := p.records[key]
	if st == nil {
		st = &recordState{}
		p.records[key] = st
	}
	if date > st.date {
		st.date = date
	}
	return st
}

func (p *Parser) emitEntity(e model.Entity) error {
	e.Source = Source
	e.Normalize()
	return p.sink.Entity(e)
}

// relStatement is one relationship statement, read from any version.
type relStatement struct {
	key, stmtID  string // record key (0.4 recordId, 0.2/0.3 chain id), statement id
	order, date  string // statementDate as given (orders versions) and as YYYY-MM-DD
	closed       bool   // 0.4 recordStatus closed
	later        bool   // 0.4 recordStatus other than new: earlier versions may be stored
	held, holder string // entity ids; holder "" when unspecified
	unspec       string // the unspecified reason when holder is ""
	interests    []interest
	legacy       bool                 // 0.2/0.3
	ours         bool                 // published by ubo: details may name our kinds
	prev         []model.Relationship // edges of other replaced chains (0.2/0.3)
}

// relationship writes the edges of one relationship statement and ends the
// edges of the previous version that it no longer asserts.
func (p *Parser) relationship(r relStatement) error {
	key, stmtID, date, held, holder, interests := r.key, r.stmtID, r.date, r.held, r.holder, r.interests
	st := p.records[key]
	prev := r.prev
	if st != nil {
		prev = append(prev, st.edges...)
	} else if r.later && !r.legacy {
		stored, err := p.storedEdges(key, held)
		if err != nil {
			return err
		}
		prev = append(prev, stored...)
	}
	field := "recordDetails.interests"
	if r.legacy {
		field = "interests"
	}

	var edges []model.Relationship
	if holder == "" && chainEnds[r.unspec] {
		interests = nil // nobody further up: no holder, no edges
	} else {
		if holder == "" {
			holder = "unknown:bods:" + key
			if len(interests) == 0 {
				interests = []interest{{Type: "shareholding"}}
			}
		}
		seenKind := map[model.RelKind]int{}
		for i, in := range interests {
			f := fmt.Sprintf("%s[%d]", field, i)
			kind, ok := InterestKind(in.Type)
			if !ok {
				return reject(f+".type", "%q is not in the interestType codelist", in.Type)
			}
			if k, ok := influenceDetails[in.Details]; ok && kind == model.Influence && r.ours {
				kind = k
			}
			share, err := in.Share.toShare(r.legacy)
			if err != nil {
				return reject(f+".share", "%v", err)
			}
			start, err := normDate(in.StartDate)
			if err != nil {
				start = "" // an unreadable start date loses nothing the engine uses
			}
			end, err := normDate(in.EndDate)
			if err != nil {
				return reject(f+".endDate", "%v", err)
			}
			if r.closed && (end == "" || end > date) {
				end = date
			}
			direct := in.DirectOrIndirect
			if direct == "" {
				direct = in.InterestLevel
			}
			if direct != "direct" && direct != "indirect" {
				direct = ""
			}
			// Several interests of one kind in one statement (say, a past
			// and a current shareholding) each keep their own edge.
			ref := key
			if n := seenKind[kind]; n > 0 {
				ref = fmt.Sprintf("%s#%d", key, n+1)
			}
			seenKind[kind]++
			edges = append(edges, model.Relationship{
				ID:       model.RelationshipID(Source, ref, holder, held, kind),
				HolderID: holder, HeldID: held, Kind: kind, Share: share, Direct: direct,
				StartDate: start, EndDate: end, Source: Source, SourceRef: stmtID,
			})
		}
	}

	if r.holder == "" && len(edges) > 0 {
		if err := p.sink.Entity(model.Entity{ID: holder, Kind: model.Unknown,
			Name: "Unspecified interested party (" + r.unspec + ")", Source: Source, SourceRef: stmtID}); err != nil {
			return err
		}
	}

	// End what the previous version asserted and this one does not.
	now := map[string]bool{}
	for _, e := range edges {
		now[e.ID] = true
	}
	for _, old := range prev {
		if now[old.ID] {
			continue
		}
		if old.EndDate == "" || old.EndDate > date {
			old.EndDate = date
		}
		old.SourceRef = stmtID
		if err := p.sink.Relationship(old); err != nil {
			return err
		}
	}
	for _, e := range edges {
		if err := p.sink.Relationship(e); err != nil {
			return err
		}
	}
	st = p.remember(key, r.order)
	if r.closed {
		st.edges = nil
	} else {
		st.edges = edges
	}
	return nil
}

// storedEdges are the edges an earlier ingest run stored for the 0.4
// relationship record key (ids "bods|<key>|…" or "bods|<key>#n|…", see
// relationship), held by held: the previous version of a record that an
// update or closure read in a later run replaces. Nothing when the sink
// cannot read the store.
func (p *Parser) storedEdges(key, held string) ([]model.Relationship, error) {
	sr, ok := p.sink.(ingest.StoredRelationships)
	if !ok {
		return nil, nil
	}
	rels, err := sr.RelationshipsHeld(p.ctx, held)
	if err != nil {
		return nil, err
	}
	var out []model.Relationship
	for _, e := range rels {
		rest, ok := strings.CutPrefix(e.ID, Source+"|"+key)
		if ok && e.Source == Source && (strings.HasPrefix(rest, "|") || strings.HasPrefix(rest, "#")) {
			out = append(out, e)
		}
	}
	return out, nil
}

// ---- entities ----

func buildEntity(recordType string, d *details, prefix string) (model.Entity, error) {
	var e model.Entity
	switch recordType {
	case "entity":
		code, err := entityTypeCode(d.EntityType)
		if err != nil {
			return e, reject(prefix+"entityType", "%v", err)
		}
		if code == "" {
			return e, reject(prefix+"entityType", "missing")
		}
		kind, ok := EntityKind(code)
		if !ok {
			return e, reject(prefix+"entityType", "%q is not in the entityType codelist", code)
		}
		e.Kind, e.Name = kind, strings.TrimSpace(d.Name)
		for _, n := range d.AlternateNames {
			if n = strings.TrimSpace(n); n != "" {
				e.Aliases = append(e.Aliases, n)
			}
		}
		j := d.Jurisdiction
		if j == nil {
			j = d.IncorporatedInJurisdiction
		}
		if j != nil {
			e.Jurisdiction = country(j.Code, j.Name)
		}
		for _, a := range d.Addresses {
			c := country(a.Country.Code, a.Country.Name)
			switch {
			case a.Type == "business" && e.HQCountry == "":
				e.HQCountry = c
			case a.Type == "registered" && e.Jurisdiction == "":
				e.Jurisdiction = c
			}
		}
		e.Identifiers = identifiers(d.Identifiers, e.Jurisdiction)
	case "person":
		kind, ok := PersonKind(d.PersonType)
		if !ok {
			return e, reject(prefix+"personType", "%q is not in the personType codelist", d.PersonType)
		}
		e.Kind = kind
		primary := primaryName(d.Names)
		for i, n := range d.Names {
			if i == primary {
				e.Name = fullName(n)
			} else if full := fullName(n); full != "" {
				e.Aliases = append(e.Aliases, full)
			}
		}
		for _, n := range d.Nationalities {
			if c := country(n.Code, n.Name); c != "" {
				e.Nationality = append(e.Nationality, c)
			}
		}
		if d.PlaceOfResidence != nil {
			e.Residence = country(d.PlaceOfResidence.Country.Code, d.PlaceOfResidence.Country.Name)
			if e.Residence != "" {
				e.AddressCountries = append(e.AddressCountries, e.Residence)
			}
		}
		for _, a := range d.Addresses {
			if a.Type == "residence" && e.Residence == "" {
				e.Residence = country(a.Country.Code, a.Country.Name)
			}
		}
		e.Identifiers = identifiers(d.Identifiers, "")
	default:
		return e, reject("recordType", "%q is not entity or person", recordType)
	}
	for _, a := range d.Addresses {
		if c := country(a.Country.Code, a.Country.Name); c != "" {
			e.AddressCountries = append(e.AddressCountries, c)
		}
	}
	return e, nil
}

func country(code, name string) string {
	if c, ok := norm.Country(code); ok {
		return c
	}
	if c, ok := norm.Country(name); ok {
		return c
	}
	return ""
}

// identifiers turns BODS identifiers into "SCHEME:value". An identifier
// whose scheme is not an org-id.guide code (schemeName only — GLEIF
// registration authority codes, say) becomes REG:<jurisdiction>:<number>
// when the entity's jurisdiction is known, so resolution can match it with
// GLEIF's registration numbers. Identifiers that fail their check (a LEI
// with a bad checksum) are left out rather than merged on.
func identifiers(ids []identifier, jurisdiction string) []string {
	var out []string
	for _, id := range ids {
		v := strings.TrimSpace(id.ID)
		if v == "" {
			continue
		}
		if id.Scheme != "" {
			if s, err := norm.Identifier(id.Scheme, v); err == nil {
				out = append(out, s)
			}
			continue
		}
		if jurisdiction != "" && norm.RegistryNumber(v) != "" {
			out = append(out, norm.RegistryIdentifier(jurisdiction, v))
		}
	}
	return out
}

// primaryName is the index of the name a person is known by: the first
// individual or legal name, else the first name; -1 when there is none.
// Every other name (translation, transliteration, former, alternative,
// birth) becomes an alias.
func primaryName(names []personName) int {
	for i, n := range names {
		if n.Type == "individual" || n.Type == "legal" {
			return i
		}
	}
	if len(names) > 0 {
		return 0
	}
	return -1
}

// fullName is fullName, else the given and family names joined.
func fullName(n personName) string {
	if s := strings.TrimSpace(n.FullName); s != "" {
		return s
	}
	return strings.TrimSpace(strings.TrimSpace(n.GivenName) + " " + strings.TrimSpace(n.FamilyName))
}

// ---- shares and dates ----

// toShare reads a BODS share. 0.2/0.3 (legacy): exclusiveMinimum and
// exclusiveMaximum are booleans qualifying minimum and maximum, by default
// minimum inclusive and maximum exclusive. 0.4: minimum and maximum are
// inclusive bounds, exclusiveMinimum and exclusiveMaximum exclusive bounds
// of their own. The flavour is read from the JSON type, the defaults from
// the version. An exact value wins; a range whose ends meet is exact.
func (s *shareJSON) toShare(legacy bool) (model.Share, error) {
	if s == nil {
		return model.Share{}, nil
	}
	if s.Exact != nil {
		sh := model.Exact(*s.Exact)
		return sh, sh.Validate()
	}
	lo, hi := 0.0, 100.0
	loExcl, hiExcl := false, false
	if s.Minimum != nil {
		lo = *s.Minimum
	}
	if s.Maximum != nil {
		hi = *s.Maximum
		hiExcl = legacy // 0.2/0.3 default: minimum ≤ share < maximum
	}
	for _, b := range []struct {
		raw   json.RawMessage
		bound *float64
		excl  *bool
		name  string
		lower bool
	}{{s.ExclusiveMinimum, &lo, &loExcl, "exclusiveMinimum", true}, {s.ExclusiveMaximum, &hi, &hiExcl, "exclusiveMaximum", false}} {
		raw := strings.TrimSpace(string(b.raw))
		switch raw {
		case "", "null":
		case "true":
			*b.excl = true
		case "false":
			*b.excl = false
		default:
			var v float64
			if err := json.Unmarshal(b.raw, &v); err != nil {
				return model.Share{}, fmt.Errorf("%s: want a number or a boolean, got %s", b.name, raw)
			}
			*b.bound, *b.excl = v, true
		}
	}
	if s.Minimum == nil && s.Maximum == nil && len(s.ExclusiveMinimum) == 0 && len(s.ExclusiveMaximum) == 0 {
		return model.Share{}, nil
	}
	if lo == hi {
		loExcl, hiExcl = false, false
	}
	sh := model.Range(lo, hi, loExcl, hiExcl)
	return sh, sh.Validate()
}

// statementDate checks a statementDate (date or date-time); it may be
// absent in 0.2/0.3, where the replacement chain orders versions.
func statementDate(s string) (string, error) {
	d, err := normDate(s)
	if err != nil {
		return "", reject("statementDate", "%v", err)
	}
	return d, nil
}

// normDate turns "YYYY", "YYYY-MM", "YYYY-MM-DD" or a date-time into
// "YYYY-MM-DD" (partial dates rounded to the first day, as BODS advises).
func normDate(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if len(s) > 10 && (s[10] == 'T' || s[10] == ' ') {
		s = s[:10]
	}
	layouts := map[int]string{4: "2006", 7: "2006-01", 10: "2006-01-02"}
	layout, ok := layouts[len(s)]
	if !ok {
		return "", fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return "", fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	}
	return t.Format("2006-01-02"), nil
}
