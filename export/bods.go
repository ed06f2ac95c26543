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
// the statements of every entity, person and relationship on its evidence
// paths. Each record is stated once ("new"), in the declaration of the
// first exported entity that needs it; an exported entity already stated as
// part of an earlier chain gets an "updated" statement carrying its verdict.
// The set of records written is the one thing that grows with the export.
type bodsEncoder struct {
	ctx     context.Context
	st      store.Store
	bw      *bufio.Writer
	opts    Options
	pubDate string
	written map[string]bool // record keys (type + id) already in the package
	cache   map[string]model.Entity
	first   bool
}

func newBODSEncoder(ctx context.Context, st store.Store, w io.Writer, opts Options) *bodsEncoder {
	pub := opts.PublicationDate
	if pub == "" {
		pub = opts.Run.Finished.UTC().Format("2006-01-02")
		if opts.Run.Finished.IsZero() {
			pub = opts.Run.Started.UTC().Format("2006-01-02")
		}
	}
	return &bodsEncoder{ctx: ctx, st: st, bw: bufio.NewWriterSize(w, 1<<16), opts: opts,
		pubDate: pub, written: map[string]bool{}, cache: map[string]model.Entity{}, first: true}
}

func (e *bodsEncoder) begin() error {
	_, err := e.bw.WriteString("[\n")
	return err
}

func (e *bodsEncoder) end() error {
	if _, err := e.bw.WriteString("\n]\n"); err != nil {
		return err
	}
	return e.bw.Flush()
}

func (e *bodsEncoder) write(rec *Record) error {
	subject := bodsRecordID(rec.entity.ID)
	if err := e.entityStatement(*rec.entity, subject, rec); err != nil {
		return err
	}
	for _, ev := range rec.result.Evidence {
		for _, id := range ev.Path {
			ent, err := e.lookup(id)
			if err != nil {
				return err
			}
			if err := e.entityStatement(ent, subject, nil); err != nil {
				return err
			}
		}
		for _, h := range ev.Hops {
			if err := e.relationshipStatement(h, subject); err != nil {
				return err
			}
		}
	}
	return nil
}

func (e *bodsEncoder) lookup(id string) (model.Entity, error) {
	if ent, ok := e.cache[id]; ok {
		return ent, nil
	}
	ent, err := e.st.Entity(e.ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		ent, err = model.Entity{ID: id, Kind: model.Unknown}, nil
	}
	if err != nil {
		return ent, fmt.Errorf("export bods: entity %s: %w", id, err)
	}
	if len(e.cache) > 100000 {
		clear(e.cache)
	}
	e.cache[id] = ent
	return ent, nil
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
}

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
			Publisher: map[string]string{"name": "ubo"}},
		RecordID:     recordID,
		RecordStatus: "new",
		RecordType:   recordType,
	}
}

func (e *bodsEncoder) entityStatement(ent model.Entity, subject string, rec *Record) error {
	recordType := "entity"
	if ent.Kind == model.Person {
		recordType = "person"
	}
	status := "new"
	if e.stated(recordType, bodsRecordID(ent.ID)) {
		if rec == nil {
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
		s.RecordDetails = details
		e.annotate(&s, status, rec)
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
	if ids := bodsIdentifiers(ent); len(ids) > 0 {
		details["identifiers"] = ids
	}
	s.RecordDetails = details
	e.annotate(&s, status, rec)
	return e.emit(s)
}

// annotate sets the record status and, for an exported entity, the verdict
// annotation; an "updated" statement gets its own statement id.
func (e *bodsEncoder) annotate(s *bodsStatement, status string, rec *Record) {
	s.RecordStatus = status
	if status != "new" {
		s.StatementID = e.statementID(s.RecordType, s.RecordID, status)
	}
	if rec != nil {
		s.Annotations = []bodsAnnotation{{StatementPointerTarget: "", Motivation: "commenting",
			Description: e.verdictText(rec), CreatedBy: map[string]string{"name": "ubo"}}}
	}
}

func (e *bodsEncoder) verdictText(rec *Record) string {
	s := fmt.Sprintf("ubo verdict %s (policy %s, run %s); Chinese share %s%%–%s%%",
		rec.Verdict, rec.Policy, rec.RunID,
		model.FormatPercent(rec.ChineseShare.Min), model.FormatPercent(rec.ChineseShare.Max))
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

func (e *bodsEncoder) relationshipStatement(h model.Hop, subject string) error {
	recordID := "rel:" + h.HolderID + "->" + h.HeldID + ":" + string(h.Kind)
	if e.stated("relationship", recordID) {
		return nil
	}
	s := e.base(recordID, "relationship", subject)
	interest := map[string]any{"type": bodsInterestType(h.Kind), "directOrIndirect": "direct"}
	if h.Kind == model.Consolidation || h.Kind == model.Branch || h.Kind == model.FundManagement {
		interest["details"] = strings.ReplaceAll(string(h.Kind), "_", " ")
	}
	if h.Share.Known {
		interest["share"] = bodsShare(h.Share)
	}
	s.RecordDetails = map[string]any{"isComponent": false, "subject": bodsRecordID(h.HeldID),
		"interestedParty": bodsRecordID(h.HolderID), "interests": []any{interest}}
	if h.SourceRef != "" {
		s.Source = map[string]any{"type": []string{"officialRegister"}, "description": h.Source + " " + h.SourceRef}
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
