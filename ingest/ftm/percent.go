package ftm

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/ubo-project/ubo/model"
)

var (
	numRe   = `(\d+(?:[.,]\d+)?)`
	rangeRe = regexp.MustCompile(`^(?:between\s+)?` + numRe + `\s*%?\s*(?:-|–|—|to|and)\s*` + numRe + `\s*%?$`)
	cmpRe   = regexp.MustCompile(`^(>=|=>|≥|>|<=|=<|≤|<|more than|over|above|greater than|in excess of|exceeding|at least|not less than|minimum|min\.?|less than|under|below|up to|at most|not more than|maximum|max\.?)\s*` + numRe + `\s*%?$`)
	exactRe = regexp.MustCompile(`^(?:approx\.?|approximately|about|circa|ca\.?|~)?\s*` + numRe + `\s*(?:%|percent|per cent|pct)?$`)
)

// ParsePercentage reads FtM's free-text Ownership.percentage: "51", "50%",
// "50.01", "25-50", "25 - 50%", "between 25 and 50", ">50", "≥ 25",
// "more than 50", "less than 25", "majority", "100 percent". Ranges are
// inclusive; strict comparisons give exclusive bounds. ok is false for
// text that states no share (or a value outside 0..100): the caller keeps
// the edge with an unknown share.
func ParsePercentage(s string) (model.Share, bool) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.Join(strings.Fields(t), " ")
	if t == "" {
		return model.Share{}, false
	}
	switch t {
	case "majority", "majority stake", "controlling stake", "more than half":
		return model.Range(50, 100, true, false), true
	case "sole", "sole owner", "wholly owned", "all":
		return model.Exact(100), true
	}
	var sh model.Share
	if m := rangeRe.FindStringSubmatch(t); m != nil {
		lo, err1 := num(m[1])
		hi, err2 := num(m[2])
		if err1 != nil || err2 != nil {
			return model.Share{}, false
		}
		if lo > hi {
			lo, hi = hi, lo
		}
		sh = model.Range(lo, hi, false, false)
		if lo == hi {
			sh = model.Exact(lo)
		}
	} else if m := cmpRe.FindStringSubmatch(t); m != nil {
		v, err := num(m[2])
		if err != nil {
			return model.Share{}, false
		}
		switch m[1] {
		case ">", "more than", "over", "above", "greater than", "in excess of", "exceeding":
			sh = model.Range(v, 100, true, false)
		case ">=", "=>", "≥", "at least", "not less than", "minimum", "min", "min.":
			sh = model.Range(v, 100, false, false)
		case "<", "less than", "under", "below":
			sh = model.Range(0, v, false, true)
		default: // <=, up to, at most, maximum
			sh = model.Range(0, v, false, false)
		}
	} else if m := exactRe.FindStringSubmatch(t); m != nil {
		v, err := num(m[1])
		if err != nil {
			return model.Share{}, false
		}
		sh = model.Exact(v)
	} else {
		return model.Share{}, false
	}
	if sh.Validate() != nil {
		return model.Share{}, false
	}
	return sh, true
}

// num reads a number with a decimal point or a decimal comma.
func num(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil {
		return 0, fmt.Errorf("not a number: %q", s)
	}
	return v, nil
}
