package main

import (
	"bufio"
	"context"
	"fmt"
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
			return runDBInit(cmd.Context(), g)
		},
	}
}

// runDBInit is `ubo db init` without cobra.
func runDBInit(ctx context.Context, g *globalOptions) error {
	return g.withNewStore(ctx, func(st store.Store) error {
		if err := st.Init(ctx); err != nil {
			return fmt.Errorf("db init: %w", err)
		}
		_, err := fmt.Fprintf(g.Out, "initialised %s store at %s\n", st.Backend(), store.RedactURI(g.DB))
		return err
	})
}

type dbStatusOptions struct{ JSON bool }

func newDBStatusCmd(g *globalOptions) *cobra.Command {
	opts := &dbStatusOptions{}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Say whether the store is reachable, its version, and counts by kind",
		Args:  argsChecked(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDBStatus(cmd.Context(), g, *opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the status as JSON")
	return cmd
}

// runDBStatus is `ubo db status` without cobra.
func runDBStatus(ctx context.Context, g *globalOptions, opts dbStatusOptions) error {
	return g.withStore(ctx, func(st store.Store) error {
		s, err := st.Status(ctx)
		if err != nil {
			return fmt.Errorf("db status: %w", err)
		}
		if opts.JSON {
			return writeJSON(g.Out, s)
		}
		return s.WriteText(g.Out)
	})
}

type dbResetOptions struct{ Force bool }

func newDBResetCmd(g *globalOptions) *cobra.Command {
	opts := &dbResetOptions{}
	cmd := &cobra.Command{
		Use:   "reset",
		Short: "Delete all ubo data (asks first unless --force)",
		Args:  argsChecked(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDBReset(cmd.Context(), g, *opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "do not ask for confirmation")
	return cmd
}

// runDBReset is `ubo db reset` without cobra: it asks on g.In first
// unless opts.Force.
func runDBReset(ctx context.Context, g *globalOptions, opts dbResetOptions) error {
	if !opts.Force {
		fmt.Fprintf(g.ErrOut, "Delete ALL ubo data in %s? Type 'yes' to continue: ", store.RedactURI(g.DB))
		line, _ := bufio.NewReader(g.In).ReadString('\n')
		if strings.TrimSpace(line) != "yes" {
			return usagef("db reset: not confirmed (type 'yes', or pass --force)")
		}
	}
	return g.withStore(ctx, func(st store.Store) error {
		if err := st.Reset(ctx); err != nil {
			return fmt.Errorf("db reset: %w", err)
		}
		_, err := fmt.Fprintf(g.Out, "reset %s store at %s\n", st.Backend(), store.RedactURI(g.DB))
		return err
	})
}
