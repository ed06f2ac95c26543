package csv

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/ingest/norm"
	"github.com/ubo-project/ubo/model"
)

// entityRow validates one entities row and emits the entity, or a reject
// naming the first offending field.
func (p *parser) entityRow(_ context.Context, r row) error {
	e, rej := buildEntity(r)
	if rej != nil {
		return p.sink.Reject(*rej)
	}
	content := r.contentHash()
	if first, dup := p.entities[e.ID]; dup {
		if first.content == content {
			return p.sink.Reject(r.reject("id", "duplicate row: same as line %d", first.line))
		}
		return p.sink.Reject(r.reject("id", "duplicate id %q with different content (first at line %d)", e.ID, first.line))
	}
	p.entities[e.ID] = seenRow{line: r.line, content: content}
	return p.sink.Entity(e)
}

func buildEntity(r row) (model.Entity, *ingest.Reject) {
	fail := func(field, format string, a ...any) (model.Entity, *ingest.Reject) {
		rej := r.reject(field, format, a...)
		return model.Entity{}, &rej
	}
	e := model.Entity{
		ID:        r.raw("id"),
		Name:      r.get("name"),
		Source:    Source,
		SourceRef: fmt.Sprintf("%s:%d", r.file, r.line),
	}
	if strings.TrimSpace(e.ID) == "" {
		return fail("id", "missing id")
	}
	kind := r.get("kind")
	e.Kind = model.EntityKind(strings.ToLower(kind))
	if kind == "" {
		return fail("kind", "missing kind (one of %s)", entityKindList())
	}
	if !e.Kind.Valid() {
		return fail("kind", "unknown entity kind %q (one of %s)", kind, entityKindList())
	}
	for _, f := range []struct {
		col string
		dst *string
	}{{"jurisdiction", &e.Jurisdiction}, {"hq_country", &e.HQCountry}, {"residence", &e.Residence}} {
		v := r.get(f.col)
		if v == "" {
			continue
		}
		c, ok := norm.Country(v)
		if !ok {
			return fail(f.col, "unknown country %q", v)
		}
		*f.dst = c
	}
	for _, f := range []struct {
		col string
		dst *[]string
	}{{"nationality", &e.Nationality}, {"address_countries", &e.AddressCountries}} {
		for _, v := range splitList(r.get(f.col)) {
			c, ok := norm.Country(v)
			if !ok {
				return fail(f.col, "unknown country %q", v)
			}
			*f.dst = append(*f.dst, c)
		}
	}
	e.Aliases = splitList(r.get("aliases"))
	if v := r.get("state_owned"); v != "" {
		b, ok := parseBool(v)
		if !ok {
			return fail("state_owned", "not true or false: %q", v)
		}
		e.StateOwned = b
	}
	e.Lists = splitList(r.get("lists"))
	for _, v := range splitList(r.get("identifiers")) {
		id, err := norm.ParseIdentifier(v)
		if err != nil {
			return fail("identifiers", "%v", err)
		}
		e.Identifiers = append(e.Identifiers, id)
	}
	e.Normalize()
	return e, nil
}

// pendingRel is a valid relationship whose endpoints are not all in the
// entities file; it waits for a batched store lookup.
type pendingRel struct {
	rel  model.Relationship
	file string
	line int
}

// relationshipRow validates one relationships row and emits it, queues it
// for an endpoint lookup in the store, or rejects it.
func (p *parser) relationshipRow(ctx context.Context, r row) error {
	rel, rej := buildRelationship(r)
	if rej != nil {
		return p.sink.Reject(*rej)
	}
	key := relKey(rel.HolderID, rel.HeldID, string(rel.Kind), r.get("source_ref"))
	content := r.contentHash()
	if first, dup := p.rels[key]; dup {
		if first.content == content {
			return p.sink.Reject(r.reject("", "duplicate row: same as line %d", first.line))
		}
		return p.sink.Reject(r.reject("source_ref",
			"duplicate relationship %s → %s (%s) with different content (first at line %d); give each a distinct source_ref to keep both",
			rel.HolderID, rel.HeldID, rel.Kind, first.line))
	}
	p.rels[key] = seenRow{line: r.line, content: content}

	_, holderKnown := p.entities[rel.HolderID]
	_, heldKnown := p.entities[rel.HeldID]
	if holderKnown && heldKnown {
		return p.sink.Relationship(rel)
	}
	if p.opts.Known == nil {
		return p.sink.Reject(danglingReject(r.file, r.line, rel, holderKnown, heldKnown))
	}
	p.pending = append(p.pending, pendingRel{rel: rel, file: r.file, line: r.line})
	if len(p.pending) >= p.opts.LookupBatch {
		return p.resolvePending(ctx)
	}
	return nil
}

// resolvePending asks the store about the endpoints the entities file did
// not have, then emits or rejects the waiting rows in file order.
func (p *parser) resolvePending(ctx context.Context) error {
	if len(p.pending) == 0 {
		return nil
	}
	var ask []string
	asked := map[string]bool{}
	for _, pr := range p.pending {
		for _, id := range []string{pr.rel.HolderID, pr.rel.HeldID} {
			if _, inFile := p.entities[id]; !inFile && !asked[id] {
				asked[id] = true
				ask = append(ask, id)
			}
		}
	}
	known, err := p.opts.Known.CanonicalIDs(ctx, ask)
	if err != nil {
		return fmt.Errorf("ingest csv: look up relationship endpoints in the store: %w", err)
	}
	has := func(id string) bool {
		if _, ok := p.entities[id]; ok {
			return true
		}
		_, ok := known[id]
		return ok
	}
	for _, pr := range p.pending {
		holderOK, heldOK := has(pr.rel.HolderID), has(pr.rel.HeldID)
		if holderOK && heldOK {
			if err := p.sink.Relationship(pr.rel); err != nil {
				return err
			}
			continue
		}
		if err := p.sink.Reject(danglingReject(pr.file, pr.line, pr.rel, holderOK, heldOK)); err != nil {
			return err
		}
	}
	p.pending = p.pending[:0]
	return nil
}

func danglingReject(file string, line int, rel model.Relationship, holderOK, heldOK bool) ingest.Reject {
	field, id := "holder_id", rel.HolderID
	if holderOK {
		field, id = "held_id", rel.HeldID
	}
	reason := fmt.Sprintf("unknown entity %q: not in the entities file nor in the store", id)
	if !holderOK && !heldOK && rel.HeldID != rel.HolderID {
		reason += fmt.Sprintf(" (held_id %q is unknown too)", rel.HeldID)
	}
	return ingest.Reject{File: file, Line: line, Field: field, Reason: reason}
}

func buildRelationship(r row) (model.Relationship, *ingest.Reject) {
	fail := func(field, format string, a ...any) (model.Relationship, *ingest.Reject) {
		rej := r.reject(field, format, a...)
		return model.Relationship{}, &rej
	}
	rel := model.Relationship{
		HolderID: r.raw("holder_id"),
		HeldID:   r.raw("held_id"),
		Source:   Source,
	}
	if strings.TrimSpace(rel.HolderID) == "" {
		return fail("holder_id", "missing holder_id")
	}
	if strings.TrimSpace(rel.HeldID) == "" {
		return fail("held_id", "missing held_id")
	}
	if rel.HolderID == rel.HeldID {
		return fail("held_id", "holder_id and held_id are the same entity %q", rel.HeldID)
	}
	kind := r.get("kind")
	rel.Kind = model.RelKind(strings.ToLower(kind))
	if kind == "" {
		return fail("kind", "missing kind (one of %s)", relKindList())
	}
	if !rel.Kind.Valid() {
		return fail("kind", "unknown relationship kind %q (one of %s)", kind, relKindList())
	}
	share, field, err := parseShare(r)
	if err != nil {
		return fail(field, "%v", err)
	}
	rel.Share = share
	for _, f := range []struct {
		col string
		dst *string
	}{{"start_date", &rel.StartDate}, {"end_date", &rel.EndDate}} {
		v := r.get(f.col)
		if v == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return fail(f.col, "not a date YYYY-MM-DD: %q", v)
		}
		*f.dst = v
	}
	if rel.StartDate != "" && rel.EndDate != "" && rel.EndDate < rel.StartDate {
		return fail("end_date", "end_date %s before start_date %s", rel.EndDate, rel.StartDate)
	}
	ref := r.get("source_ref")
	rel.ID = model.RelationshipID(Source, ref, rel.HolderID, rel.HeldID, rel.Kind)
	rel.SourceRef = ref
	if ref == "" {
		rel.SourceRef = fmt.Sprintf("%s:%d", r.file, r.line)
	}
	return rel, nil
}

// parseShare reads share, or share_min/share_max with their exclusive
// flags. No share at all is an unknown share (Known false). Only share_min
// means [min, 100]; only share_max means [0, max]. share together with
// share_min/share_max must agree with them.
func parseShare(r row) (model.Share, string, error) {
	exact, hasExact, err := parsePercent(r, "share")
	if err != nil {
		return model.Share{}, "share", err
	}
	lo, hasLo, err := parsePercent(r, "share_min")
	if err != nil {
		return model.Share{}, "share_min", err
	}
	hi, hasHi, err := parsePercent(r, "share_max")
	if err != nil {
		return model.Share{}, "share_max", err
	}
	var excl [2]bool
	for i, col := range []string{"share_min_exclusive", "share_max_exclusive"} {
		v := r.get(col)
		if v == "" {
			continue
		}
		b, ok := parseBool(v)
		if !ok {
			return model.Share{}, col, fmt.Errorf("not true or false: %q", v)
		}
		excl[i] = b
	}
	if excl[0] && !hasLo && !hasExact {
		return model.Share{}, "share_min_exclusive", fmt.Errorf("share_min_exclusive is true but share_min is empty")
	}
	if excl[1] && !hasHi && !hasExact {
		return model.Share{}, "share_max_exclusive", fmt.Errorf("share_max_exclusive is true but share_max is empty")
	}
	var s model.Share
	switch {
	case hasExact && (hasLo || hasHi):
		if (hasLo && lo != exact) || (hasHi && hi != exact) {
			return model.Share{}, "share", fmt.Errorf("share %s disagrees with share_min %q / share_max %q: give share or the interval",
				model.FormatPercent(exact), r.get("share_min"), r.get("share_max"))
		}
		s = model.Range(exact, exact, excl[0], excl[1])
	case hasExact:
		s = model.Range(exact, exact, excl[0], excl[1])
	case hasLo || hasHi:
		if !hasLo {
			lo = 0
		}
		if !hasHi {
			hi = 100
		}
		s = model.Range(lo, hi, excl[0], excl[1])
	default:
		return model.Share{}, "", nil
	}
	if err := s.Validate(); err != nil {
		field := "share_min"
		if hasExact && !hasLo && !hasHi {
			field = "share"
		}
		return model.Share{}, field, err
	}
	return s, "", nil
}

// parsePercent reads a percent in 0..100 ("25", "25.5", "25%").
func parsePercent(r row, col string) (float64, bool, error) {
	v := r.get(col)
	if v == "" {
		return 0, false, nil
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(v, "%")), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false, fmt.Errorf("not a percentage: %q", v)
	}
	if f < 0 || f > 100 {
		return 0, false, fmt.Errorf("percentage %s outside 0..100", v)
	}
	return f, true, nil
}

func parseBool(v string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "t", "yes", "y", "1":
		return true, true
	case "false", "f", "no", "n", "0":
		return false, true
	}
	return false, false
}

// splitList splits a ';'-separated cell, dropping empty items.
func splitList(v string) []string {
	if v == "" {
		return nil
	}
	var out []string
	for _, item := range strings.Split(v, ";") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func relKey(holder, held, kind, ref string) uint64 {
	h := fnv.New64a()
	for _, s := range []string{holder, held, kind, ref} {
		io.WriteString(h, s)
		h.Write([]byte{0x1f})
	}
	return h.Sum64()
}

func entityKindList() string {
	s := make([]string, len(model.EntityKinds))
	for i, k := range model.EntityKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func relKindList() string {
	s := make([]string, len(model.RelKinds))
	for i, k := range model.RelKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}
