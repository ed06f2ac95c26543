package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ubo-project/ubo/bench"
	"github.com/ubo-project/ubo/gen"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
	"github.com/ubo-project/ubo/queries"
	"github.com/ubo-project/ubo/store"
)

func init() { register(newBenchCmd) }

func newBenchCmd(g *globalOptions) *cobra.Command {
	var (
		sizes       string
		policyName  string
		counts      bool
		cfg         = bench.Config{}
		baselineMax int
		neo4jURI    string
		neo4jSizes  string
		neo4jWait   time.Duration
	)
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Benchmark the scoring engine on synthetic registries against path enumeration",
		Long: `For each size, generates a synthetic registry in memory (as "ubo gen" would), builds the
graph, scores it, and prints a Markdown table: entities, edges, build time (generator excluded),
score time, peak Go memory, graph bytes per edge, process max RSS, and the baseline that users run
today: enumerating every simple ownership path from every Chinese root ([:OWNS*] / networkx
all_simple_paths), with a timeout per size, and the speed-up of the engine over it.
No database is used unless --neo4j is given.

With --neo4j URI it also runs the same enumeration in Cypher (queries/baseline) for each of
--neo4j-sizes: loads the generated registry into that Neo4j through the normal upserts, under the id
prefix "ubo-bench:" (creating ubo's schema if missing), runs the path query with a server-side
timeout of --neo4j-timeout, deletes what it loaded, and prints a second table with the speed-up
(Cypher query time over engine score time). Credentials come from NEO4J_USERNAME / NEO4J_PASSWORD,
the database from NEO4J_DATABASE. Loading 10^5 entities takes about half a minute.`,
		Example: `  ubo bench --sizes 100000,1000000
  ubo bench --sizes 10000000 --baseline-max 0
  ubo bench --sizes 10000,100000 --baseline-max 0 --neo4j bolt://127.0.0.1:7687`,
		Args: argsChecked(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if cfg.Sizes, err = parseSizes("--sizes", sizes); err != nil {
				return err
			}
			nsizes, err := parseSizes("--neo4j-sizes", neo4jSizes)
			if err != nil {
				return err
			}
			if neo4jURI != "" && !isNeo4jURI(neo4jURI) {
				return usagef("--neo4j: %q is not a neo4j:// or bolt:// URI", store.RedactURI(neo4jURI))
			}
			if neo4jWait <= 0 {
				return usagef("--neo4j-timeout: must be positive, got %s", neo4jWait)
			}
			p, err := policy.Load(policyName)
			if err != nil {
				return usageError{err}
			}
			cfg.Policy = p
			cfg.BaselineMax = baselineMax
			if cfg.Interlock == 0 {
				cfg.Interlock = -1 // the flag's 0 means none
			}
			if !g.Quiet {
				cfg.Log = g.ErrOut
			}
			fmt.Fprintf(g.Out, "policy %s (%s), seed %d, chinese share %g, interlock %g, baseline timeout %s\n\n",
				p.Name, p.Hash(), cfg.Seed, cfg.ChineseShare, max(cfg.Interlock, 0), cfg.BaselineTimeout)
			fmt.Fprintln(g.Out, bench.TableHeader)
			rows, err := bench.Run(cmd.Context(), cfg, func(r bench.Row) {
				fmt.Fprintln(g.Out, bench.FormatRow(r))
			})
			if err != nil {
				return err
			}
			if counts {
				fmt.Fprintln(g.Out)
				if err := bench.WriteCounts(g.Out, rows, model.Verdicts); err != nil {
					return err
				}
			}
			if neo4jURI == "" {
				return nil
			}
			ncfg := bench.Neo4jConfig{Timeout: neo4jWait, Store: queries.Config{URI: neo4jURI,
				Username: os.Getenv("NEO4J_USERNAME"), Password: os.Getenv("NEO4J_PASSWORD"),
				Database: os.Getenv("NEO4J_DATABASE")}}
			fmt.Fprintf(g.Out, "\nCypher baseline in Neo4j at %s (path query timeout %s)\n\n", store.RedactURI(neo4jURI), neo4jWait)
			fmt.Fprintln(g.Out, bench.Neo4jTableHeader)
			return bench.CompareNeo4j(cmd.Context(), cfg, ncfg, nsizes, rows, func(r bench.Row, n bench.Neo4jResult) {
				fmt.Fprintln(g.Out, bench.FormatNeo4jRow(r, n))
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&sizes, "sizes", "100000,1000000,10000000", "comma-separated entity counts")
	f.IntVar(&baselineMax, "baseline-max", 1000000, "run the path-enumeration baseline only up to this many entities (0: never)")
	f.DurationVar(&cfg.BaselineTimeout, "baseline-timeout", 2*time.Minute, "give up the baseline after this long per size")
	f.Uint64Var(&cfg.Seed, "seed", 1, "generator seed")
	f.Float64Var(&cfg.ChineseShare, "chinese-share", gen.DefaultChineseShare, "share of corporate groups rooted in China (0..1)")
	f.Float64Var(&cfg.Interlock, "interlock", gen.DefaultInterlock, "share of Chinese groups' subsidiaries held through two sister companies (0..1; higher means more ownership paths)")
	f.StringVar(&policyName, "policy", "default", "policy preset name or YAML file")
	f.BoolVar(&counts, "counts", true, "also print the verdict counts per size")
	f.StringVar(&neo4jURI, "neo4j", "", "also run the Cypher path-enumeration baseline in this Neo4j (bolt:// or neo4j:// URI; empty: skipped)")
	f.StringVar(&neo4jSizes, "neo4j-sizes", "10000,100000", "comma-separated entity counts for the Cypher baseline")
	f.DurationVar(&neo4jWait, "neo4j-timeout", 2*time.Minute, "server-side timeout of the Cypher path query per size")
	return cmd
}

// parseSizes reads a comma-separated list of entity counts ("10_000" allowed).
func parseSizes(flag, v string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(strings.ReplaceAll(f, "_", "")))
		if err != nil || n <= 0 {
			return nil, usagef("%s: %q is not a positive number of entities", flag, f)
		}
		out = append(out, n)
	}
	return out, nil
}
