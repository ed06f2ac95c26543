package psc

import (
	"strings"

	"github.com/ubo-project/ubo/model"
)

// control is what one nature of control asserts.
type control struct {
	kind model.RelKind
	// share is the band; Known=false for board, influence and nominee.
	share model.Share
	// viaArrangement: held through a trust or a firm (the -as-trust,
	// -as-firm, -as-control-over-* variants). The PSC register attributes
	// the holding to the person who controls the trust or firm, so it maps
	// to the same kind and band, marked indirect; trust_role is left for
	// sources that name the trust itself.
	viaArrangement bool
}

// bands are the Companies House wording: "more than 25% but not more than
// 50%" is (25, 50]; "more than 75%" is (75, 100].
var bands = map[string]model.Share{
	"25-to-50-percent":     model.Range(25, 50, true, false),
	"50-to-75-percent":     model.Range(50, 75, true, false),
	"75-to-100-percent":    model.Range(75, 100, true, false),
	"more-than-25-percent": model.Range(25, 100, true, false),
}

// natureOfControl maps a Companies House natures_of_control value (every
// entry of api-enumerations psc_descriptions.yml: companies, LLPs —
// "-limited-liability-partnership", Scottish partnerships — "part-" and
// "-person", overseas entities — "-registered-overseas-entity") to an edge.
func natureOfControl(n string) (control, bool) {
	s := strings.ToLower(strings.TrimSpace(n))
	s, _ = strings.CutSuffix(s, "-registered-overseas-entity")
	s, _ = strings.CutSuffix(s, "-limited-liability-partnership")
	var c control
	for _, via := range []string{"-as-control-over-trust", "-as-control-over-firm", "-as-trust", "-as-firm"} {
		if rest, ok := strings.CutSuffix(s, via); ok {
			s, c.viaArrangement = rest, true
			break
		}
	}
	s, _ = strings.CutPrefix(s, "part-") // Scottish partnerships
	banded := func(prefix string, kind model.RelKind) bool {
		band, ok := strings.CutPrefix(s, prefix)
		if !ok {
			return false
		}
		share, ok := bands[band]
		if !ok {
			return false
		}
		c.kind, c.share = kind, share
		return true
	}
	switch {
	case banded("ownership-of-shares-", model.Ownership),
		banded("right-to-share-surplus-assets-", model.Ownership),
		banded("voting-rights-", model.Voting):
		return c, true
	case s == "right-to-appoint-and-remove-directors",
		s == "right-to-appoint-and-remove-members",
		s == "right-to-appoint-and-remove-person":
		c.kind = model.Board
		return c, true
	case s == "significant-influence-or-control":
		c.kind = model.Influence
		return c, true
	case strings.HasPrefix(s, "registered-owner-as-nominee-person-"),
		strings.HasPrefix(s, "registered-owner-as-nominee-another-entity-"):
		// The overseas entity holds UK land as nominee for this owner.
		c.kind = model.Nominee
		return c, true
	}
	return control{}, false
}

// Statement handling, from psc_descriptions.yml statement_description.
var (
	// unknownHolderStatements say a registrable person exists (or may)
	// but is not disclosed: an unknown holder is created.
	unknownHolderStatements = map[string]bool{
		"psc-exists-but-not-identified":             true,
		"psc-details-not-confirmed":                 true,
		"steps-to-find-psc-not-yet-completed":       true,
		"psc-contacted-but-no-response":             true,
		"psc-has-failed-to-confirm-changed-details": true,
		"restrictions-notice-issued-to-psc":         true,
		"awaiting-confirmation-from-psc":            true,
		// overseas entities (Register of Overseas Entities)
		"no-beneficial-owner-identified":                                                                            true,
		"at-least-one-beneficial-owner-unidentified":                                                                true,
		"information-not-provided-for-at-least-one-beneficial-owner":                                                true,
		"at-least-one-beneficial-owner-unidentified-and-information-not-provided-for-at-least-one-beneficial-owner": true,
	}
	// endStatements say there is nobody (more) to find, or are informational.
	endStatements = map[string]bool{
		"no-individual-or-entity-with-signficant-control":        true, // (sic)
		"all-beneficial-owners-identified":                       true,
		"nobody-has-become-or-ceased-to-be-a-beneficial-owner":   true,
		"somebody-has-become-or-ceased-to-be-a-beneficial-owner": true,
		"no-change-beneficial-owner-relevant-period":             true,
		"change-beneficial-owner-relevant-period":                true,
		"no-trust-involved-relevant-period":                      true,
		"trust-involved-relevant-period":                         true,
		"no-change-beneficiary-relevant-period":                  true,
		"change-beneficiary-relevant-period":                     true,
	}
)

// statementEffect returns (createsUnknown, known).
func statementEffect(st string) (bool, bool) {
	st = strings.ToLower(strings.TrimSpace(st))
	base, _ := strings.CutSuffix(st, "-partnership") // Scottish partnership variants
	switch {
	case unknownHolderStatements[st] || unknownHolderStatements[base]:
		return true, true
	case endStatements[st] || endStatements[base]:
		return false, true
	}
	return false, false
}
