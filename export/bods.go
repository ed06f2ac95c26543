package export

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// bodsEncoder writes a BODS 0.4 package (a JSON array of statements): for
// each exported entity an entity statement annotated with its verdict, and
// the statements of every entity, person and relationship above it — its
// holders, their holders, and so on, every kind of relationship, ended ones
// with their end dates. That is everything its verdict rests on (a verdict
// depends only on what lies above an entity; its evidence paths are part
// of it), where the evidence paths alone would lose a joint venture's
// other partner or the holders an aggregate sums. Each record is stated
// once ("new"), in the declaration of the first exported entity that needs
// it; an exported entity already stated as part of an earlier chain gets an
// "updated" statement carrying its verdict. The records written and the
// entities whose holders were stated are what grows with the export.
//
// Round trip: everything scoring reads of an entity is stated — kind,
// jurisdiction, the headquarters country (a business address), residence
// and nationalities, identifiers, the countries of its other addresses —
// and what BODS has no field for (state ownership, list tags) rides in an
// annotation's custom property "uboAttributes". Record ids are our entity
// ids, and the publisher is "ubo", which tells `ubo ingest bods` to keep
// them as they are: export → ingest → score gives the same entities the
// same verdicts (see TestBODSRoundTrip in ingest/crossstore).
type bodsEncoder struct {
	ctx     context.Context
	st      store.Lookup
	bw      *bufio.Writer
	opts    Options
	pubDate string
	written map[string]bool // record keys (type + id) already in the package
	above   map[string]bool // entities whose holders are stated
	first   bool
	// pending exported entities wait here for one batched read of
	// everything above them (through store.HolderReader), kept in up.
	pending []bodsPending
	up      map[string]bodsLevel
}

// bodsBatch exported entities share one read of what lies above them.
const bodsBatch = 512

// bodsPending is an exported entity with its verdict's words.
type bodsPending struct {
	ent     model.Entity
	verdict string
}

// bodsLevel is what lies one level above an entity: the relationships it
// is held by (sorted by id) and their holders.
type bodsLevel struct {
	rels    []model.Relationship
	holders map[string]model.Entity
}

func newBODSEncoder(ctx context.Context, st store.Lookup, w io.Writer, opts Options) *bodsEncoder {
	pub := opts.PublicationDate
	if pub == "" {
		pub = opts.Run.Finished.UTC().Format("2006-01-02")
		if opts.Run.Finished.IsZero() {
			pub = opts.Run.Started.UTC().Format("2006-01-02")
		}
	}
	return &bodsEncoder{ctx: ctx, st: st, bw: bufio.NewWriterSize(w, 1<<16), opts: opts,
		pubDate: pub, written: map[string]bool{}, above: map[string]bool{}, first: true,
		up: map[string]bodsLevel{}}
}

func (e *bodsEncoder) begin() error {
	_, err := e.bw.WriteString("[\n")
	return err
}

func (e *bodsEncoder) end() error {
	if err := e.flush(); err != nil {
		return err
	}
	if _, err := e.bw.WriteString("\n]\n"); err != nil {
		return err
	}
	return e.bw.Flush()
}

func (e *bodsEncoder) write(rec *Record) error {
	// The entity's fields were decoded for this row alone and stay valid;
	// the result is not kept, only its words.
	e.pending = append(e.pending, bodsPending{ent: *rec.entity, verdict: e.verdictText(rec)})
	if len(e.pending) >= bodsBatch {
		return e.flush()
	}
	return nil
}

// flush writes the pending entities with everything above them, in the
// order they came: the same statements, in the same order, as expanding
// one entity at a time.
func (e *bodsEncoder) flush() error {
	if len(e.pending) == 0 {
		return nil
	}
	if err := e.prefetch(); err != nil {
		return err
	}
	for i := range e.pending {
		p := &e.pending[i]
		subject := bodsRecordID(p.ent.ID)
		if err := e.entityStatement(p.ent, subject, &p.verdict); err != nil {
			return err
		}
		if err := e.holders(p.ent.ID, subject); err != nil {
			return err
		}
	}
	clear(e.pending)
	e.pending = e.pending[:0]
	clear(e.up)
	return nil
}

// prefetch reads, a level at a time for all pending entities at once,
// everything above them not expanded yet, when the store reads many
// entities' holders in one call.
func (e *bodsEncoder) prefetch() error {
	hr, ok := e.st.(store.HolderReader)
	if !ok {
		return nil
	}
	var frontier []string
	want := func(id string) {
		if _, ok := e.up[id]; !ok && !e.above[id] {
			e.up[id] = bodsLevel{}
			frontier = append(frontier, id)
		}
	}
	for i := range e.pending {
		want(e.pending[i].ent.ID)
	}
	for len(frontier) > 0 {
		g, err := hr.Holders(e.ctx, frontier)
		if err != nil {
			return fmt.Errorf("export bods: holders: %w", err)
		}
		frontier = frontier[:0]
		byID := make(map[string]model.Entity, len(g.Entities))
		for _, ent := range g.Entities {
			byID[ent.ID] = ent
		}
		for _, r := range g.Relationships { // sorted by id, so each level's are too
			lv := e.up[r.HeldID]
			if lv.holders == nil {
				lv.holders = map[string]model.Entity{}
			}
			lv.rels = append(lv.rels, r)
			if h, ok := byID[r.HolderID]; ok {
				lv.holders[h.ID] = h
			}
			e.up[r.HeldID] = lv
		}
		for _, r := range g.Relationships {
			want(r.HolderID)
		}
	}
	return nil
}

// level returns what lies one level above entity id: prefetched, or read
// now (a store call per entity).
func (e *bodsEncoder) level(id string) (bodsLevel, error) {
	if lv, ok := e.up[id]; ok {
		return lv, nil
	}
	g, err := e.st.Neighbourhood(e.ctx, id, store.Up, 1, 0)
	if errors.Is(err, store.ErrNotFound) {
		return bodsLevel{}, nil // scored, then deleted by a reset or merge: nothing known above it
	}
	if err != nil {
		return bodsLevel{}, err
	}
	lv := bodsLevel{rels: g.Relationships, holders: make(map[string]model.Entity, len(g.Entities))}
	for _, ent := range g.Entities {
		lv.holders[ent.ID] = ent
	}
	return lv, nil
}

// holders states everything above entity id: a walk up one level at a
// time, each entity expanded once in the whole export (cycles end, and a
// parent shared by many exported entities is read once).
func (e *bodsEncoder) holders(id, subject string) error {
	todo := []string{id}
	for len(todo) > 0 {
		n := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if e.above[n] {
			continue
		}
		e.above[n] = true
		lv, err := e.level(n)
		if err != nil {
			return fmt.Errorf("export bods: holders of %s: %w", n, err)
		}
		for _, r := range lv.rels {
			holder, ok := lv.holders[r.HolderID]
			if !ok {
				holder = model.Entity{ID: r.HolderID, Kind: model.Unknown}
			}
			if err := e.entityStatement(holder, subject, nil); err != nil {
				return err
			}
			if err := e.relationshipStatement(r, subject); err != nil {
				return err
			}
			todo = append(todo, r.HolderID)
		}
	}
	return nil
}

// bodsRecordID keeps our ids as BODS record ids: they are stable strings.
func bodsRecordID(id string) string { return id }

// statementID is a 64-character id, stable for the same record in the same
// run and declaration subject.
func (e *bodsEncoder) statementID(parts ...string) string {
	h := sha256.Sum256([]byte(e.opts.Run.ID + "\x00" + strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:])
}

type bodsStatement struct {
	StatementID        string           `json:"statementId"`
	DeclarationSubject string           `json:"declarationSubject"`
	StatementDate      string           `json:"statementDate"`
	PublicationDetails bodsPublication  `json:"publicationDetails"`
	RecordID           string           `json:"recordId"`
	RecordStatus       string           `json:"recordStatus"`
	RecordType         string           `json:"recordType"`
	RecordDetails      any              `json:"recordDetails"`
	Annotations        []bodsAnnotation `json:"annotations,omitempty"`
	Source             map[string]any   `json:"source,omitempty"`
}

type bodsPublication struct {
	PublicationDate string            `json:"publicationDate"`
	BODSVersion     string            `json:"bodsVersion"`
	Publisher       map[string]string `json:"publisher"`
}

type bodsAnnotation struct {
	StatementPointerTarget string            `json:"statementPointerTarget"`
	Motivation             string            `json:"motivation"`
	Description            string            `json:"description"`
	CreatedBy              map[string]string `json:"createdBy"`
	// UBOAttributes is a custom property (BODS 0.4 allows them in an
	// annotation) for the entity fields BODS has no place for.
	UBOAttributes *BODSAttributes `json:"uboAttributes,omitempty"`
}

// BODSAttributes are the fields of an entity that a verdict may rest on and
// BODS cannot state: state ownership of a company and list tags (sanctions
// and export-control lists). `ubo ingest bods` reads them back.
type BODSAttributes struct {
	StateOwned bool     `json:"stateOwned,omitempty"`
	Lists      []string `json:"lists,omitempty"`
}

// PublisherName is the publisher of every statement ubo exports; `ubo ingest
// bods` keeps the record ids of such statements as entity ids instead of
// prefixing them with "bods:", so a round trip keeps ids.
const PublisherName = "ubo"

func (e *bodsEncoder) emit(s bodsStatement) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	if !e.first {
		if _, err := e.bw.WriteString(",\n"); err != nil {
			return err
		}
	}
	e.first = false
	_, err = e.bw.Write(b)
	return err
}

// stated marks a record as written and reports whether it already was.
func (e *bodsEncoder) stated(recordType, recordID string) bool {
	key := recordType + "\x00" + recordID
	if e.written[key] {
		return true
	}
	e.written[key] = true
	return false
}

func (e *bodsEncoder) base(recordID, recordType, subject string) bodsStatement {
	return bodsStatement{
		StatementID:        e.statementID(recordType, recordID),
		DeclarationSubject: subject,
		StatementDate:      e.pubDate,
		PublicationDetails: bodsPublication{PublicationDate: e.pubDate, BODSVersion: "0.4",
			Publisher: map[string]string{"name": PublisherName}},
		RecordID:     recordID,
		RecordStatus: "new",
		RecordType:   recordType,
	}
}

// entityStatement states ent; verdict, for an exported entity, is its
// verdict's words (nil for an entity stated only as a holder).
func (e *bodsEncoder) entityStatement(ent model.Entity, subject string, verdict *string) error {
	recordType := "entity"
	if ent.Kind == model.Person {
		recordType = "person"
	}
	status := "new"
	if e.stated(recordType, bodsRecordID(ent.ID)) {
		if verdict == nil {
			return nil
		}
		status = "updated"
	}
	if ent.Kind == model.Person {
		s := e.base(bodsRecordID(ent.ID), "person", subject)
		details := map[string]any{"isComponent": false, "personType": "knownPerson"}
		var names []map[string]string
		if ent.Name != "" {
			names = append(names, map[string]string{"fullName": ent.Name, "type": "legal"})
		}
		for _, a := range ent.Aliases {
			names = append(names, map[string]string{"fullName": a, "type": "alternative"})
		}
		if len(names) > 0 {
			details["names"] = names
		}
		var nats []map[string]string
		for _, c := range ent.Nationality {
			nats = append(nats, map[string]string{"name": c, "code": c})
		}
		if len(nats) > 0 {
			details["nationalities"] = nats
		}
		if addrs := bodsAddresses(ent); len(addrs) > 0 {
			details["addresses"] = addrs
		}
		if ids := bodsIdentifiers(ent); len(ids) > 0 {
			details["identifiers"] = ids
		}
		s.RecordDetails = details
		e.annotate(&s, status, verdict, ent)
		return e.emit(s)
	}
	s := e.base(bodsRecordID(ent.ID), "entity", subject)
	details := map[string]any{"isComponent": false, "entityType": map[string]string{"type": bodsEntityType(ent.Kind)}}
	if ent.Kind == model.Unknown {
		details["unspecifiedEntityDetails"] = map[string]string{"reason": "unknown",
			"description": "The source says this owner exists but does not identify it."}
	}
	if ent.Name != "" {
		details["name"] = ent.Name
	}
	if len(ent.Aliases) > 0 {
		details["alternateNames"] = ent.Aliases
	}
	if ent.Jurisdiction != "" {
		details["jurisdiction"] = map[string]string{"name": ent.Jurisdiction, "code": ent.Jurisdiction}
	}
	if addrs := bodsAddresses(ent); len(addrs) > 0 {
		details["addresses"] = addrs
	}
	if ids := bodsIdentifiers(ent); len(ids) > 0 {
		details["identifiers"] = ids
	}
	s.RecordDetails = details
	e.annotate(&s, status, verdict, ent)
	return e.emit(s)
}

// bodsAddresses states the countries of an entity's addresses, which is all
// we keep of them: the headquarters country as a business address, a
// person's residence as a residence address (both read back as such), and
// every other address country as a registered address when it is the
// jurisdiction, else an alternative one.
func bodsAddresses(ent model.Entity) []map[string]any {
	var out []map[string]any
	add := func(typ, c string) {
		out = append(out, map[string]any{"type": typ, "country": map[string]string{"name": c, "code": c}})
	}
	person := ent.Kind == model.Person
	if ent.HQCountry != "" && !person {
		add("business", ent.HQCountry)
	}
	if ent.Residence != "" && person {
		add("residence", ent.Residence)
	}
	for _, c := range ent.AddressCountries {
		switch {
		case c == "", !person && c == ent.HQCountry, person && c == ent.Residence:
		case !person && c == ent.Jurisdiction:
			add("registered", c)
		default:
			add("alternative", c)
		}
	}
	return out
}

// annotate sets the record status and the annotations: for an exported
// entity its verdict, for an entity with state ownership or list tags those
// (uboAttributes); an "updated" statement gets its own statement id.
func (e *bodsEncoder) annotate(s *bodsStatement, status string, verdict *string, ent model.Entity) {
	s.RecordStatus = status
	if status != "new" {
		s.StatementID = e.statementID(s.RecordType, s.RecordID, status)
	}
	if verdict != nil {
		s.Annotations = append(s.Annotations, bodsAnnotation{StatementPointerTarget: "", Motivation: "commenting",
			Description: *verdict, CreatedBy: map[string]string{"name": PublisherName}})
	}
	if ent.StateOwned || len(ent.Lists) > 0 {
		s.Annotations = append(s.Annotations, bodsAnnotation{StatementPointerTarget: "/recordDetails",
			Motivation: "commenting", Description: "ubo attributes that BODS has no field for: state ownership, list tags",
			CreatedBy:     map[string]string{"name": PublisherName},
			UBOAttributes: &BODSAttributes{StateOwned: ent.StateOwned, Lists: ent.Lists}})
	}
}

func (e *bodsEncoder) verdictText(rec *Record) string {
	s := fmt.Sprintf("ubo verdict %s (policy %s, run %s); %s %s",
		rec.Verdict, rec.Policy, rec.RunID, rec.result.Words().Share, model.ChineseShareWords(rec.result))
	if rec.Indeterminate {
		s += "; indeterminate"
	}
	if rec.result.Explanation != "" {
		s += ". " + rec.result.Explanation
	}
	return s
}

func bodsEntityType(k model.EntityKind) string {
	switch k {
	case model.StateBody:
		return "stateBody"
	case model.Arrangement:
		return "arrangement"
	case model.Unknown:
		return "unknownEntity"
	default:
		return "registeredEntity"
	}
}

func bodsIdentifiers(ent model.Entity) []map[string]string {
	var out []map[string]string
	for _, id := range ent.Identifiers {
		scheme, value, ok := strings.Cut(id, ":")
		if !ok {
			continue
		}
		out = append(out, map[string]string{"scheme": scheme, "id": value})
	}
	return out
}

// relationshipStatement states one relationship with its dates, and its
// source as the statement's source.
func (e *bodsEncoder) relationshipStatement(r model.Relationship, subject string) error {
	recordID := "rel:" + r.ID
	if e.stated("relationship", recordID) {
		return nil
	}
	s := e.base(recordID, "relationship", subject)
	direct := r.Direct
	if direct != "direct" && direct != "indirect" {
		direct = "unknown"
	}
	interest := map[string]any{"type": bodsInterestType(r.Kind), "directOrIndirect": direct}
	if r.Kind == model.Consolidation || r.Kind == model.Branch || r.Kind == model.FundManagement {
		interest["details"] = strings.ReplaceAll(string(r.Kind), "_", " ")
	}
	if r.Share.Known {
		interest["share"] = bodsShare(r.Share)
	}
	if r.StartDate != "" {
		interest["startDate"] = r.StartDate
	}
	if r.EndDate != "" {
		interest["endDate"] = r.EndDate
	}
	s.RecordDetails = map[string]any{"isComponent": false, "subject": bodsRecordID(r.HeldID),
		"interestedParty": bodsRecordID(r.HolderID), "interests": []any{interest}}
	if r.SourceRef != "" {
		s.Source = map[string]any{"type": []string{"officialRegister"}, "description": r.Source + " " + r.SourceRef}
	}
	return e.emit(s)
}

func bodsShare(sh model.Share) map[string]float64 {
	if sh.Min == sh.Max && !sh.MinExclusive && !sh.MaxExclusive {
		return map[string]float64{"exact": sh.Min}
	}
	m := map[string]float64{}
	if sh.MinExclusive {
		m["exclusiveMinimum"] = sh.Min
	} else {
		m["minimum"] = sh.Min
	}
	if sh.MaxExclusive {
		m["exclusiveMaximum"] = sh.Max
	} else {
		m["maximum"] = sh.Max
	}
	return m
}

func bodsInterestType(k model.RelKind) string {
	switch k {
	case model.Ownership:
		return "shareholding"
	case model.Voting:
		return "votingRights"
	case model.Board:
		return "appointmentOfBoard"
	case model.Control:
		return "rightsGrantedByContract"
	case model.TrustRole:
		return "trustee"
	case model.Nominee:
		return "nominee"
	case model.Officer:
		return "boardMember"
	case model.UnknownInterest:
		return "unknownInterest"
	default: // influence, consolidation, branch, fund_management
		return "otherInfluenceOrControl"
	}
}
