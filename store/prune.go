package store

import "github.com/ubo-project/ubo/model"

// DefaultKeepRuns is how many complete runs keep their results when a run
// completes (`ubo runs prune --keep N` chooses another number): a week of
// nightly runs.
const DefaultKeepRuns = 7

// RunsToPrune returns the ids of the complete runs whose results retention
// deletes, given every run newest first: all but the newest keep complete
// runs (keep < 1 counts as 1, so the latest complete run always stays), and
// never the newest complete run of a policy (name and hash), which the next
// run of that policy counts its newly flagged entities against. Running
// and failed runs are not returned (a running run may be writing; a failed
// run's results are deleted when it fails).
func RunsToPrune(runs []model.Run, keep int) []string {
	keep = max(keep, 1)
	type policyKey struct{ name, hash string }
	newestOf := map[policyKey]bool{}
	var prune []string
	kept := 0
	for _, r := range runs {
		if r.Status != model.RunComplete {
			continue
		}
		k := policyKey{r.Policy, r.PolicyHash}
		switch {
		case kept < keep:
			kept++
		case !newestOf[k]:
		default:
			prune = append(prune, r.ID)
		}
		newestOf[k] = true
	}
	return prune
}
