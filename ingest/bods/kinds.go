package bods

import "github.com/ubo-project/ubo/model"

// interestKinds maps every interestType codelist entry of BODS 0.2
// (kebab-case) and 0.3/0.4 (camelCase) to a relationship kind.
//
// Decisions beyond the obvious ones:
//   - economic rights (surplus assets, profit or income, enjoyment and use
//     of assets, income from assets) count as ownership: they are the
//     equity-like interests the 50% rules look at;
//   - rights granted by contract, control through articles or by legal
//     framework are control; *conditional* contractual rights (options
//     that may never be exercised) are only influence;
//   - board members and chairs, like senior managing officials, are
//     officers (shown, never control); the right to appoint the board is
//     board;
//   - settlor, trustee, protector and beneficiary of a legal arrangement
//     are trust roles; 0.2's "other influence or control of trust" is
//     influence;
//   - nominee and nominator are both nominee (two sides of a nomination);
//   - unknown and unpublished interests are unknown_interest.
var interestKinds = map[string]model.RelKind{
	// 0.3 / 0.4
	"shareholding":                       model.Ownership,
	"votingRights":                       model.Voting,
	"appointmentOfBoard":                 model.Board,
	"otherInfluenceOrControl":            model.Influence,
	"seniorManagingOfficial":             model.Officer,
	"settlor":                            model.TrustRole,
	"trustee":                            model.TrustRole,
	"protector":                          model.TrustRole,
	"beneficiaryOfLegalArrangement":      model.TrustRole,
	"rightsToSurplusAssetsOnDissolution": model.Ownership,
	"rightsToProfitOrIncome":             model.Ownership,
	"rightsGrantedByContract":            model.Control,
	"conditionalRightsGrantedByContract": model.Influence,
	"controlViaCompanyRulesOrArticles":   model.Control,
	"controlByLegalFramework":            model.Control,
	"boardMember":                        model.Officer,
	"boardChair":                         model.Officer,
	"unknownInterest":                    model.UnknownInterest,
	"unpublishedInterest":                model.UnknownInterest,
	"enjoymentAndUseOfAssets":            model.Ownership,
	"rightToProfitOrIncomeFromAssets":    model.Ownership,
	"nominee":                            model.Nominee,
	"nominator":                          model.Nominee,

	// 0.2
	"voting-rights":                           model.Voting,
	"appointment-of-board":                    model.Board,
	"other-influence-or-control":              model.Influence,
	"senior-managing-official":                model.Officer,
	"settlor-of-trust":                        model.TrustRole,
	"trustee-of-trust":                        model.TrustRole,
	"protector-of-trust":                      model.TrustRole,
	"beneficiary-of-trust":                    model.TrustRole,
	"other-influence-or-control-of-trust":     model.Influence,
	"rights-to-surplus-assets-on-dissolution": model.Ownership,
	"rights-to-profit-or-income":              model.Ownership,
	"rights-granted-by-contract":              model.Control,
	"conditional-rights-granted-by-contract":  model.Influence,
}

// InterestKind maps a BODS interest type (any version) to a relationship
// kind. A missing type is an unknown interest; ok is false for a value no
// codelist has.
func InterestKind(code string) (model.RelKind, bool) {
	if code == "" {
		return model.UnknownInterest, true
	}
	k, ok := interestKinds[code]
	return k, ok
}

// entityKinds maps the entityType codelist (0.2–0.4). Anonymous entities
// are known to exist but undisclosed, unknown entities are not identified:
// both are unknown holders. States and state bodies are state_body.
var entityKinds = map[string]model.EntityKind{
	"registeredEntity": model.Company,
	"legalEntity":      model.Company,
	"arrangement":      model.Arrangement,
	"anonymousEntity":  model.Unknown,
	"unknownEntity":    model.Unknown,
	"state":            model.StateBody,
	"stateBody":        model.StateBody,
}

// EntityKind maps a BODS entityType to an entity kind.
func EntityKind(code string) (model.EntityKind, bool) {
	k, ok := entityKinds[code]
	return k, ok
}

// PersonKind maps a BODS personType: anonymous and unknown persons are
// unknown holders (their nationality, hence their side, is not known).
func PersonKind(code string) (model.EntityKind, bool) {
	switch code {
	case "", "knownPerson":
		return model.Person, true
	case "anonymousPerson", "unknownPerson":
		return model.Unknown, true
	}
	return "", false
}

// chainEnds lists the unspecified reasons that say there is nobody further
// up (no beneficial owners; a listed company exempt from disclosure):
// nothing is created for them. Every other reason means an interested party
// exists but is not disclosed: an unknown holder.
var chainEnds = map[string]bool{
	"noBeneficialOwners":             true,
	"no-beneficial-owners":           true,
	"subjectExemptFromDisclosure":    true,
	"subject-exempt-from-disclosure": true,
}

// UBOPublisher is the publisher name of the statements `ubo export --format
// bods` writes (export.PublisherName): their record ids are kept as entity
// ids.
const UBOPublisher = "ubo"

// influenceDetails are the details of an "otherInfluenceOrControl" interest
// that name a kind of ours BODS has no interest type for, as `ubo export
// --format bods` writes them: read back as that kind, not as influence, so
// that a verdict resting on consolidation survives a round trip.
var influenceDetails = map[string]model.RelKind{
	"consolidation":   model.Consolidation,
	"branch":          model.Branch,
	"fund management": model.FundManagement,
}
