package main

import (
	"fmt"
	"net"
	"os"

	"github.com/spf13/cobra"
	"github.com/ubo-project/ubo/match"
	"github.com/ubo-project/ubo/policy"
	"github.com/ubo-project/ubo/screen"
	"github.com/ubo-project/ubo/server"
	"github.com/ubo-project/ubo/store"
)

func init() { register(newServeCmd) }

type serveOptions struct {
	Listen   string
	MaxBatch int
	Policy   string
}

func newServeCmd(g *globalOptions) *cobra.Command {
	opts := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the HTTP API for KYC systems and the investigators' web page",
		Long: `Serve answers a read-only JSON API under /api/v1 and the investigators' web page at /, from
the store and its latest complete scoring run:

  POST /api/v1/match              screen a batch of customers (as ubo screen does)
  GET  /api/v1/entities/{id}      the explain view: verdict, shares, evidence, aliases
  GET  /api/v1/entities/{id}/graph?up=N&down=M   the ownership neighbourhood, bounded
  GET  /api/v1/search?q=TEXT      entities by name or identifier
  GET  /api/v1/runs, /api/v1/healthz, /api/v1/openapi.json, /metrics (Prometheus)

The page searches by any name or identifier, shows an entity's verdict, shares, explanation and
evidence beside its ownership graph, and screens a pasted or uploaded customer CSV.

It listens on 127.0.0.1:8080 by default. Any other address must be guarded: set UBO_API_TOKEN,
and every API and metrics request then needs "Authorization: Bearer $UBO_API_TOKEN" (without it,
serve refuses to start). The server never writes to the store; a batch screened after a new run
completes gets that run's verdicts. SIGINT or SIGTERM stops it gracefully.`,
		Example: `  ubo serve
  ubo serve --db bolt://127.0.0.1:7687
  UBO_API_TOKEN=$(openssl rand -hex 32) ubo serve --listen 0.0.0.0:8080`,
		Args: argsChecked(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return runServe(cmd, g, opts) },
	}
	f := cmd.Flags()
	f.StringVar(&opts.Listen, "listen", "127.0.0.1:8080", "address to listen on (host:port); not loopback only with UBO_API_TOKEN set")
	f.IntVar(&opts.MaxBatch, "max-batch", server.DefaultMaxBatch, "most customers in one POST /api/v1/match")
	f.StringVar(&opts.Policy, "policy", "default", "policy whose screening thresholds POST /match applies (built-in name or YAML file)")
	return cmd
}

func runServe(cmd *cobra.Command, g *globalOptions, opts *serveOptions) error {
	ctx := cmd.Context()
	token := os.Getenv("UBO_API_TOKEN")
	if err := server.CheckListen(opts.Listen, token); err != nil {
		return usageError{fmt.Errorf("serve: %w", err)}
	}
	if opts.MaxBatch < 1 {
		return usagef("serve: --max-batch must be at least 1")
	}
	pol, err := policy.Load(opts.Policy)
	if err != nil {
		return usageError{fmt.Errorf("serve: %w", err)}
	}
	return g.withStore(ctx, func(st store.Store) error {
		th := match.Thresholds{Match: pol.Screening.Match, Review: pol.Screening.Review, TieMargin: pol.Screening.TieMargin}
		h := server.New(server.Options{Store: st, Screener: screen.NewLatest(st, th), Token: token,
			MaxBatch: opts.MaxBatch, Log: g.logger()})
		err = server.Serve(ctx, opts.Listen, h, func(a net.Addr) {
			fmt.Fprintf(g.ErrOut, "ubo serve: the page is at http://%s/ and the API under http://%s/api/v1 (Ctrl-C stops)\n", a, a)
		})
		if err != nil {
			return fmt.Errorf("serve: %w", err)
		}
		return nil
	})
}
