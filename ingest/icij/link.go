package icij

import (
	"regexp"
	"strings"

	"github.com/ubo-project/ubo/model"
)

// Link is what an officer_of `link` text says about the relationship.
type Link struct {
	// Kinds are the relationship kinds the text names, in model order
	// ("Director and Shareholder" → ownership and officer); empty when the
	// text names a service role that is not an interest (registered agent,
	// address, auditor, intermediary).
	Kinds []model.RelKind
	// Share is the ownership share the text carries ("Shareholder - 34%"),
	// unknown otherwise.
	Share model.Share
}

// Has reports whether the link includes kind k.
func (l Link) Has(k model.RelKind) bool {
	for _, x := range l.Kinds {
		if x == k {
			return true
		}
	}
	return false
}

var (
	percentRe = regexp.MustCompile(`(\d{1,3}(?:[.,]\d+)?)\s*%`)
	tokenRe   = regexp.MustCompile(`[a-z]+`)
)

// serviceRoles are links that describe a service to the entity (agents,
// addresses, auditors) rather than an interest in it: no edge.
var serviceRoles = []string{
	"registered agent", "registered office", "registered address", "registered at", "register address",
	"business address", "residential address", "mailing address", "administration address",
	"correspondent addr", "correspondance address", "correspondence address", "principal office",
	"intermediary", "eligible introducer", "auditor", "accountant", "tax advisor", "stockbroker",
	"custodian", "safekeeping", "transfer agent", "records & registers", "unit trust register",
	"grantee of a mortgage", "client contact", "same address",
	// similarity links belong to rel_types of their own; never an interest
	"same name", "same as", "similar", "same id", "same company", "same intermediary", "probably same",
	"related entity",
}

// controlRoles name control without equity.
var controlRoles = []string{
	"significant control", "significant controller", "effective controller", "ultimate controller",
	"ultimate controlling", "ultimate controling", "controlling person", "controlling party", "general partner",
}

// ownershipRoles name an equity or beneficial interest.
var ownershipRoles = []string{
	"shareholder", "share holder", "stockholder", "owner", "benef", "bemef", "investor", "subscriber",
}

// trustRoles name roles in a trust or foundation.
var trustRoles = []string{
	"trustee", "settlor", "protector", "grantor", "trustor", "enforcer", "appointor", "appointer", "founder",
}

// officerRoles name officers and agents acting for the entity. Matched on
// whole words (officerWords) or as substrings (officerPhrases).
var (
	officerPhrases = []string{
		"director", "secretary", "president", "treasur", "chairm", "chairw", "officer", "manag",
		"signator", "authori", "representative", "proxy", "board", "controller", "attorney",
		"liquidator", "administrator", "advis", "council", "executive", "c.e.o", "c.f.o", "c.o.o",
		"v.p", "dir.", "sec.", "treas", "power of", "member", "agent", "employ",
	}
	officerWords = map[string]bool{"ceo": true, "cfo": true, "coo": true, "vp": true, "dir": true,
		"sec": true, "pres": true, "poa": true, "chair": true, "diretor": true, "mng": true}
	ownershipWords = map[string]bool{"ubo": true, "bo": true, "owner": true}
)

// ClassifyLink maps an ICIJ officer_of link text (free text, hundreds of
// spellings) to relationship kinds:
//   - nominee roles ("nominee director of", "nominated person of") are
//     nominee only: a nominee holds or acts for someone else;
//   - shareholder, owner, beneficial owner, beneficiary, UBO, investor,
//     subscriber, partner → ownership, with the share when the text
//     carries one ("Shareholder (Trident) - 34%");
//   - person of significant control, effective / ultimate controller,
//     general partner → control;
//   - trustee, settlor, protector, grantor, enforcer, appointor, founder →
//     trust_role;
//   - director, secretary, president, signatory, attorney, manager and the
//     other office holders → officer (shown, never control);
//   - service roles (registered agent or office, addresses, intermediary,
//     auditor, accountant, custodian) → nothing.
//
// Texts naming several roles give several kinds. Anything else (job
// titles, "connected to", an empty link) is an officer: ICIJ filed it
// under officer_of, and officer edges never count as control.
func ClassifyLink(link string) Link {
	t := normLink(link)
	var out Link
	for _, s := range serviceRoles {
		if strings.Contains(t, s) {
			return out
		}
	}
	if strings.Contains(t, "nomine") || strings.Contains(t, "nominated") {
		out.Kinds = []model.RelKind{model.Nominee}
		return out
	}
	own := containsAny(t, ownershipRoles) || anyWord(t, ownershipWords)
	control := containsAny(t, controlRoles)
	trust := containsAny(t, trustRoles)
	// Officer words are looked for outside the control phrases, so that
	// "effective controller" is control and not also an officer.
	rest := t
	for _, s := range controlRoles {
		rest = strings.ReplaceAll(rest, s, " ")
	}
	officer := containsAny(rest, officerPhrases) || anyWord(rest, officerWords)
	if strings.Contains(t, "partner") && !strings.Contains(t, "managing partner") && !strings.Contains(t, "general partner") {
		own = true
	}
	if own {
		out.Kinds = append(out.Kinds, model.Ownership)
		if m := percentRe.FindStringSubmatch(t); m != nil {
			if v, ok := percent(m[1]); ok {
				out.Share = model.Exact(v)
			}
		}
	}
	if control {
		out.Kinds = append(out.Kinds, model.Control)
	}
	if trust {
		out.Kinds = append(out.Kinds, model.TrustRole)
	}
	if officer || len(out.Kinds) == 0 {
		out.Kinds = append(out.Kinds, model.Officer)
	}
	return out
}

func containsAny(t string, list []string) bool {
	for _, s := range list {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}

func anyWord(t string, set map[string]bool) bool {
	for _, w := range tokenRe.FindAllString(t, -1) {
		if set[w] {
			return true
		}
	}
	return false
}

// normLink lower-cases and folds the spelling variants of a link text.
func normLink(s string) string {
	s = strings.ToLower(s)
	s = strings.NewReplacer("\u2011", "-", "\u2010", "-", "\u00a0", " ", "_", " ").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

func percent(s string) (float64, bool) {
	var v float64
	var frac, div float64 = 0, 1
	seenSep := false
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			if seenSep {
				div *= 10
				frac = frac*10 + float64(c-'0')
			} else {
				v = v*10 + float64(c-'0')
			}
		case c == '.' || c == ',':
			seenSep = true
		}
	}
	v += frac / div
	return v, v >= 0 && v <= 100
}
