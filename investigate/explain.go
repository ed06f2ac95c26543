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
	// Names of every entity mentioned (paths, controllers), for reading.
	Names map[string]string `json:"names"`
	// Aggregate is the aggregate 50% rule arithmetic over the direct
	// holders (nil when not computed).
	Aggregate *Aggregate `json:"aggregate,omitempty"`
	// Uncertain lists the unknown holders and share ranges above the entity
	// that could change the verdict, and to what (only when indeterminate).
	Uncertain []Uncertainty `json:"uncertain,omitempty"`
	// Notes are caveats about the explanation itself.
	Notes []string `json:"notes,omitempty"`
}

// verdictWords says what each verdict means, in words.
var verdictWords = map[string]string{
	model.VerdictChineseEntity: "is itself a Chinese root (incorporated, headquartered or a state body in a country of concern, a national of one, or listed)",
	model.VerdictControlled:    "is controlled by a Chinese root through a chain of control (board, contractual or consolidation links, or more than 50% of the votes aggregated through controlled entities)",
	model.VerdictOwned50:       "is 50% or more owned by Chinese roots or by entities that are themselves covered (aggregate 50% rule)",
	model.VerdictJointControl:  "is jointly controlled, and a joint controller is Chinese or Chinese-controlled",
	model.VerdictSignificant:   "has a significant Chinese interest (25% or more of equity or votes, or board or influence rights held by Chinese holders)",
	model.VerdictMinority:      "has a minority Chinese interest",
	model.VerdictClear:         "has no ownership or control reaching a Chinese root in the data",
}

// Summarize fills Summary and the share texts from the result.
func (x *Explanation) Summarize() {
	r := x.Result
	x.ChineseShareText, x.ChineseVotesText = model.ChineseShareWords(&r), model.ChineseVotesWords(&r)
	name := x.Entity.Name
	if name == "" {
		name = x.Entity.ID
	}
	s := fmt.Sprintf("%s %s: %s.", name, verdictWords[r.Verdict], r.Verdict)
	if r.Indeterminate {
		s += fmt.Sprintf(" The data leaves it open: with the unknown holders counted as Chinese and shares at their maximum it would be %s.", r.PossibleVerdict)
	}
	x.Summary = s
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
	fmt.Fprintf(&b, "Chinese ownership:            %s\n", x.ChineseShareText)
	fmt.Fprintf(&b, "Chinese-held votes:           %s\n", x.ChineseVotesText)
	fmt.Fprintf(&b, "Aggregate 50%% rule:           %s\n", aggregateWords(r))
	if x.Aggregate != nil {
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

func aggregateWords(r model.Result) string {
	switch {
	case r.Verdict == model.VerdictChineseEntity:
		return "covered (a Chinese root is covered itself)"
	case r.AggregateCertain:
		return "covered (Chinese holdings reach the threshold)"
	case r.AggregatePossible:
		return "possibly covered (only if unknown holders are Chinese or shares are at their maximum)"
	default:
		return "not covered"
	}
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

// AggregateTerm is one direct ownership holding counted by the aggregate
// 50% rule.
type AggregateTerm struct {
	HolderID string      `json:"holder_id"`
	Share    model.Share `json:"share"`
	Why      string      `json:"why"` // "root", "covered", "possibly covered", "undisclosed holder"
	Certain  bool        `json:"certain"`
}

// Aggregate is the aggregate-rule arithmetic for one entity: the direct
// ownership holdings of holders that are roots or themselves covered.
type Aggregate struct {
	Terms     []AggregateTerm `json:"terms"`
	Certain   float64         `json:"certain"`  // sum of the certain holders' minimums
	Possible  float64         `json:"possible"` // sum of every counted holder's maximum
	Threshold float64         `json:"threshold"`
	Inclusive bool            `json:"inclusive"`
}

// AggregateArithmetic sums the direct ownership links into target whose
// holder is a root or covered (certain: CHINESE_ENTITY or aggregate
// certain; possible: aggregate possible or an undisclosed holder). Ended
// links (end date on or before asOf) are left out, as the engine does.
func AggregateArithmetic(rels []model.Relationship, target string, kinds map[string]model.EntityKind, result ResultFn, threshold float64, inclusive bool, asOf string) Aggregate {
	a := Aggregate{Threshold: threshold, Inclusive: inclusive}
	for _, r := range rels {
		if r.HeldID != target || r.Kind != model.Ownership || (r.EndDate != "" && r.EndDate <= asOf) {
			continue
		}
		t := AggregateTerm{HolderID: r.HolderID, Share: r.Share}
		res, ok := result(r.HolderID)
		switch {
		case ok && res.Verdict == model.VerdictChineseEntity:
			t.Why, t.Certain = "root", true
		case ok && res.AggregateCertain:
			t.Why, t.Certain = "covered", true
		case kinds[r.HolderID] == model.Unknown:
			t.Why = "undisclosed holder"
		case ok && res.AggregatePossible:
			t.Why = "possibly covered"
		default:
			continue
		}
		if t.Certain && r.Share.Known {
			a.Certain += r.Share.Min
		}
		if r.Share.Known {
			a.Possible += r.Share.Max
		} else {
			// the engine's reading of a missing share: what the others leave
			t.Share = model.Range(0, 100-othersMin(rels, r), false, false)
			a.Possible += t.Share.Max
		}
		a.Terms = append(a.Terms, t)
	}
	if a.Possible > 100 {
		a.Possible = 100
	}
	return a
}

// Text renders the arithmetic: "Avalon Microsystems Ltd (covered) 30% +
// Zhongyuan … (root) 20% = 50% ≥ 50%: covered".
func (a Aggregate) Text(name func(string) string) string {
	if len(a.Terms) == 0 {
		return "no direct holder is a root or covered: not covered"
	}
	var parts []string
	for _, t := range a.Terms {
		share := t.Share.String()
		if t.Why == "undisclosed holder" {
			share = "share not given, " + share
		}
		parts = append(parts, fmt.Sprintf("%s (%s) %s", name(t.HolderID), t.Why, share))
	}
	op, reached := "≥", a.Certain >= a.Threshold
	if !a.Inclusive {
		op, reached = ">", a.Certain > a.Threshold
	}
	s := strings.Join(parts, " + ") + " = " + model.FormatPercent(a.Certain) + "% certain"
	if a.Possible != a.Certain {
		s += ", up to " + model.FormatPercent(a.Possible) + "%"
	}
	if reached {
		return s + fmt.Sprintf(" %s %s%%: covered", op, model.FormatPercent(a.Threshold))
	}
	return s + fmt.Sprintf(", not %s %s%%", op, model.FormatPercent(a.Threshold))
}
