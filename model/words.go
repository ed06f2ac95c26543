package model

import "strings"

// The words an analyst reads for a result's two shares, written here once
// for every place that shows them (`ubo explain`, the investigators' page
// through the explain view, the BODS export's verdict annotation). The engine
// calls them U, the integrated Chinese share (Chinese ownership counted
// through every chain and cross-holding), and V, the Chinese-side votes;
// the JSON keeps those names (chinese_share, chinese_votes), the text
// does not.

// RootWords are the words a policy's roots and their holdings are called
// by, chosen by the policy's root verdict: "Chinese root" and "Chinese
// ownership" under the China policies, "listed root" and "ownership by
// listed roots" under a policy of list tags, "root" otherwise. Every
// sentence the engine and the renderers write takes its words from here.
type RootWords struct {
	Root    string `json:"root"`    // "Chinese root"
	Roots   string `json:"roots"`   // "Chinese roots"
	Owners  string `json:"owners"`  // "Chinese holders": who owns a share
	Holder  string `json:"holder"`  // "a Chinese holder"
	Share   string `json:"share"`   // "Chinese ownership"
	Votes   string `json:"votes"`   // "Chinese-held votes"
	Side    string `json:"side"`    // "Chinese": how a holder is counted ("unknown holders are Chinese")
	Holding string `json:"holding"` // "Chinese holdings"
}

var (
	chineseWords = RootWords{Root: "Chinese root", Roots: "Chinese roots", Owners: "Chinese holders",
		Holder: "a Chinese holder", Share: "Chinese ownership", Votes: "Chinese-held votes",
		Side: "Chinese", Holding: "Chinese holdings"}
	listedWords = RootWords{Root: "listed root", Roots: "listed roots", Owners: "listed holders",
		Holder: "a listed holder", Share: "ownership by listed roots", Votes: "votes held by listed roots",
		Side: "listed roots", Holding: "holdings of listed roots"}
	rootWords = RootWords{Root: "root", Roots: "roots", Owners: "root-side holders",
		Holder: "a root-side holder", Share: "ownership by roots", Votes: "votes held by roots",
		Side: "roots", Holding: "holdings of roots"}
)

// Words returns the words of a policy whose roots' verdict is root (empty:
// CHINESE_ENTITY).
func (root Verdict) Words() RootWords {
	switch root {
	case VerdictListedEntity:
		return listedWords
	case VerdictRootEntity:
		return rootWords
	}
	return chineseWords
}

// Words returns the words r's sentences use: its policy's.
func (r *Result) Words() RootWords { return r.RootVerdict.Words() }

// Capitalized returns s with its first letter upper case.
func Capitalized(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// RootSentence is the explanation of a root's verdict under a policy whose
// roots' verdict is root: "CN-Holdco is a Chinese root: incorporated in
// CN.", "LLC Volga is a listed root: listed as us.ofac.sdn.".
func RootSentence(root Verdict, why *RootReason) string {
	w := root.Words()
	if why.Rule == RootUnknownHolder {
		return why.Name + " is an unknown holder and could be a " + w.Root + "."
	}
	return why.Name + " is a " + w.Root + ": " + RootRuleWords(why) + "."
}

// RootRuleWords names the rule that makes an entity a root:
// "incorporated in CN", "listed as us.ofac.sdn until 2024-05-01".
func RootRuleWords(why *RootReason) string {
	switch why.Rule {
	case RootIncorporation:
		return "incorporated in " + why.Code
	case RootHeadquarters:
		return "headquartered in " + why.Code
	case RootStateBody:
		return "a state body of " + why.Code
	case RootNationality:
		return "a national of " + why.Code
	case RootResidence:
		return "resident in " + why.Code
	case RootListed:
		if why.Until != "" {
			return "listed as " + why.Code + " until " + why.Until
		}
		return "listed as " + why.Code
	case RootUnknownHolder:
		return "an unknown holder"
	}
	return why.Rule + " " + why.Code
}

// ChineseShareWords says how much of r's entity root-side holders own
// (Chinese holders under the China policies), directly and through other
// entities: "60.54%", "at least 25%, up to 50%", "up to 75% (none of it
// certain)", or "not known: …" when the links to its root-side or possibly
// root-side holders (consolidation, control, board) give no percentage —
// 0% there is not a fact about the entity.
func ChineseShareWords(r *Result) string {
	if r.Verdict.IsRoot() {
		return "100% (it is a " + r.Words().Root + " itself)"
	}
	return shareWords(r.ChineseShare, r)
}

// ChineseVotesWords says how many of the votes in r's entity root-side
// holders hold, in the words of ChineseShareWords.
func ChineseVotesWords(r *Result) string {
	if r.Verdict.IsRoot() {
		return "not applicable (it is a " + r.Words().Root + " itself)"
	}
	return shareWords(r.ChineseVotes, r)
}

func shareWords(iv Interval, r *Result) string {
	switch {
	case iv.Max == 0 && len(r.Evidence) > 0:
		if w := r.Words(); r.RootVerdict != "" && r.RootVerdict != VerdictChineseEntity {
			return "not known: the links to its " + w.Roots + " or possible " + w.Roots + " give no percentage"
		}
		return "not known: the links to its Chinese or possibly Chinese holders give no percentage"
	case iv.Min == iv.Max:
		return FormatPercent(iv.Min) + "%"
	case iv.Min == 0:
		return "up to " + FormatPercent(iv.Max) + "% (none of it certain)"
	}
	return "at least " + FormatPercent(iv.Min) + "%, up to " + FormatPercent(iv.Max) + "%"
}

// ClearExplanation is the explanation of a CLEAR result with no evidence
// under the China policies (ClearSentence gives every policy's): written
// once here for the engine and for the stores, which rebuild it from the
// verdict instead of storing it.
const ClearExplanation = "No ownership or control link reaches a Chinese root."

// ClearSentence is the explanation of a CLEAR result with no evidence under
// a policy whose roots' verdict is root.
func ClearSentence(root Verdict) string {
	if root == "" || root == VerdictChineseEntity {
		return ClearExplanation
	}
	return "No ownership or control link reaches a " + root.Words().Root + "."
}

// AggregateRuleWords says how the aggregate 50% rule ends for r.
func AggregateRuleWords(r *Result) string {
	w := r.Words()
	switch {
	case r.Verdict.IsRoot():
		return "covered (a " + w.Root + " is covered itself)"
	case r.AggregateCertain:
		return "covered (" + w.Holding + " reach the threshold)"
	case r.AggregatePossible:
		return "possibly covered (only if unknown holders are " + w.Side + " or shares are at their maximum)"
	default:
		return "not covered"
	}
}

// NoAggregateTerms is the words of an aggregate rule no direct holder
// takes part in.
const NoAggregateTerms = "no direct holder is a root or covered: not covered"

// Text renders the arithmetic, naming holders with name: "Avalon
// Microsystems Ltd (covered) 30% + Zhongyuan … (root) 20% = 50% certain ≥
// 50%: covered". A nil or empty Aggregate is NoAggregateTerms.
func (a *Aggregate) Text(name func(string) string) string {
	if a == nil || len(a.Terms) == 0 {
		return NoAggregateTerms
	}
	parts := make([]string, 0, len(a.Terms))
	for _, t := range a.Terms {
		share := t.Share.String()
		if t.ShareNotGiven {
			share = "share not given, " + share
		}
		parts = append(parts, name(t.HolderID)+" ("+t.Why+") "+share)
	}
	s := strings.Join(parts, " + ") + " = " + FormatPercent(a.Certain) + "% certain"
	if a.Possible != a.Certain {
		s += ", up to " + FormatPercent(a.Possible) + "%"
	}
	op := "≥"
	if !a.Inclusive {
		op = ">"
	}
	if a.reached() {
		return s + " " + op + " " + FormatPercent(a.Threshold) + "%: covered"
	}
	return s + ", not " + op + " " + FormatPercent(a.Threshold) + "%"
}

// reached reports whether the certain sum meets the threshold, a strict
// sum being a little more than its value (as the engine compares).
func (a *Aggregate) reached() bool {
	const tolerance = 1e-9
	switch {
	case a.Certain > a.Threshold+tolerance:
		return true
	case a.Certain < a.Threshold-tolerance:
		return false
	}
	return a.Inclusive || a.CertainStrict
}
