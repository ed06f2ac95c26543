package investigate

import (
	"fmt"
	"io"
	"strings"

	"github.com/ubo-project/ubo/model"
)

// Explanation is everything `ubo explain` says about one entity.
type Explanation struct {
	Entity  model.Entity `json:"entity"`
	Result  model.Result `json:"result"`
	RunID   string       `json:"run_id"`
	Policy  string       `json:"policy"`
	AsOf    string       `json:"as_of"`
	Summary string       `json:"summary"`
	// ChineseShareText and ChineseVotesText are Result's chinese_share and
	// chinese_votes in words (model.ChineseShareWords), as `ubo explain`
	// prints them and the investigators' page shows them.
	ChineseShareText string `json:"chinese_share_text"`
	ChineseVotesText string `json:"chinese_votes_text"`
	// Words are what the run's policy calls its roots and their holdings,
	// for labels ("ownership by listed roots"); absent under the China
	// policies, whose words are the Chinese ones.
	Words *model.RootWords `json:"words,omitempty"`
	// Names of every entity mentioned (paths, controllers), for reading.
	Names map[string]string `json:"names"`
	// Aggregate is the engine's arithmetic of the aggregate 50% rule over
	// the direct holders (Result.Aggregate; nil when no direct holder
	// counts, for a root, and for a result stored before the engine
	// recorded it).
	Aggregate *model.Aggregate `json:"aggregate,omitempty"`
	// Uncertain lists the unknown holders and share ranges above the entity
	// that could change the verdict, and to what (only when indeterminate).
	Uncertain []Uncertainty `json:"uncertain,omitempty"`
	// Notes are caveats about the explanation itself.
	Notes []string `json:"notes,omitempty"`
}

// chineseVerdictWords says what each verdict of the China policies means,
// in words.
var chineseVerdictWords = map[model.Verdict]string{
	model.VerdictChineseEntity: "is itself a Chinese root (incorporated, headquartered or a state body in a country of concern, a national of one, or listed)",
	model.VerdictControlled:    "is controlled by a Chinese root through a chain of control (board, contractual or consolidation links, or more than 50% of the votes aggregated through controlled entities)",
	model.VerdictOwned50:       "is 50% or more owned by Chinese roots or by entities that are themselves covered (aggregate 50% rule)",
	model.VerdictJointControl:  "is jointly controlled, and a joint controller is Chinese or Chinese-controlled",
	model.VerdictSignificant:   "has a significant Chinese interest (25% or more of equity or votes, or board or influence rights held by Chinese holders)",
	model.VerdictMinority:      "has a minority Chinese interest",
	model.VerdictClear:         "has no ownership or control reaching a Chinese root in the data",
}

// verdictMeaning says what verdict v means under a policy whose roots'
// verdict is root.
func verdictMeaning(v, root model.Verdict) string {
	if root == "" || root == model.VerdictChineseEntity {
		return chineseVerdictWords[v]
	}
	w := root.Words()
	switch {
	case v.IsRoot():
		return "is itself a " + w.Root + " (one of the policy's root rules holds for it)"
	case v == model.VerdictControlled:
		return "is controlled by a " + w.Root + " through a chain of control (board, contractual or consolidation links, or more than 50% of the votes aggregated through controlled entities)"
	case v == model.VerdictOwned50:
		return "is 50% or more owned by " + w.Roots + " or by entities that are themselves covered (aggregate 50% rule)"
	case v == model.VerdictJointControl:
		return "is jointly controlled, and a joint controller is a " + w.Root + " or controlled by one"
	case v == model.VerdictSignificant:
		return "has a significant interest held by " + w.Roots + " (25% or more of equity or votes, or board or influence rights held by " + w.Owners + ")"
	case v == model.VerdictMinority:
		return "has a minority interest held by " + w.Roots
	case v == model.VerdictClear:
		return "has no ownership or control reaching a " + w.Root + " in the data"
	}
	return ""
}

// Summarize fills Summary and the share texts from the result.
func (x *Explanation) Summarize() {
	r := x.Result
	x.ChineseShareText, x.ChineseVotesText = model.ChineseShareWords(&r), model.ChineseVotesWords(&r)
	name := x.Entity.Name
	if name == "" {
		name = x.Entity.ID
	}
	s := fmt.Sprintf("%s %s: %s.", name, verdictMeaning(r.Verdict, r.RootVerdict), r.Verdict)
	if r.Indeterminate {
		s += fmt.Sprintf(" The data leaves it open: with the unknown holders counted as %s and shares at their maximum it would be %s.", r.Words().Side, r.PossibleVerdict)
	}
	x.Summary = s
	x.Words = nil
	if r.RootVerdict != "" && r.RootVerdict != model.VerdictChineseEntity {
		w := r.Words()
		x.Words = &w
	}
}

func (x *Explanation) name(id string) string {
	if n := x.Names[id]; n != "" {
		return n + " [" + id + "]"
	}
	return id
}

// Render writes the explanation as plain text.
func (x *Explanation) Render(w io.Writer) error {
	var b strings.Builder
	r := x.Result
	e := x.Entity
	if e.Name != "" {
		fmt.Fprintf(&b, "%s [%s]", e.Name, e.ID)
	} else { // an unnamed entity is its id, once
		b.WriteString(e.ID)
	}
	if e.Kind != "" {
		fmt.Fprintf(&b, " — %s", e.Kind)
	}
	if e.Jurisdiction != "" {
		fmt.Fprintf(&b, ", %s", e.Jurisdiction)
	}
	if e.HQCountry != "" && e.HQCountry != e.Jurisdiction {
		fmt.Fprintf(&b, " (headquarters %s)", e.HQCountry)
	}
	if len(e.Aliases) > 0 {
		fmt.Fprintf(&b, "\nAlso known as: %s", strings.Join(e.Aliases, "; "))
	}
	b.WriteString("\n\n")
	flag := "not flagged"
	if r.Flagged {
		flag = "FLAGGED"
	}
	fmt.Fprintf(&b, "Verdict:   %s (%s)\n", r.Verdict, flag)
	if r.Indeterminate {
		fmt.Fprintf(&b, "           indeterminate: could be %s\n", r.PossibleVerdict)
	}
	fmt.Fprintf(&b, "Run:       %s, policy %s, as of %s\n\n", x.RunID, x.Policy, x.AsOf)
	b.WriteString(wrap(x.Summary, 100) + "\n\n")
	words := r.Words()
	fmt.Fprintf(&b, "%-30s%s\n", model.Capitalized(words.Share)+":", x.ChineseShareText)
	fmt.Fprintf(&b, "%-30s%s\n", model.Capitalized(words.Votes)+":", x.ChineseVotesText)
	fmt.Fprintf(&b, "Aggregate 50%% rule:           %s\n", model.AggregateRuleWords(&r))
	if !r.Verdict.IsRoot() && !aggregateUnrecorded(&r) {
		fmt.Fprintf(&b, "                              %s\n", x.Aggregate.Text(x.name))
	}
	if len(r.Controllers) > 0 {
		b.WriteString("Controlled by (roots):        ")
		b.WriteString(x.names(r.Controllers))
		b.WriteString("\n")
	}
	if len(r.JointControllers) > 0 {
		b.WriteString("Joint controllers:            ")
		b.WriteString(x.names(r.JointControllers))
		b.WriteString("\n")
	}
	if r.Explanation != "" {
		b.WriteString("\nWhy: " + wrap(r.Explanation, 95) + "\n")
	}
	if len(r.Evidence) > 0 {
		b.WriteString("\nEvidence paths (strongest first):\n")
		for i, ev := range r.Evidence {
			fmt.Fprintf(&b, "%d. %s\n", i+1, ev.Explanation)
			if ev.Truncated {
				b.WriteString("   (truncated: the evidence search reached its work budget here; a stronger or longer path may exist)\n")
			}
			for _, h := range ev.Hops {
				src := h.Source
				if h.SourceRef != "" {
					src += " " + h.SourceRef
				}
				fmt.Fprintf(&b, "     %s —%s→ %s   (source: %s)\n", x.name(h.HolderID),
					LinkText(Link{Kind: h.Kind, Share: h.Share}), x.name(h.HeldID), strings.TrimSpace(src))
			}
		}
	}
	if len(x.Uncertain) > 0 {
		b.WriteString("\nWhat could change the verdict:\n")
		for _, u := range x.Uncertain {
			fmt.Fprintf(&b, "  - %s —%s→ %s\n      %s\n", x.name(u.HolderID),
				LinkText(Link{Kind: model.RelKind(u.Kind), Share: u.Share}), x.name(u.HeldID), u.Why)
		}
	}
	for _, n := range x.Notes {
		b.WriteString("\nNote: " + wrap(n, 95) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (x *Explanation) names(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = x.name(id)
	}
	return strings.Join(out, ", ")
}

// aggregateUnrecorded reports whether r, not a root, holds no aggregate
// arithmetic although the rule counted someone: a result stored before
// the engine recorded its arithmetic.
func aggregateUnrecorded(r *model.Result) bool {
	return !r.Verdict.IsRoot() && r.Aggregate == nil && (r.AggregateCertain || r.AggregatePossible)
}

// wrap breaks text into lines of at most width runes at spaces.
func wrap(s string, width int) string {
	words := strings.Fields(s)
	var b strings.Builder
	line := 0
	for i, w := range words {
		n := len([]rune(w))
		if i > 0 {
			if line+1+n > width {
				b.WriteString("\n")
				line = 0
			} else {
				b.WriteString(" ")
				line++
			}
		}
		b.WriteString(w)
		line += n
	}
	return b.String()
}
