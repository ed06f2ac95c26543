package model

import "strings"

// The words an analyst reads for a result's two shares, written here once
// for every place that shows them (`ubo explain`, the investigators' page
// through the explain view, the BODS export's verdict annotation). The engine
// calls them U, the integrated Chinese share (Chinese ownership counted
// through every chain and cross-holding), and V, the Chinese-side votes;
// the JSON keeps those names (chinese_share, chinese_votes), the text
// does not.

// ChineseShareWords says how much of r's entity Chinese holders own,
// directly and through other entities: "60.54%", "at least 25%, up to
// 50%", "up to 75% (none of it certain)", or "not known: …" when the links
// to its Chinese or possibly Chinese holders (consolidation, control,
// board) give no percentage — 0% there is not a fact about the entity.
func ChineseShareWords(r *Result) string {
	if r.Verdict == VerdictChineseEntity {
		return "100% (it is a Chinese root itself)"
	}
	return shareWords(r.ChineseShare, r)
}

// ChineseVotesWords says how many of the votes in r's entity Chinese
// holders hold, in the words of ChineseShareWords.
func ChineseVotesWords(r *Result) string {
	if r.Verdict == VerdictChineseEntity {
		return "not applicable (it is a Chinese root itself)"
	}
	return shareWords(r.ChineseVotes, r)
}

func shareWords(iv Interval, r *Result) string {
	switch {
	case iv.Max == 0 && len(r.Evidence) > 0:
		return "not known: the links to its Chinese or possibly Chinese holders give no percentage"
	case iv.Min == iv.Max:
		return FormatPercent(iv.Min) + "%"
	case iv.Min == 0:
		return "up to " + FormatPercent(iv.Max) + "% (none of it certain)"
	}
	return "at least " + FormatPercent(iv.Min) + "%, up to " + FormatPercent(iv.Max) + "%"
}

// ClearExplanation is the explanation of a CLEAR result with no evidence:
// written once here for the engine and for the stores, which rebuild it
// from the verdict instead of storing it.
const ClearExplanation = "No ownership or control link reaches a Chinese root."

// AggregateRuleWords says how the aggregate 50% rule ends for r.
func AggregateRuleWords(r *Result) string {
	switch {
	case r.Verdict == VerdictChineseEntity:
		return "covered (a Chinese root is covered itself)"
	case r.AggregateCertain:
		return "covered (Chinese holdings reach the threshold)"
	case r.AggregatePossible:
		return "possibly covered (only if unknown holders are Chinese or shares are at their maximum)"
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
