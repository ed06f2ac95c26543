package main

import (
	"bufio"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/ubo-project/ubo/store"
)

func init() { register(newDBCmd) }

func newDBCmd(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "db",
		Short: "Create, inspect, repack or empty the store",
	}
	cmd.AddCommand(newDBInitCmd(g), newDBStatusCmd(g), newDBResetCmd(g), newDBRepackCmd(g))
	return cmd
}

func newDBInitCmd(g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "init",
		Short: "Create the schema: constraints and indexes (idempotent)",
		Args:  argsChecked(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			st, err := g.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close(ctx)
			if err := st.Init(ctx); err != nil {
				return fmt.Errorf("db init: %w", err)
			}
			fmt.Fprintf(g.Out, "initialised %s store at %s\n", st.Backend(), redactURI(g.DB))
			return nil
		},
	}
}

type dbStatusOptions struct{ JSON, Check bool }

func newDBStatusCmd(g *globalOptions) *cobra.Command {
	opts := &dbStatusOptions{}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Say whether the store is reachable, its version, and counts by kind",
		Long: `Status opens the store and counts its entities, relationships and runs. An embedded store file
that is damaged (truncated, overwritten, not a database) is reported as corrupt with exit 3, naming
the file. The counts read only the tables they count: --check also reads and verifies every page of
an embedded store file (SQLite's quick_check; about as long as reading the whole file), which finds
a damaged page anywhere. Neo4j checks its own store (neo4j-admin database check).`,
		Example: `  ubo db status
  ubo --db /data/ubo.db db status --check --json`,
		Args: argsChecked(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			st, err := g.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close(ctx)
			s, err := st.Status(ctx)
			if err != nil {
				return fmt.Errorf("db status: %w", err)
			}
			if opts.Check {
				c, ok := st.(store.Checker)
				if !ok {
					return usagef("db status --check: the %s store has no check of its own files (Neo4j: neo4j-admin database check)", st.Backend())
				}
				if err := c.Check(ctx); err != nil {
					return fmt.Errorf("db status --check: %w", err)
				}
				s.Check = "ok"
			}
			if opts.JSON {
				return writeJSON(g.Out, s)
			}
			printStatus(g, s)
			return nil
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the status as JSON")
	cmd.Flags().BoolVar(&opts.Check, "check", false, "also verify every page of an embedded store file (reads the whole file)")
	return cmd
}

func printStatus(g *globalOptions, s store.Status) {
	fmt.Fprintf(g.Out, "store:    %s (%s) — reachable\n", s.Backend, redactURI(s.Location))
	fmt.Fprintf(g.Out, "version:  %s\n", s.ServerVersion)
	printCounts(g, "entities", s.Entities)
	printCounts(g, "relationships", s.Relationships)
	fmt.Fprintf(g.Out, "runs:     %d\n", s.Runs)
	if s.Check != "" {
		fmt.Fprintf(g.Out, "check:    %s\n", s.Check)
	}
}

func printCounts(g *globalOptions, title string, m map[string]int) {
	total := 0
	keys := make([]string, 0, len(m))
	for k, v := range m {
		keys = append(keys, k)
		total += v
	}
	sort.Strings(keys)
	fmt.Fprintf(g.Out, "%s: %d\n", title, total)
	for _, k := range keys {
		fmt.Fprintf(g.Out, "  %-18s %d\n", k, m[k])
	}
}

type dbResetOptions struct{ Force bool }

func newDBResetCmd(g *globalOptions) *cobra.Command {
	opts := &dbResetOptions{}
	cmd := &cobra.Command{
		Use:   "reset",
		Short: "Delete all ubo data (asks first unless --force)",
		Args:  argsChecked(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if !opts.Force {
				fmt.Fprintf(g.ErrOut, "Delete ALL ubo data in %s? Type 'yes' to continue: ", redactURI(g.DB))
				line, _ := bufio.NewReader(g.In).ReadString('\n')
				if strings.TrimSpace(line) != "yes" {
					return usagef("db reset: not confirmed (type 'yes', or pass --force)")
				}
			}
			st, err := g.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close(ctx)
			if err := st.Reset(ctx); err != nil {
				return fmt.Errorf("db reset: %w", err)
			}
			fmt.Fprintf(g.Out, "reset %s store at %s\n", st.Backend(), redactURI(g.DB))
			return nil
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "do not ask for confirmation")
	return cmd
}

// redactURI hides any password embedded in a URI before it is printed.
func redactURI(s string) string {
	if i := strings.Index(s, "://"); i >= 0 {
		if at := strings.LastIndex(s, "@"); at > i {
			return s[:i+3] + "***@" + s[at+1:]
		}
	}
	return s
}
