// Package icij reads the ICIJ Offshore Leaks database CSV bundle — a
// folder or the published zip holding nodes-entities.csv,
// nodes-officers.csv, nodes-intermediaries.csv, nodes-others.csv,
// nodes-addresses.csv and relationships.csv — and sends entities,
// relationships and rejects to an ingest.Sink.
//
// Nodes. Entities and others → company (arrangement when their type says
// trust); officers and intermediaries → person, or company when the name
// carries a legal form ("Ltd", "S.A.", "Foundation": ICIJ does not say
// which officers are companies). Ids are "icij:<node_id>"; every node also
// carries the identifier "ICIJ:<node_id>" (the FtM parser writes the same
// for OpenSanctions' icijId) and the list tag "icij.<leak>" from sourceID.
// jurisdiction codes (ICIJ's own: BVI, PMA, SAM...) become Jurisdiction;
// country_codes (ISO alpha-3, ';'-separated, "XXX" unknown) are the
// countries of the node's addresses, kept as HQCountry (companies) or
// Residence (persons) when there is exactly one, and all of them as
// address countries. original_name and former_name (entities) are aliases.
// Address nodes are not entities.
//
// Relationships. officer_of is classified by its link text (ClassifyLink);
// a link naming several roles gives several edges. Nominee rel_types
// (nominee_*) are nominee edges, underlying is classified like officer_of.
// intermediary_of (the service provider that set the entity up) and
// registered_address are not control and not written. The similarity
// rel_types (same_name_as, similar, same_as, same_company_as,
// same_intermediary_as, similar_company_as, probably_same_officer_as,
// same_id_as...) are resolution candidates only: both nodes get the list
// tag "icij.candidate:icij:<other node_id>"; they are never merged and
// never count as control.
//
// Memory: node ids and their kinds are kept to check and type relationship
// endpoints (a few dozen bytes a node; the full database has about two
// million nodes).
package icij

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/ingest/norm"
	"github.com/ubo-project/ubo/model"
)

// Source is the source name on every record.
const Source = "icij"

// CandidateTag prefixes the list tag that records a similarity link.
const CandidateTag = "icij.candidate:"

// nodeFiles are read in this order, relationships.csv last.
var nodeFiles = []struct {
	name  string
	class nodeClass
}{
	{"nodes-entities.csv", classEntity},
	{"nodes-others.csv", classOther},
	{"nodes-officers.csv", classOfficer},
	{"nodes-intermediaries.csv", classIntermediary},
	{"nodes-addresses.csv", classAddress},
}

const relationshipsFile = "relationships.csv"

type nodeClass uint8

const (
	classEntity nodeClass = iota + 1
	classOther
	classOfficer
	classIntermediary
	classAddress
)

// similarityTypes are the rel_types that only say two nodes may be the same.
var similarityTypes = map[string]bool{
	"same_name_as": true, "similar": true, "same_as": true, "same_company_as": true,
	"same_intermediary_as": true, "similar_company_as": true, "probably_same_officer_as": true,
	"same_id_as": true, "same_name_and_registration_date_as": true, "similar_name_and_address_as": true,
	"entity_similar_to": true,
}

// Parse reads a bundle from a directory or a zip archive.
func Parse(ctx context.Context, path string, sink ingest.Sink) error {
	b, err := openBundle(path)
	if err != nil {
		return fmt.Errorf("ingest icij: %w", err)
	}
	defer b.close()
	p := &parser{sink: sink, nodes: map[string]nodeClass{}}
	for _, nf := range nodeFiles {
		if err := b.each(nf.name, func(label string, r io.Reader) error {
			return p.readCSV(ctx, label, r, []string{"node_id"}, func(row row) error { return p.node(row, nf.class) })
		}); err != nil {
			return fmt.Errorf("ingest icij: %w", err)
		}
	}
	if err := b.each(relationshipsFile, func(label string, r io.Reader) error {
		return p.readCSV(ctx, label, r, []string{"node_id_start", "node_id_end", "rel_type"}, p.relationship)
	}); err != nil {
		return fmt.Errorf("ingest icij: %w", err)
	}
	if b.found == 0 {
		return fmt.Errorf("ingest icij: %s: no nodes-*.csv or relationships.csv in the bundle", path)
	}
	return nil
}

// ---- bundle: directory or zip ----

type bundle struct {
	path  string
	dir   bool
	zip   *ingest.ZipArchive
	found int
}

func openBundle(path string) (*bundle, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return &bundle{path: path, dir: true}, nil
	}
	z, err := ingest.ZipMembers(path)
	if err != nil {
		return nil, err
	}
	return &bundle{path: path, zip: z}, nil
}

func (b *bundle) close() {
	if b.zip != nil {
		b.zip.Close()
	}
}

// each streams every member named base (".gz" allowed; in a zip at any
// depth, since the published archive nests them in a folder).
func (b *bundle) each(base string, fn func(label string, r io.Reader) error) error {
	if b.dir {
		for _, name := range []string{base, base + ".gz"} {
			p := filepath.Join(b.path, name)
			if _, err := os.Stat(p); err != nil {
				continue
			}
			b.found++
			f, err := ingest.Open(p)
			if err != nil {
				return err
			}
			err = fn(p, f)
			f.Close()
			if err != nil {
				return err
			}
		}
		return nil
	}
	for _, m := range b.zip.Members {
		n := strings.ToLower(filepath.Base(m.Name))
		if n != base && n != base+".gz" {
			continue
		}
		b.found++
		rc, err := m.Open()
		if err != nil {
			return err
		}
		err = fn(m.Label, rc)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// ---- CSV ----

type row struct {
	file string
	line int
	get  func(col string) string
}

type parser struct {
	sink  ingest.Sink
	nodes map[string]nodeClass
}

type rejectError struct{ field, reason string }

func (e *rejectError) Error() string { return e.field + ": " + e.reason }

func reject(field, format string, args ...any) error {
	return &rejectError{field: field, reason: fmt.Sprintf(format, args...)}
}

func (p *parser) readCSV(ctx context.Context, label string, r io.Reader, required []string, fn func(row) error) error {
	cr := csv.NewReader(ingest.LimitLines(r, ingest.MaxLineBytes))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: header: %w", label, err)
	}
	cols := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		// Neo4j-import style headers ("node_id:ID", "rel_type:TYPE").
		if j := strings.IndexByte(h, ':'); j > 0 {
			h = h[:j]
		}
		cols[h] = i
	}
	for _, c := range required {
		if _, ok := cols[c]; !ok {
			return fmt.Errorf("%s: line 1: missing column %q", label, c)
		}
	}
	width := len(header)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			ingest.CountRead(p.sink, 1)
			if err := p.sink.Reject(ingest.Reject{File: label, Line: pe.StartLine, Reason: pe.Err.Error()}); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("%s: %w", label, err)
		}
		line, _ := cr.FieldPos(0)
		ingest.CountRead(p.sink, 1)
		if len(rec) != width {
			if err := p.sink.Reject(ingest.Reject{File: label, Line: line,
				Reason: fmt.Sprintf("%d fields, the header has %d", len(rec), width)}); err != nil {
				return err
			}
			continue
		}
		get := func(c string) string {
			if i, ok := cols[c]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if err := fn(row{file: label, line: line, get: get}); err != nil {
			var rj *rejectError
			if !errors.As(err, &rj) {
				return err
			}
			if err := p.sink.Reject(ingest.Reject{File: label, Line: line, Field: rj.field, Reason: rj.reason}); err != nil {
				return err
			}
		}
	}
}

// ---- nodes ----

var corporateRe = regexp.MustCompile(`(?i)\b(ltd|limited|inc|incorporated|corp|corporation|co|company|llc|l\.l\.c|llp|lp|plc|s\.?a|s\.?a\.?r\.?l|sarl|gmbh|ag|n\.?v|b\.?v|s\.?a\.?s|a\.?s|holdings?|group|foundation|fundaci[oó]n|stiftung|trust|trustees?|nominees?|bank|fund|partners|associates|services|enterprises?|investments?|international|establishment|anstalt|s\.?p\.?a|pte|pty|sdn|bhd|k\.?k)\b\.?`)

// LooksCorporate says whether a name carries a legal form or another word
// only organisations use.
func LooksCorporate(name string) bool { return corporateRe.MatchString(name) }

func (p *parser) node(r row, class nodeClass) error {
	id := r.get("node_id")
	if id == "" {
		return reject("node_id", "missing")
	}
	p.nodes[id] = class
	if class == classAddress {
		return nil
	}
	name := r.get("name")
	e := model.Entity{ID: "icij:" + id, Name: name, Source: Source, SourceRef: id,
		Identifiers: []string{"ICIJ:" + id}}
	switch class {
	case classEntity, classOther:
		e.Kind = model.Company
		typ := strings.ToLower(r.get("company_type") + " " + r.get("type"))
		if strings.Contains(typ, "trust") {
			e.Kind = model.Arrangement
		}
		if c, ok := Country(r.get("jurisdiction")); ok {
			e.Jurisdiction = c
		} else if c, ok := Country(r.get("jurisdiction_description")); ok {
			e.Jurisdiction = c
		}
		if reg := r.get("ibcruc"); reg != "" && e.Jurisdiction != "" {
			e.Identifiers = append(e.Identifiers, norm.RegistryIdentifier(e.Jurisdiction, reg))
		}
	default:
		e.Kind = model.Person
		if LooksCorporate(name) {
			e.Kind = model.Company
		}
	}
	for _, col := range []string{"original_name", "former_name"} {
		if v := r.get(col); v != "" {
			e.Aliases = append(e.Aliases, v)
		}
	}
	cs := countryList(r.get("country_codes"), r.get("countries"))
	e.AddressCountries = cs
	if len(cs) == 1 {
		if e.Kind == model.Person {
			e.Residence = cs[0]
		} else {
			e.HQCountry = cs[0]
		}
	}
	if tag := leakTag(r.get("sourceid")); tag != "" {
		e.Lists = []string{tag}
	}
	e.Normalize()
	return p.sink.Entity(e)
}

// leakTag turns sourceID ("Panama Papers", "Paradise Papers - Appleby")
// into a list tag ("icij.panama_papers", "icij.paradise_papers_appleby").
func leakTag(s string) string {
	var b strings.Builder
	sep := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			sep = false
		} else {
			sep = true
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return "icij." + b.String()
}

// ---- relationships ----

func (p *parser) relationship(r row) error {
	start, end := r.get("node_id_start"), r.get("node_id_end")
	relType := strings.ToLower(r.get("rel_type"))
	link := r.get("link")
	switch {
	case relType == "":
		return reject("rel_type", "missing")
	case relType == "intermediary_of", relType == "registered_address", relType == "same_address_as":
		return nil
	}
	for _, c := range []struct{ field, id string }{{"node_id_start", start}, {"node_id_end", end}} {
		cls, ok := p.nodes[c.id]
		if c.id == "" || !ok {
			return reject(c.field, "node %q is not in the bundle's nodes files", c.id)
		}
		if cls == classAddress {
			return nil // an address link under another name
		}
	}
	holder, held := "icij:"+start, "icij:"+end
	if similarityTypes[relType] {
		if start == end {
			return nil
		}
		if err := p.sink.Entity(model.Entity{ID: holder, Source: Source, SourceRef: start, Lists: []string{CandidateTag + held}}); err != nil {
			return err
		}
		return p.sink.Entity(model.Entity{ID: held, Source: Source, SourceRef: end, Lists: []string{CandidateTag + holder}})
	}
	var cl Link
	switch {
	case strings.HasPrefix(relType, "nominee"):
		cl = Link{Kinds: []model.RelKind{model.Nominee}}
	case relType == "officer_of", relType == "underlying":
		cl = ClassifyLink(link)
	default:
		return nil // connected_to, related_entity...: no interest stated
	}
	startDate, endDate := Date(r.get("start_date")), Date(r.get("end_date"))
	ref := start + ">" + end + ":" + normLink(link)
	for _, k := range cl.Kinds {
		rel := model.Relationship{
			ID: model.RelationshipID(Source, ref, holder, held, k), HolderID: holder, HeldID: held, Kind: k,
			StartDate: startDate, EndDate: endDate, Source: Source, SourceRef: ref,
		}
		if k == model.Ownership {
			rel.Share = cl.Share
		}
		if err := p.sink.Relationship(rel); err != nil {
			return err
		}
	}
	return nil
}
