package model

// The words an analyst reads for a result's two shares, written here once
// for every place that shows them (`ubo explain`, the investigators' page
// through the explain view, the BODS export's verdict annotation). DESIGN.md
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
