package graph

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenScenario is a named fixture whose evidence text is pinned in testdata.
type goldenScenario struct {
	name string
	ents []model.Entity
	rels []model.Relationship
}

func goldenScenarios() []goldenScenario {
	named := func(id, name, kind, jur string) model.Entity {
		return model.Entity{ID: id, Name: name, Kind: model.EntityKind(kind), Jurisdiction: jur}
	}
	psc := band("lei:CN1", "gb-coh:001", model.Ownership, 50, 75, true, false)
	psc.Source, psc.SourceRef = "psc", "psc.jsonl:12"
	return []goldenScenario{
		{"worked-example", []model.Entity{
			named("cn:sasac", "SASAC", "state_body", "CN"),
			named("lei:HOLD", "CN-Holdco", "company", "CN"),
			named("gb-coh:JV", "JV Ltd", "company", "GB"),
			named("lei:USINC", "US Inc", "company", "US"),
			named("de:TGT", "Target GmbH", "company", "DE"),
		}, []model.Relationship{own("cn:sasac", "lei:HOLD", 60), own("lei:HOLD", "gb-coh:JV", 50),
			own("lei:USINC", "gb-coh:JV", 50), own("gb-coh:JV", "de:TGT", 100)}},
		{"aggregate-arithmetic", []model.Entity{
			named("X", "X", "company", "CN"), named("A", "A", "company", "GB"), named("B", "B", "company", "GB"),
		}, []model.Relationship{own("X", "A", 60), own("A", "B", 40), own("X", "B", 10)}},
		{"control-chain", []model.Entity{
			named("X", "X", "company", "CN"), named("A", "A", "company", "GB"), named("B", "B", "company", "GB"),
			named("C", "C", "company", "IE"),
		}, []model.Relationship{own("X", "A", 100), own("A", "B", 60), rel("B", "C", model.Branch)}},
		{"psc-bands-and-unknowns", []model.Entity{
			named("lei:CN1", "Shenzhen Holdings", "company", "CN"),
			named("gb-coh:001", "Acme UK Ltd", "company", "GB"),
			named("gb-coh:002", "Beta UK Ltd", "company", "GB"),
			named("psc:unknown:002", "Unidentified PSC of Beta UK Ltd", "unknown", ""),
			{ID: "psc:p1", Name: "Li Wei", Kind: model.Person, Nationality: []string{"CN"}},
			named("gb-coh:003", "Gamma UK Ltd", "company", "GB"),
		}, []model.Relationship{psc, rel("psc:unknown:002", "gb-coh:002", model.Ownership),
			own("gb-coh:001", "gb-coh:002", 30),
			band("psc:p1", "gb-coh:003", model.Ownership, 25, 50, true, false)}},
	}
}

func TestGoldenEvidence(t *testing.T) {
	for _, sc := range goldenScenarios() {
		t.Run(sc.name, func(t *testing.T) {
			s := mustScore(t, sc.ents, sc.rels, nil)
			var b strings.Builder
			if err := s.Each(func(r *model.Result) error {
				fmt.Fprintf(&b, "%s: %s", r.EntityID, r.Verdict)
				if r.Indeterminate {
					fmt.Fprintf(&b, " (possibly %s)", r.PossibleVerdict)
				}
				fmt.Fprintf(&b, " U=[%s, %s] V=[%s, %s] controllers=%v joint=%v\n",
					model.FormatPercent(r.ChineseShare.Min), model.FormatPercent(r.ChineseShare.Max),
					model.FormatPercent(r.ChineseVotes.Min), model.FormatPercent(r.ChineseVotes.Max),
					r.Controllers, r.JointControllers)
				fmt.Fprintf(&b, "  %s\n", r.Explanation)
				for _, ev := range r.Evidence {
					fmt.Fprintf(&b, "  - %s [%s] %s%%\n", ev.Explanation, strings.Join(ev.Path, " > "), model.FormatPercent(ev.Share))
					for _, h := range ev.Hops {
						fmt.Fprintf(&b, "      %s -%s %s-> %s (%s:%s)\n", h.HolderID, h.Kind, h.Share, h.HeldID, h.Source, h.SourceRef)
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", sc.name+".golden")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./graph -run Golden -update)", err)
			}
			if got := b.String(); got != string(want) {
				t.Errorf("evidence differs from %s:\n--- got\n%s--- want\n%s", path, got, want)
			}
		})
	}
}
