package store

import (
	"context"
	"slices"
	"strings"

	"github.com/ubo-project/ubo/model"
)

// Snapshot refresh (`ubo ingest SOURCE --snapshot`): the files are the
// whole of what a source asserts today, so what it asserted before and no
// longer does is retired. Both stores keep a ledger per source of the
// records a snapshot asserted (MarkAsserted, called as batches are
// written) and retire the rest in one transaction once the whole snapshot
// was read (RetireUnasserted). A snapshot interrupted before that step
// retires nothing: its ledger entries carry a generation no retirement
// ever names.
//
// Nothing is deleted. A relationship is end-dated with the snapshot's date
// (so --as-of an earlier date still sees it); a list tag is replaced by
// RetiredTagPrefix+date+":"+tag (it counts until that date); an entity
// that only this source knew gets InactiveTagPrefix+date (from that date it
// is no Chinese root, see graph.Score).

// The list tags of retirement (model.InactiveTagPrefix, model.RetiredTagPrefix).
const (
	InactiveTagPrefix = model.InactiveTagPrefix
	RetiredTagPrefix  = model.RetiredTagPrefix
)

// Assertion is one record a snapshot asserted: a relationship id, or an
// entity id as the source wrote it (an alias resolves to its entity) with
// the list tags, names (name and aliases) and identifiers the record gave.
type Assertion struct {
	Relationship bool
	ID           string
	Lists        []string
	Names        []string
	Identifiers  []string
}

// A ledger entry's tags hold the record's names and identifiers next to
// its list tags, under these prefixes (no list tag starts with "ubo."
// unless ubo wrote it), so that one comparison of the previous snapshot's
// tags with this one's retires all three.
const (
	nameEntryPrefix       = "ubo.name:"
	identifierEntryPrefix = "ubo.identifier:"
)

// LedgerTags is what a ledger entry keeps of a: its list tags, names and
// identifiers, sorted and deduplicated.
func LedgerTags(a Assertion) []string {
	tags := slices.Clone(a.Lists)
	for _, n := range a.Names {
		if n != "" {
			tags = append(tags, nameEntryPrefix+n)
		}
	}
	for _, id := range a.Identifiers {
		tags = append(tags, identifierEntryPrefix+id)
	}
	return model.SortedUnique(tags)
}

// isNameOrIdentifierTag reports whether a ledger tag is a name or an
// identifier (LedgerTags), not a list tag.
func isNameOrIdentifierTag(t string) bool {
	return strings.HasPrefix(t, nameEntryPrefix) || strings.HasPrefix(t, identifierEntryPrefix)
}

// RetireStats counts what one RetireUnasserted changed.
type RetireStats struct {
	Relationships int `json:"relationships_ended"`
	Entities      int `json:"entities_inactive"`
	Reactivated   int `json:"entities_reactivated"`
	ListTags      int `json:"list_tags_retired"`
	Aliases       int `json:"aliases_retired"`
	Identifiers   int `json:"identifiers_retired"`
}

// Snapshotter takes a source's snapshot. Part of GraphWriter.
type Snapshotter interface {
	// MarkAsserted records in source's ledger that the snapshot of
	// generation gen (a number larger than any earlier snapshot's) asserted
	// batch. Marking the same records twice changes nothing.
	MarkAsserted(ctx context.Context, source string, gen int64, batch []Assertion) error
	// RetireUnasserted retires, in one transaction, what source asserted
	// before generation gen and gen did not assert, as of date
	// (YYYY-MM-DD): relationships of the source not marked in gen and not
	// ended by date are ended on date; entities whose provenance names only
	// source and that gen did not assert become inactive (entities gen
	// asserted stop being inactive); the list tags source's previous
	// snapshot gave an entity and gen did not are retired, unless another
	// source whose snapshots are in the ledger gave them or a source of the
	// entity's provenance has no ledger for it (then it may have). The
	// ledger then holds gen's assertions only.
	RetireUnasserted(ctx context.Context, source string, gen int64, date string) (RetireStats, error)
}

// EntityLedger is what the ledgers say about one entity for a retirement
// by source: whether the snapshot asserted it, the list tags source's
// previous snapshot (Prev) and this one (Cur) gave it, and the list tags of
// every other source with a ledger entry for it.
type EntityLedger struct {
	Asserted bool
	Prev     []string
	Cur      []string
	Others   map[string][]string
}

// Add folds one ledger entry of the entity into l, for a retirement by
// source: an entry of src with its committed (prev) and pending (cur) list
// tags; current says its pending tags are those of the retiring snapshot.
func (l *EntityLedger) Add(source, src string, current bool, prev, cur []string) {
	if src != source {
		if l.Others == nil {
			l.Others = map[string][]string{}
		}
		// An interrupted snapshot's pending tags count too: keeping a tag
		// is the safe side.
		l.Others[src] = model.SortedUnique(append(append(slices.Clone(l.Others[src]), prev...), cur...))
		return
	}
	l.Prev = model.SortedUnique(append(slices.Clone(l.Prev), prev...))
	if current {
		l.Asserted = true
		l.Cur = model.SortedUnique(append(slices.Clone(l.Cur), cur...))
	}
}

// Retire is RetireEntity counted into s: it reports whether e changed.
func (s *RetireStats) Retire(e *model.Entity, source, date string, l *EntityLedger) bool {
	changed, inactive, reactivated, tags := RetireEntity(e, source, date, l)
	if inactive {
		s.Entities++
	}
	if reactivated {
		s.Reactivated++
	}
	s.ListTags += tags
	aliases, identifiers := RetireNames(e, source, l)
	s.Aliases += aliases
	s.Identifiers += identifiers
	return changed || aliases+identifiers > 0
}

// RetireNames removes from e the aliases and identifiers source's previous
// snapshot gave it (l.Prev) and this one does not (l.Cur), unless another
// source may still give them (as for list tags). The model keeps no
// retired names: search and screening stop finding e by them; the
// source's earlier files keep the history. The entity's own name is never
// removed (a source that renames it overwrites it).
func RetireNames(e *model.Entity, source string, l *EntityLedger) (aliases, identifiers int) {
	if l == nil {
		return 0, 0
	}
	for _, t := range l.Prev {
		if !isNameOrIdentifierTag(t) || slices.Contains(l.Cur, t) || keptByOthers(e, source, t, l.Others) {
			continue
		}
		if n, ok := strings.CutPrefix(t, nameEntryPrefix); ok {
			if i := slices.Index(e.Aliases, n); i >= 0 && n != e.Name {
				e.Aliases = slices.Delete(slices.Clone(e.Aliases), i, i+1)
				aliases++
			}
			continue
		}
		id := strings.TrimPrefix(t, identifierEntryPrefix)
		if i := slices.Index(e.Identifiers, id); i >= 0 {
			e.Identifiers = slices.Delete(slices.Clone(e.Identifiers), i, i+1)
			identifiers++
		}
	}
	return aliases, identifiers
}

// RetireEntity applies a retirement by source on date to e (the rule both
// stores share): it reports whether e changed and how.
func RetireEntity(e *model.Entity, source, date string, l *EntityLedger) (changed, inactive, reactivated bool, retiredTags int) {
	if l != nil && l.Asserted {
		if IsInactive(e) {
			e.Lists = slices.DeleteFunc(slices.Clone(e.Lists), func(t string) bool { return strings.HasPrefix(t, InactiveTagPrefix) })
			changed, reactivated = true, true
		}
	} else if OnlyFrom(e, source) && !IsInactive(e) {
		e.Lists = model.SortedUnique(append(slices.Clone(e.Lists), InactiveTagPrefix+date))
		changed, inactive = true, true
	}
	if l == nil {
		return changed, inactive, reactivated, 0
	}
	for _, t := range l.Prev {
		if slices.Contains(l.Cur, t) || !slices.Contains(e.Lists, t) || keptByOthers(e, source, t, l.Others) {
			continue
		}
		lists := slices.DeleteFunc(slices.Clone(e.Lists), func(x string) bool { return x == t })
		e.Lists = model.SortedUnique(append(lists, RetiredTagPrefix+date+":"+t))
		changed = true
		retiredTags++
	}
	return changed, inactive, reactivated, retiredTags
}

// keptByOthers reports whether a source other than source may still
// assert tag t on e: one whose ledger gives it, or one of e's provenance
// without a ledger entry for e (plain ingests keep no ledger, so what they
// gave is unknown and stays).
func keptByOthers(e *model.Entity, source, t string, others map[string][]string) bool {
	for src, tags := range others {
		if src != source && slices.Contains(tags, t) {
			return true
		}
	}
	for _, p := range e.Provenance {
		src, _, _ := strings.Cut(p, ":")
		if _, ok := others[src]; src != source && !ok {
			return true
		}
	}
	return false
}

// OnlyFrom reports whether every provenance entry of e names source (and
// there is one).
func OnlyFrom(e *model.Entity, source string) bool {
	if len(e.Provenance) == 0 {
		return false
	}
	for _, p := range e.Provenance {
		if !strings.HasPrefix(p, source+":") {
			return false
		}
	}
	return true
}

// IsInactive reports whether e carries an InactiveTagPrefix tag.
func IsInactive(e *model.Entity) bool {
	return slices.ContainsFunc(e.Lists, func(t string) bool { return strings.HasPrefix(t, InactiveTagPrefix) })
}

// RelationshipToRetire reports whether a relationship of source that the
// snapshot did not assert must be ended on date, and ends it.
func RelationshipToRetire(r *model.Relationship, source, date string) bool {
	if r.Source != source || (r.EndDate != "" && r.EndDate <= date) {
		return false
	}
	r.EndDate = date
	return true
}

// RecordChange is what a delta file says about one entity record of its
// source (FtM ADD/MOD/DEL): the record as the source wrote its id, whether
// it was deleted, the list tags it now gives (a deletion's own markers),
// and the date the change takes effect (YYYY-MM-DD).
type RecordChange struct {
	ID      string
	Deleted bool
	Lists   []string
	Date    string
}

// DeltaApplier applies the deletions of delta files. Part of GraphWriter.
type DeltaApplier interface {
	// ApplyDelta applies changes of source in one transaction, after their
	// records were written: a deleted record's entity becomes inactive
	// when only source knew it, and the list tags the record gave before
	// and no longer gives are retired (store.RetireEntity) as of the
	// change's date. What a record gave before is its ledger entry (a
	// snapshot's, or an earlier delta's); without one, when only source
	// knows the entity, every tag it has but ubo's own. The ledger entry
	// then holds the record's new tags (a deleted record's is removed).
	// Unknown ids are skipped.
	ApplyDelta(ctx context.Context, source string, changes []RecordChange) (RetireStats, error)
}

// DeltaRecord is what the ledger holds about one record of a change: the
// tags its entry gives, and whether there is an entry.
type DeltaRecord struct {
	Lists []string
	Found bool
}

// ApplyChanges applies, in order, the changes of source's records that
// resolve to e: own has each record's ledger entry, others the other
// sources' tags for e (as EntityLedger.Others). It reports whether e
// changed and adds what it did to st.
func ApplyChanges(e *model.Entity, source string, changes []RecordChange, own map[string]DeltaRecord, others map[string][]string, st *RetireStats) bool {
	changed := false
	for _, c := range changes {
		// A delta record's names and identifiers are not compared: the
		// ledger keeps those of the last snapshot.
		prev := slices.DeleteFunc(slices.Clone(own[c.ID].Lists), isNameOrIdentifierTag)
		names := slices.DeleteFunc(slices.Clone(own[c.ID].Lists), func(t string) bool { return !isNameOrIdentifierTag(t) })
		if !own[c.ID].Found && OnlyFrom(e, source) {
			prev = slices.DeleteFunc(slices.Clone(e.Lists), func(t string) bool { return strings.HasPrefix(t, "ubo.") })
		}
		l := &EntityLedger{Asserted: !c.Deleted, Prev: prev, Cur: model.SortedUnique(c.Lists), Others: others}
		if st.Retire(e, source, c.Date, l) {
			changed = true
		}
		kept := l.Cur
		if !c.Deleted {
			kept = model.SortedUnique(append(slices.Clone(l.Cur), names...))
		}
		own[c.ID] = DeltaRecord{Lists: kept, Found: !c.Deleted}
	}
	return changed
}
