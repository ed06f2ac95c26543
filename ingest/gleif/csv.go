package gleif

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/ubo-project/ubo/ingest"
)

// csvColumns indexes a golden-copy CSV header by lower-cased dotted name
// (the XML paths flattened; repeated elements numbered from 1).
type csvColumns map[string]int

func (c csvColumns) has(name string) bool { _, ok := c[name]; return ok }

func (c csvColumns) get(row []string, name string) string {
	if i, ok := c[name]; ok && i < len(row) {
		return row[i]
	}
	return ""
}

// numbered returns the 1-based indexes n for which prefix+"."+n+"."+suffix
// (suffix "" for prefix+"."+n) is a column, in order.
func (c csvColumns) numbered(prefix, suffix string) []int {
	var ns []int
	for name := range c {
		rest, ok := strings.CutPrefix(name, prefix+".")
		if !ok {
			continue
		}
		num, tail, _ := strings.Cut(rest, ".")
		if tail != suffix {
			continue
		}
		if n, err := strconv.Atoi(num); err == nil {
			ns = append(ns, n)
		}
	}
	sort.Ints(ns)
	return ns
}

// numberedColumns returns the names of the columns numbered returns
// (prefix.1.suffix, prefix.2.suffix... or prefix.1, prefix.2...), in order.
func (c csvColumns) numberedColumns(prefix, suffix string) []string {
	var out []string
	for _, n := range c.numbered(prefix, suffix) {
		name := prefix + "." + strconv.Itoa(n)
		if suffix != "" {
			name += "." + suffix
		}
		out = append(out, name)
	}
	return out
}

// values returns the non-empty cells of the named columns.
func (c csvColumns) values(row []string, names []string) []string {
	var out []string
	for _, name := range names {
		if v := clean(c.get(row, name)); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func csvKind(c csvColumns) Kind {
	switch {
	case c.has("relationship.startnode.nodeid"):
		return KindRR
	case c.has("exception.category"):
		return KindExceptions
	case c.has("lei") && c.has("entity.legalname"):
		return KindLEI
	}
	return KindUnknown
}

// parseCSV streams a golden-copy CSV record by record, mapping each row to
// the same record types the XML decodes into.
func parseCSV(ctx context.Context, name string, r io.Reader, em *emitter, _ Options) error {
	cr := csv.NewReader(ingest.LimitLines(r, ingest.MaxLineBytes))
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("ingest gleif: %s: empty file", name)
		}
		return csvFatal(name, err)
	}
	cols := csvColumns{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := cols[h]; !dup {
			cols[h] = i
		}
	}
	kind := csvKind(cols)
	if kind == KindUnknown {
		return fmt.Errorf("ingest gleif: %s: line 1: not a GLEIF golden-copy file: the header has none of LEI+Entity.LegalName, Relationship.StartNode.NodeID, Exception.Category", name)
	}
	var (
		periods     = cols.numbered("relationship.period", "startdate")
		quantifiers = cols.numbered("relationship.quantifiers", "quantifieramount")
		reasons     = cols.numbered("exception.reason", "")
		names       = cols.numberedColumns("entity.otherentitynames.otherentityname", "")
		translit    = cols.numberedColumns("entity.transliteratedotherentitynames.transliteratedotherentityname", "")
		otherAddr   = cols.numberedColumns("entity.otheraddresses.otheraddress", "country")
		translAddr  = cols.numberedColumns("entity.transliteratedotheraddresses.transliteratedotheraddress", "country")
	)
	for n := 1; ; n++ {
		if n%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) && !errors.Is(err, io.ErrUnexpectedEOF) {
			// A malformed row: reject it and carry on with the next.
			ingest.CountRead(em.sink, 1)
			if err := em.sink.Reject(ingest.Reject{File: name, Line: pe.StartLine, Reason: pe.Err.Error()}); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return csvFatal(name, err)
		}
		line, _ := cr.FieldPos(0)
		ingest.CountRead(em.sink, 1)
		var recErr error
		switch kind {
		case KindLEI:
			var rec leiRecord
			rec.LEI = cols.get(row, "lei")
			rec.Entity.LegalName = cols.get(row, "entity.legalname")
			rec.Entity.LegalAddress.Country = cols.get(row, "entity.legaladdress.country")
			rec.Entity.HeadquartersAddress.Country = cols.get(row, "entity.headquartersaddress.country")
			rec.Entity.OtherNames = cols.values(row, names)
			rec.Entity.TransliteratedNames = cols.values(row, translit)
			for _, c := range cols.values(row, otherAddr) {
				rec.Entity.OtherAddresses = append(rec.Entity.OtherAddresses, address{Country: c})
			}
			for _, c := range cols.values(row, translAddr) {
				rec.Entity.TransliteratedAddresses = append(rec.Entity.TransliteratedAddresses, address{Country: c})
			}
			rec.Entity.RegistrationAuthority.ID = cols.get(row, "entity.registrationauthority.registrationauthorityid")
			rec.Entity.RegistrationAuthority.OtherID = cols.get(row, "entity.registrationauthority.otherregistrationauthorityid")
			rec.Entity.RegistrationAuthority.EntityID = cols.get(row, "entity.registrationauthority.registrationauthorityentityid")
			rec.Entity.LegalJurisdiction = cols.get(row, "entity.legaljurisdiction")
			rec.Entity.EntityCategory = cols.get(row, "entity.entitycategory")
			rec.Entity.EntityStatus = cols.get(row, "entity.entitystatus")
			rec.Registration = csvRegistration(cols, row)
			recErr = em.lei(&rec)
		case KindRR:
			var rec rrRecord
			rel := &rec.Relationship
			rel.StartNode = node{ID: cols.get(row, "relationship.startnode.nodeid"), Type: cols.get(row, "relationship.startnode.nodeidtype")}
			rel.EndNode = node{ID: cols.get(row, "relationship.endnode.nodeid"), Type: cols.get(row, "relationship.endnode.nodeidtype")}
			rel.Type = cols.get(row, "relationship.relationshiptype")
			rel.Status = cols.get(row, "relationship.relationshipstatus")
			for _, i := range periods {
				p := fmt.Sprintf("relationship.period.%d.", i)
				pr := period{Start: cols.get(row, p+"startdate"), End: cols.get(row, p+"enddate"), Type: cols.get(row, p+"periodtype")}
				if clean(pr.Start)+clean(pr.End)+clean(pr.Type) != "" {
					rel.Periods = append(rel.Periods, pr)
				}
			}
			for _, i := range quantifiers {
				p := fmt.Sprintf("relationship.quantifiers.%d.", i)
				q := quantifier{Method: cols.get(row, p+"measurementmethod"), Amount: cols.get(row, p+"quantifieramount"), Units: cols.get(row, p+"quantifierunits")}
				if clean(q.Amount) != "" {
					rel.Quantifiers = append(rel.Quantifiers, q)
				}
			}
			rec.Registration = csvRegistration(cols, row)
			recErr = em.relationship(&rec)
		case KindExceptions:
			var rec exceptionRecord
			rec.LEI = cols.get(row, "lei")
			rec.Category = cols.get(row, "exception.category")
			if v := cols.get(row, "exception.reason"); v != "" {
				rec.Reasons = append(rec.Reasons, v)
			}
			for _, i := range reasons {
				rec.Reasons = append(rec.Reasons, cols.get(row, fmt.Sprintf("exception.reason.%d", i)))
			}
			recErr = em.exception(&rec)
		}
		if err := em.handle(line, recErr); err != nil {
			return err
		}
	}
}

func csvRegistration(cols csvColumns, row []string) registration {
	return registration{
		LastUpdateDate:     cols.get(row, "registration.lastupdatedate"),
		RegistrationStatus: cols.get(row, "registration.registrationstatus"),
	}
}

// csvFatal reports an error that stops the file (a read failure such as a
// truncated archive, or a quoted field running into the end of the file).
func csvFatal(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("ingest gleif: %s: line %d: %w", name, pe.StartLine, pe.Err)
	}
	return fmt.Errorf("ingest gleif: %s: %w", name, err)
}
