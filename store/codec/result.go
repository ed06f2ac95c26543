package codec

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/ubo-project/ubo/model"
)

// Results are stored in a compact binary form next to the entity_id,
// verdict and flagged columns, which the data blob does not repeat:
// decoding whole-JSON results was most of the cost of every results stream
// (export, diff, the previous run's flags). Three forms are read:
//
//   - empty data: a "minimal" result (clearResult below) — most entities
//     of a real graph are CLEAR with no evidence, and store nothing but
//     their columns;
//   - first byte resultCodecV1: the binary form (encodeResult);
//   - first byte '{': the whole model.Result as JSON (files written before
//     the binary codec).
const resultCodecV1 = 1

// clearSentence is the explanation the engine gives a CLEAR result with no
// evidence under the China policies (model.ClearExplanation, written once in
// model): such results store a flag, not the sentence, and read back
// whatever the sentence is now (model.ClearSentence of the result's root
// verdict). A result with any other explanation is stored in full.
const clearSentence = model.ClearExplanation

// minQuote is the shortest evidence explanation worth a back reference.
const minQuote = 8

// Flags of the binary form: which optional parts follow.
const (
	rfIndeterminate = 1 << iota
	rfAggregateCertain
	rfAggregatePossible
	rfShare         // ChineseShare min, max follow
	rfVotes         // ChineseVotes min, max follow
	rfPossible      // PossibleVerdict follows
	rfExplained     // Explanation follows
	rfClearSentence // Explanation is clearSentence (nothing follows)
	// Explanation is a prefix, the first evidence path's explanation and a
	// suffix: the verdict sentence quotes the strongest path, and these
	// sentences (names along the path) are most of a result's bytes.
	rfQuotesEvidence
	// The indices of the evidence paths marked truncated follow the
	// evidence (a count, then the indices, increasing): rare, so it costs
	// nothing when no path is.
	rfTruncatedEvidence
	// The engine's aggregate-rule arithmetic (model.Aggregate) follows, last:
	// results stored before it was recorded read back without one.
	rfAggregate
	// Why the entity is a root (model.RootReason) follows the aggregate.
	// Results stored before it was recorded keep their sentence only.
	rfRootReason
	// The first evidence path's explanation is the root sentence (stored
	// empty, rendered when read).
	rfRootEvidence
	// The result's root verdict (model.Result.RootVerdict) follows, last,
	// as its index in model.RootVerdicts; absent: CHINESE_ENTITY's words.
	rfRootVerdict
	// The explanation is the root sentence (model.RootSentence of the
	// verdict and the reason): not stored, rendered when read.
	rfRootSentence
)

// otherRootVerdict stands for a root verdict model.RootVerdicts does not
// list (a later engine's): the name follows.
const otherRootVerdict = 0xff

// Flags of an aggregate term and of the aggregate's sums.
const (
	atShareNotGiven = 1 << iota
	atCertain
)

const (
	asCertainStrict = 1 << iota
	asPossibleStrict
	asInclusive
)

// minimal reports whether r is exactly what clearResult rebuilds from its
// id, verdict and flag: nothing but the columns needs storing.
func Minimal(r *model.Result) bool {
	return !r.Indeterminate && r.PossibleVerdict == "" &&
		r.ChineseShare == (model.Interval{}) && r.ChineseVotes == (model.Interval{}) &&
		!r.AggregateCertain && !r.AggregatePossible &&
		r.Controllers != nil && len(r.Controllers) == 0 &&
		r.JointControllers != nil && len(r.JointControllers) == 0 &&
		r.Evidence != nil && len(r.Evidence) == 0 &&
		r.Explanation == clearSentence && r.Aggregate == nil &&
		r.Root == nil && r.RootVerdict == ""
}

// clearResult rebuilds a minimal result (see minimal) from its columns.
func ClearResult(entityID string, verdict model.Verdict, flagged bool) model.Result {
	return model.Result{EntityID: entityID, Verdict: verdict, Flagged: flagged,
		Controllers: []string{}, JointControllers: []string{}, Evidence: []model.Evidence{},
		Explanation: clearSentence}
}

// encodeResult appends r's stored data to buf: empty for a minimal result,
// else the binary form (without id, verdict and flag, which are columns).
func EncodeResult(buf []byte, r *model.Result) []byte {
	if Minimal(r) {
		return buf
	}
	enc := encoder(buf)
	enc = append(enc, resultCodecV1)
	// A root's sentences are rendered from its reason when read.
	rootSentence := ""
	if r.Root != nil {
		rootSentence = model.RootSentence(r.Verdict, r.Root)
	}
	rootVerdict := -1
	if r.RootVerdict != "" {
		rootVerdict = slices.Index(model.RootVerdicts, r.RootVerdict)
		if rootVerdict < 0 {
			rootVerdict = otherRootVerdict
		}
	}
	var flags uint64
	for _, f := range []struct {
		on   bool
		flag uint64
	}{
		{r.Indeterminate, rfIndeterminate},
		{r.AggregateCertain, rfAggregateCertain},
		{r.AggregatePossible, rfAggregatePossible},
		{r.ChineseShare != (model.Interval{}), rfShare},
		{r.ChineseVotes != (model.Interval{}), rfVotes},
		{r.PossibleVerdict != "", rfPossible},
		{r.Explanation == model.ClearSentence(r.RootVerdict), rfClearSentence},
		{slices.ContainsFunc(r.Evidence, func(ev model.Evidence) bool { return ev.Truncated }), rfTruncatedEvidence},
		{r.Aggregate != nil, rfAggregate},
		{r.Root != nil, rfRootReason},
		{r.Root != nil && r.Explanation == rootSentence, rfRootSentence},
		{r.Root != nil && len(r.Evidence) > 0 && r.Evidence[0].Explanation == rootSentence, rfRootEvidence},
		{rootVerdict >= 0, rfRootVerdict},
	} {
		if f.on {
			flags |= f.flag
		}
	}
	quoteAt := -1
	if r.Explanation != "" && flags&(rfClearSentence|rfRootSentence) == 0 {
		if len(r.Evidence) > 0 && len(r.Evidence[0].Explanation) >= minQuote {
			quoteAt = strings.Index(r.Explanation, r.Evidence[0].Explanation)
		}
		if quoteAt >= 0 {
			flags |= rfQuotesEvidence
		} else {
			flags |= rfExplained
		}
	}
	enc.uvarint(flags)
	if flags&rfShare != 0 {
		enc.float(r.ChineseShare.Min)
		enc.float(r.ChineseShare.Max)
	}
	if flags&rfVotes != 0 {
		enc.float(r.ChineseVotes.Min)
		enc.float(r.ChineseVotes.Max)
	}
	if flags&rfPossible != 0 {
		enc.str(string(r.PossibleVerdict))
	}
	if flags&rfExplained != 0 {
		enc.str(r.Explanation)
	}
	if flags&rfQuotesEvidence != 0 {
		enc.str(r.Explanation[:quoteAt])
		enc.str(r.Explanation[quoteAt+len(r.Evidence[0].Explanation):])
	}
	enc.optStrs(r.Controllers)
	enc.optStrs(r.JointControllers)
	if r.Evidence == nil {
		enc.uvarint(0)
	} else {
		enc.uvarint(uint64(len(r.Evidence)) + 1)
	}
	for i := range r.Evidence {
		ev := &r.Evidence[i]
		enc.optStrs(ev.Path)
		enc.float(ev.Share)
		if i == 0 && flags&rfRootEvidence != 0 {
			enc.str("")
		} else {
			enc.str(ev.Explanation)
		}
		enc.uvarint(uint64(len(ev.Hops)))
		for j := range ev.Hops {
			h := &ev.Hops[j]
			// A hop's ends are nearly always the path's entries j and j+1:
			// stored as a back reference instead of the id again.
			enc.pathRef(ev.Path, j, h.HolderID)
			enc.pathRef(ev.Path, j+1, h.HeldID)
			enc.str(string(h.Kind))
			enc.share(h.Share)
			enc.str(h.Source)
			enc.str(h.SourceRef)
		}
	}
	if flags&rfTruncatedEvidence != 0 {
		var truncated []uint64
		for i := range r.Evidence {
			if r.Evidence[i].Truncated {
				truncated = append(truncated, uint64(i))
			}
		}
		enc.uvarint(uint64(len(truncated)))
		for _, i := range truncated {
			enc.uvarint(i)
		}
	}
	if flags&rfAggregate != 0 {
		enc.aggregate(r.Aggregate)
	}
	if flags&rfRootReason != 0 {
		enc.str(r.Root.Rule)
		enc.str(r.Root.Code)
		enc.str(r.Root.Until)
		enc.str(r.Root.Name)
	}
	if flags&rfRootVerdict != 0 {
		enc = append(enc, byte(rootVerdict))
		if rootVerdict == otherRootVerdict {
			enc.str(string(r.RootVerdict))
		}
	}
	return enc
}

// aggregate writes the engine's aggregate-rule arithmetic: its terms, then
// its sums and threshold.
func (e *encoder) aggregate(a *model.Aggregate) {
	e.uvarint(uint64(len(a.Terms)))
	for i := range a.Terms {
		t := &a.Terms[i]
		e.str(t.HolderID)
		e.share(t.Share)
		var b byte
		if t.ShareNotGiven {
			b |= atShareNotGiven
		}
		if t.Certain {
			b |= atCertain
		}
		*e = append(*e, b)
		e.str(t.Why)
	}
	e.float(a.Certain)
	e.float(a.Possible)
	e.float(a.Threshold)
	var b byte
	for _, f := range []struct {
		on  bool
		bit byte
	}{{a.CertainStrict, asCertainStrict}, {a.PossibleStrict, asPossibleStrict}, {a.Inclusive, asInclusive}} {
		if f.on {
			b |= f.bit
		}
	}
	*e = append(*e, b)
}

func (e *encoder) uvarint(v uint64) {
	*e = binary.AppendUvarint(*e, v)
}

// optStrs keeps nil and empty apart (a JSON round trip did too: null / []).
func (e *encoder) optStrs(ss []string) {
	if ss == nil {
		e.uvarint(0)
		return
	}
	e.uvarint(uint64(len(ss)) + 1)
	for _, s := range ss {
		e.str(s)
	}
}

// pathRef writes 0 when id is path[i], else 1 and the id.
func (e *encoder) pathRef(path []string, i int, id string) {
	if i < len(path) && path[i] == id {
		*e = append(*e, 0)
		return
	}
	*e = append(*e, 1)
	e.str(id)
}

const (
	shareKnown = 1 << iota
	shareMinExclusive
	shareMaxExclusive
)

func (e *encoder) share(s model.Share) {
	var b byte
	if s.Known {
		b |= shareKnown
	}
	if s.MinExclusive {
		b |= shareMinExclusive
	}
	if s.MaxExclusive {
		b |= shareMaxExclusive
	}
	*e = append(*e, b)
	e.float(s.Min)
	e.float(s.Max)
}

// DecodeResult fills r from a stored row.
func DecodeResult(entityID string, verdict model.Verdict, flagged bool, data []byte, r *model.Result) error {
	return decodeResult(entityID, verdict, flagged, data, r, true)
}

// DecodeResultSummary is DecodeResult leaving out the result's Explanation,
// the Hops of its evidence and its Aggregate (all empty): what JSON Lines
// and CSV exports do not read, and most of a result's decoding. It rejects what
// DecodeResult rejects.
func DecodeResultSummary(entityID string, verdict model.Verdict, flagged bool, data []byte, r *model.Result) error {
	return decodeResult(entityID, verdict, flagged, data, r, false)
}

func decodeResult(entityID string, verdict model.Verdict, flagged bool, data []byte, r *model.Result, full bool) error {
	switch {
	case len(data) == 0:
		*r = ClearResult(entityID, verdict, flagged)
		if !full {
			r.Explanation = ""
		}
		return nil
	case data[0] == '{':
		*r = model.Result{}
		if err := json.Unmarshal(data, r); err != nil {
			return fmt.Errorf("result of %q: %w", entityID, err)
		}
		if !full {
			r.Explanation = ""
			for i := range r.Evidence {
				r.Evidence[i].Hops = nil
			}
		}
		return nil
	case data[0] != resultCodecV1:
		return fmt.Errorf("result of %q: %w (unknown codec)", entityID, ErrCorrupt)
	}
	// One allocation for all of the result's strings (they live as long as
	// the result does anyway) instead of one per string.
	d := decoder{b: data[1:]}
	d.shareRest()
	flags := d.uvarint()
	*r = model.Result{EntityID: entityID, Verdict: verdict, Flagged: flagged,
		Indeterminate:     flags&rfIndeterminate != 0,
		AggregateCertain:  flags&rfAggregateCertain != 0,
		AggregatePossible: flags&rfAggregatePossible != 0,
	}
	if flags&rfShare != 0 {
		r.ChineseShare = model.Interval{Min: d.float(), Max: d.float()}
	}
	if flags&rfVotes != 0 {
		r.ChineseVotes = model.Interval{Min: d.float(), Max: d.float()}
	}
	if flags&rfPossible != 0 {
		r.PossibleVerdict = InternVerdict(d.str())
	}
	var prefix, suffix string
	switch {
	case flags&rfExplained != 0:
		r.Explanation = d.str()
	case flags&rfQuotesEvidence != 0:
		prefix, suffix = d.str(), d.str()
	}
	if !full {
		r.Explanation = ""
	}
	r.Controllers = d.optStrs()
	r.JointControllers = d.optStrs()
	if n := d.count(); n > 0 {
		r.Evidence = make([]model.Evidence, n-1)
		for i := range r.Evidence {
			ev := &r.Evidence[i]
			ev.Path = d.optStrs()
			ev.Share = d.float()
			ev.Explanation = d.str()
			if hops := d.count(); hops > 0 && !full {
				for j := range hops {
					d.skipPathRef(ev.Path, j)
					d.skipPathRef(ev.Path, j+1)
					d.skipStr()   // kind
					d.skipShare() // share
					d.skipStr()   // source
					d.skipStr()   // source_ref
				}
			} else if hops > 0 {
				ev.Hops = make([]model.Hop, hops)
				for j := range ev.Hops {
					h := &ev.Hops[j]
					h.HolderID = d.pathRef(ev.Path, j)
					h.HeldID = d.pathRef(ev.Path, j+1)
					h.Kind = model.RelKind(d.str())
					h.Share = d.share()
					h.Source = d.str()
					h.SourceRef = d.str()
				}
			}
		}
	}
	if flags&rfTruncatedEvidence != 0 {
		d.truncatedEvidence(r.Evidence)
	}
	if flags&rfAggregate != 0 {
		a := d.aggregate()
		if full {
			r.Aggregate = a
		}
	}
	var root *model.RootReason
	if flags&rfRootReason != 0 {
		root = &model.RootReason{Rule: internRootRule(d.str()), Code: d.str(), Until: d.str(), Name: d.str()}
		if full {
			r.Root = root
		}
	}
	if flags&rfRootVerdict != 0 {
		switch i := int(d.byte()); {
		case i < len(model.RootVerdicts):
			r.RootVerdict = model.RootVerdicts[i]
		case i == otherRootVerdict:
			r.RootVerdict = InternVerdict(d.str())
		default:
			d.fail()
		}
	}
	if flags&rfClearSentence != 0 && full {
		r.Explanation = model.ClearSentence(r.RootVerdict)
	}
	if flags&(rfRootSentence|rfRootEvidence) != 0 {
		if root == nil {
			d.fail()
			root = &model.RootReason{}
		}
		sentence := model.RootSentence(verdict, root)
		if flags&rfRootSentence != 0 && full {
			r.Explanation = sentence
		}
		if flags&rfRootEvidence != 0 {
			if len(r.Evidence) == 0 {
				d.fail()
			} else {
				r.Evidence[0].Explanation = sentence
			}
		}
	}
	if flags&rfQuotesEvidence != 0 {
		if len(r.Evidence) == 0 {
			d.fail()
		} else if full {
			r.Explanation = prefix + r.Evidence[0].Explanation + suffix
		}
	}
	if d.err == nil && d.left() != 0 {
		d.fail()
	}
	if d.err != nil {
		return fmt.Errorf("result of %q: %w", entityID, d.err)
	}
	return nil
}

// truncatedEvidence reads the indices of the truncated evidence paths and
// marks them: at least one, increasing, each within the evidence.
func (d *decoder) truncatedEvidence(evidence []model.Evidence) {
	n := d.count()
	if n == 0 {
		d.fail()
		return
	}
	next := uint64(0)
	for range n {
		i := d.uvarint()
		if d.err != nil || i < next || i >= uint64(len(evidence)) {
			d.fail()
			return
		}
		evidence[i].Truncated = true
		next = i + 1
	}
}

// aggregate reads what encoder.aggregate writes.
func (d *decoder) aggregate() *model.Aggregate {
	n := d.count()
	a := &model.Aggregate{Terms: make([]model.AggregateTerm, n)}
	for i := range a.Terms {
		t := &a.Terms[i]
		t.HolderID = d.str()
		t.Share = d.share()
		b := d.byte()
		t.ShareNotGiven, t.Certain = b&atShareNotGiven != 0, b&atCertain != 0
		t.Why = internWhy(d.str())
	}
	a.Certain, a.Possible, a.Threshold = d.float(), d.float(), d.float()
	b := d.byte()
	a.CertainStrict, a.PossibleStrict, a.Inclusive = b&asCertainStrict != 0, b&asPossibleStrict != 0, b&asInclusive != 0
	return a
}

// byte reads one byte.
func (d *decoder) byte() byte {
	if d.left() < 1 {
		d.fail()
		return 0
	}
	b := d.b[d.i]
	d.i++
	return b
}

// internWhy returns the package constant equal to why (see InternVerdict).
func internWhy(why string) string {
	for _, w := range []string{model.AggregateRoot, model.AggregateCovered, model.AggregatePossiblyCovered, model.AggregateUndisclosed} {
		if w == why {
			return w
		}
	}
	return why
}

// count reads a length and checks it against the bytes left (every item
// takes at least one byte), so corrupt data cannot ask for a huge slice.
func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(d.left())+1 {
		d.fail()
		return 0
	}
	return int(n)
}

func (d *decoder) optStrs() []string {
	n := d.count()
	if n == 0 {
		return nil
	}
	out := make([]string, n-1)
	for i := range out {
		out[i] = d.str()
	}
	return out
}

func (d *decoder) pathRef(path []string, i int) string {
	if d.left() < 1 {
		d.fail()
		return ""
	}
	ref := d.b[d.i]
	d.i++
	switch {
	case ref == 0 && i < len(path):
		return path[i]
	case ref == 1:
		return d.str()
	}
	d.fail()
	return ""
}

// skipPathRef moves past what pathRef reads, with its checks.
func (d *decoder) skipPathRef(path []string, i int) {
	if d.left() < 1 {
		d.fail()
		return
	}
	ref := d.b[d.i]
	d.i++
	switch {
	case ref == 0 && i < len(path):
	case ref == 1:
		d.skipStr()
	default:
		d.fail()
	}
}

// skipShare moves past what share reads.
func (d *decoder) skipShare() {
	if d.left() < 17 {
		d.fail()
		return
	}
	d.i += 17
}

func (d *decoder) share() model.Share {
	if d.left() < 1 {
		d.fail()
		return model.Share{}
	}
	b := d.b[d.i]
	d.i++
	return model.Share{Known: b&shareKnown != 0, Min: d.float(), Max: d.float(),
		MinExclusive: b&shareMinExclusive != 0, MaxExclusive: b&shareMaxExclusive != 0}
}

// InternVerdict returns the package constant equal to v, sparing an
// allocation per row for the handful of verdict strings.
func InternVerdict(v string) model.Verdict {
	for _, w := range allVerdicts {
		if string(w) == v {
			return w
		}
	}
	return model.Verdict(v)
}

var allVerdicts = model.AllVerdicts()

// internRootRule returns the package constant equal to rule (see
// InternVerdict).
func internRootRule(rule string) string {
	for _, w := range []string{model.RootIncorporation, model.RootHeadquarters, model.RootStateBody,
		model.RootNationality, model.RootResidence, model.RootListed, model.RootUnknownHolder} {
		if w == rule {
			return w
		}
	}
	return rule
}
