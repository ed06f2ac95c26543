package policy

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/ubo-project/ubo/model"
)

// FieldError is one invalid value, named by its dotted key path
// ("thresholds.control.value", "countries[2]") and, when read from a file,
// the line it is on.
type FieldError struct {
	Key  string
	Line int
	Msg  string
}

func (e *FieldError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s: %s", e.Line, e.Key, e.Msg)
	}
	return e.Key + ": " + e.Msg
}

// Validate checks every value of p and returns all problems joined, each a
// *FieldError naming its key.
func (p *Policy) Validate() error { return p.validateAt(nil) }

func (p *Policy) validateAt(lines map[string]int) error {
	var errs []error
	bad := func(key, format string, a ...any) {
		line := lines[key]
		// A list element or nested key not written in the file (inherited
		// from the base) takes the line of its nearest written parent.
		for k := key; line == 0 && k != ""; {
			if i := strings.LastIndexAny(k, ".["); i > 0 {
				k = k[:i]
				line = lines[k]
			} else {
				k = ""
			}
		}
		errs = append(errs, &FieldError{Key: key, Line: line, Msg: fmt.Sprintf(format, a...)})
	}

	if strings.TrimSpace(p.Name) == "" {
		bad("name", "must not be empty")
	}
	if sc := p.Screening; sc.Match <= 0 || sc.Match > 1 {
		bad("screening.match", "must be in (0, 1], got %g", sc.Match)
	} else if sc.Review <= 0 || sc.Review > sc.Match {
		bad("screening.review", "must be in (0, screening.match], got %g", sc.Review)
	}
	if sc := p.Screening; sc.TieMargin < 0 || sc.TieMargin >= 1 {
		bad("screening.tie_margin", "must be in [0, 1), got %g", sc.TieMargin)
	}
	countries := func(key string, cs []string) {
		seen := map[string]bool{}
		for i, c := range cs {
			k := fmt.Sprintf("%s[%d]", key, i)
			switch {
			case !ValidCountry(c):
				bad(k, "%q is not an ISO 3166-1 alpha-2 country code (e.g. CN, HK, US)", c)
			case seen[c]:
				bad(k, "%q is listed twice", c)
			}
			seen[c] = true
		}
	}
	countries("countries", p.Countries)
	countries("exclude_jurisdictions", p.ExcludeJurisdictions)

	r := p.Roots
	byCountry := r.Incorporation || r.Headquarters || r.StateBody || r.Nationality || r.Residence
	if byCountry && len(p.ConcernCountries()) == 0 {
		bad("countries", "a country root rule is on (roots.incorporation, headquarters, state_body, nationality or residence) but no country of concern is set (countries, include_hk, include_mo)")
	}
	if !byCountry && len(r.ListTags) == 0 {
		bad("roots", "no root rule is on and roots.list_tags is empty: nothing could ever be a root")
	}
	for i, t := range r.ListTags {
		if t == "" {
			bad(fmt.Sprintf("roots.list_tags[%d]", i), "must not be empty")
		}
	}

	for _, th := range []struct {
		key string
		t   Threshold
	}{
		{"thresholds.control", p.Thresholds.Control},
		{"thresholds.aggregate", p.Thresholds.Aggregate},
		{"thresholds.significant", p.Thresholds.Significant},
		{"thresholds.joint_partner", p.Thresholds.JointPartner},
	} {
		v := th.t.Value
		switch {
		case math.IsNaN(v):
			bad(th.key+".value", "must be a number")
		case v < 0 || v > 100:
			bad(th.key+".value", "%g is outside 0..100 (percent)", v)
		case v == 0 && th.t.Inclusive:
			bad(th.key+".value", "\">= 0\" is met by every entity; use a positive value")
		case v == 100 && !th.t.Inclusive:
			bad(th.key+".value", "\"> 100\" can never be met; use inclusive: true")
		}
	}

	kinds := func(key string, ks []model.RelKind) {
		for i, k := range ks {
			if !k.Valid() {
				bad(fmt.Sprintf("%s[%d]", key, i), "unknown edge kind %q (valid: %s)", k, relKindList())
			}
		}
	}
	kinds("control_kinds", p.ControlKinds)
	kinds("influence_kinds", p.InfluenceKinds)
	for i, k := range p.ControlKinds {
		if k == model.Ownership || k == model.Voting || k == model.Officer {
			bad(fmt.Sprintf("control_kinds[%d]", i), "%q cannot give control by a single edge (ownership and voting count through thresholds; officers never control)", k)
		}
	}

	if p.RootVerdict != "" && !p.RootVerdict.IsRoot() {
		bad("root_verdict", "%q is not a root verdict (valid: %s)", p.RootVerdict, model.VerdictNames(model.RootVerdicts))
	}
	for i, v := range p.Flagged {
		if !v.Valid() {
			bad(fmt.Sprintf("flagged[%d]", i), "unknown verdict %q (valid: %s)", v, model.VerdictNames(model.AllVerdicts()))
		}
	}
	if _, err := p.AsOfDate(); err != nil {
		bad("as_of", "%q is not a date of the form YYYY-MM-DD", p.AsOf)
	}
	return errors.Join(errs...)
}

func relKindList() string {
	s := make([]string, len(model.RelKinds))
	for i, k := range model.RelKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// AsOfDate returns the policy's as-of date (UTC midnight), the zero time
// when it has none, or the error of an as_of that is not YYYY-MM-DD. It is
// the one place the policy's date is parsed.
func (p *Policy) AsOfDate() (time.Time, error) {
	if p.AsOf == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.DateOnly, p.AsOf)
}

// AsOfTime returns the policy's as-of date, or ok=false when it has none
// (or it is not a date).
func (p *Policy) AsOfTime() (t time.Time, ok bool) {
	t, err := p.AsOfDate()
	return t, err == nil && !t.IsZero()
}
