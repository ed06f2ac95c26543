package main

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/ubo-project/ubo/gen"
)

func init() { register(newGenCmd) }

func newGenCmd(g *globalOptions) *cobra.Command {
	cfg := gen.Config{}
	var out string
	var customers int
	cmd := &cobra.Command{
		Use:   "gen --entities N --out DIR",
		Short: "Generate a synthetic corporate registry as generic CSV",
		Long: `Writes DIR/entities.csv and DIR/relationships.csv in the generic CSV format
(load them with "ubo ingest csv --entities DIR/entities.csv --relationships DIR/relationships.csv").
The registry has corporate groups with power-law sizes and depth up to 10, cross-holdings, joint
ventures, PSC-style share bands, unknown holders, persons, state bodies, ended relationships and
a configurable share of Chinese-rooted groups. Companies have registry-like names (mainland Chinese
ones in Han script with their English name as an alias; some others a former name). With
--customers N it also writes DIR/customers.csv, a customer list for "ubo screen": three in four
customers are companies of the registry spelt as KYC exports spell them (other case, no legal form,
a typo, an alias, no country, or a trading name with the right identifier), the rest are not in it.
The same seed gives byte-identical files.`,
		Example: `  ubo gen --entities 100000 --out ./synthetic
  ubo gen --entities 10000000 --seed 7 --chinese-share 0.1 --out /data/gen10m
  ubo gen --entities 1000000 --customers 100000 --out /data/gen1m`,
		Args: argsChecked(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			if cfg.Entities <= 0 {
				return usagef("--entities must be a positive number")
			}
			if out == "" {
				return usagef("--out DIR is required")
			}
			if customers < 0 {
				return usagef("--customers must not be negative, got %d", customers)
			}
			if cfg.ChineseShare < 0 || cfg.ChineseShare > 1 {
				return usagef("--chinese-share must be within 0..1, got %g", cfg.ChineseShare)
			}
			start := time.Now()
			st, err := gen.WriteCSV(cfg, out)
			if err != nil {
				return err
			}
			if !g.Quiet {
				fmt.Fprintf(g.ErrOut, "gen: %d entities, %d relationships (%d ended), %d groups in %s → %s\n",
					st.Entities, st.Relationships, st.Ended, st.Groups, time.Since(start).Round(time.Millisecond), out)
			}
			if customers == 0 {
				return nil
			}
			start = time.Now()
			path := filepath.Join(out, gen.CustomersFile)
			cs, err := gen.WriteCustomers(cfg, customers, path)
			if err != nil {
				return err
			}
			if !g.Quiet {
				fmt.Fprintf(g.ErrOut, "gen: %d customers (%d in the registry, %d not) in %s → %s\n",
					cs.Customers, cs.Present, cs.Absent, time.Since(start).Round(time.Millisecond), path)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&cfg.Entities, "entities", 0, "number of entities to generate (required)")
	f.Uint64Var(&cfg.Seed, "seed", 1, "random seed; the same seed gives the same files")
	f.Float64Var(&cfg.ChineseShare, "chinese-share", gen.DefaultChineseShare, "share of corporate groups rooted in China (0..1)")
	f.StringVar(&out, "out", "", "output directory (created if missing)")
	f.IntVar(&customers, "customers", 0, "also write this many customers to DIR/customers.csv, for ubo screen")
	return cmd
}
