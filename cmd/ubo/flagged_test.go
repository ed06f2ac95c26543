package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/model"
)

// The FLAGGED column of `ubo runs` counts what the run's policy flags, not
// the default policy's four verdicts, also once the policy file is gone.
func TestRunsFlaggedColumnFollowsThePolicy(t *testing.T) {
	n := newNightly(t)
	pol := filepath.Join(n.dir, "roots-only.yaml")
	n.write(pol, "name: roots-only\nflagged: [CHINESE_ENTITY]\n")
	custom := n.score(exitOK, "--policy", pol)
	def := n.score(exitOK)
	if custom.Counts[model.VerdictChineseEntity] != 2 || def.Counts[model.VerdictOwned50] != 2 {
		t.Fatalf("counts: custom %v, default %v", custom.Counts, def.Counts)
	}
	flaggedColumn := func() map[string]string {
		t.Helper()
		code, stdout, stderr := n.ubo("runs")
		if code != 0 {
			t.Fatalf("runs: exit %d: %s", code, stderr)
		}
		out := map[string]string{}
		for _, line := range strings.Split(strings.TrimSpace(stdout), "\n")[1:] {
			// RUN STATUS STARTED(date time) POLICY AS-OF ENTITIES FLAGGED NEW CLEARED SINCE
			f := strings.Fields(line)
			if len(f) != 11 {
				t.Fatalf("runs line %q", line)
			}
			out[f[0]] = f[7]
		}
		return out
	}
	for _, when := range []string{"with the policy file", "after the policy file is removed"} {
		got := flaggedColumn()
		if got[custom.ID] != "2" || got[def.ID] != "4" {
			t.Errorf("%s: FLAGGED custom run %q (want 2: its policy flags only CHINESE_ENTITY), default run %q (want 4)",
				when, got[custom.ID], got[def.ID])
		}
		if err := os.Remove(pol); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
}

// The demo's summary counts the verdicts its run's policy flags.
func TestDemoFlaggedCountsFollowThePolicy(t *testing.T) {
	run := model.Run{Counts: map[model.Verdict]int{model.VerdictControlled: 3, model.VerdictSignificant: 2},
		FlaggedVerdicts: []model.Verdict{model.VerdictSignificant}}
	if got := formatCounts(flaggedCounts(run)); got != "SIGNIFICANT 2" {
		t.Errorf("flagged counts %q, want SIGNIFICANT 2", got)
	}
}
