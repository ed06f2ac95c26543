package store

import (
	"slices"
	"testing"

	"github.com/ubo-project/ubo/model"
)

func TestRunsToPrune(t *testing.T) {
	run := func(id, status, policy string) model.Run {
		return model.Run{ID: id, Status: status, Policy: policy, PolicyHash: "h-" + policy}
	}
	c := func(id, policy string) model.Run { return run(id, model.RunComplete, policy) }
	tests := []struct {
		name string
		runs []model.Run // newest first
		keep int
		want []string
	}{
		{"nothing beyond keep", []model.Run{c("r3", "d"), c("r2", "d"), c("r1", "d")}, 3, nil},
		{"oldest beyond keep", []model.Run{c("r3", "d"), c("r2", "d"), c("r1", "d")}, 2, []string{"r1"}},
		{"keep 0 keeps the latest", []model.Run{c("r2", "d"), c("r1", "d")}, 0, []string{"r1"}},
		{"running and failed are not counted nor returned",
			[]model.Run{run("r4", model.RunRunning, "d"), run("r3", model.RunFailed, "d"), c("r2", "d"), c("r1", "d")}, 1, []string{"r1"}},
		{"already pruned are not returned", []model.Run{c("r2", "d"), run("r1", model.RunPruned, "d")}, 1, nil},
		{"newest of each policy stays",
			[]model.Run{c("r5", "d"), c("r4", "d"), c("r3", "ofac"), c("r2", "ofac"), c("r1", "doj")}, 1,
			[]string{"r4", "r2"}},
		{"an edited policy is another policy",
			[]model.Run{c("r3", "d"), {ID: "r2", Status: model.RunComplete, Policy: "d", PolicyHash: "edited"}, c("r1", "d")}, 1,
			[]string{"r1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := RunsToPrune(tc.runs, tc.keep); !slices.Equal(got, tc.want) {
				t.Errorf("RunsToPrune = %v, want %v", got, tc.want)
			}
		})
	}
}
