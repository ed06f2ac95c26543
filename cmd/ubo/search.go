package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/ubo-project/ubo/investigate"
)

func init() { register(newSearchCmd) }

type searchOptions struct {
	Limit int
	JSON  bool
}

func newSearchCmd(g *globalOptions) *cobra.Command {
	opts := &searchOptions{}
	cmd := &cobra.Command{
		Use:   "search TEXT",
		Short: "Find entities by name or identifier (LEI, GB-COH number, USCC, ...)",
		Long: `Search finds entities by exact id or identifier first (an LEI, a Companies House number, a
Chinese unified social credit code, or SCHEME:value such as GB-COH:01234567), then by name:
case-, accent- and punctuation-insensitive, word order tolerant, best matches first. Each hit shows
its id, name, kind, jurisdiction and its verdict in the latest complete run.`,
		Example: `  ubo search "huawei technologies"
  ubo search 5493001KJTIIGC8Y1R12
  ubo search GB-COH:01234567 --json`,
		Args: argsChecked(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			// several words without quotes are one search text
			text := strings.TrimSpace(strings.Join(args, " "))
			if text == "" {
				return usagef("search: empty text")
			}
			if opts.Limit < 1 {
				return usagef("search: --limit %d: want 1 or more", opts.Limit)
			}
			st, err := g.openExistingStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close(ctx)
			hits, err := investigate.Search(ctx, st, text, opts.Limit)
			if err != nil {
				return fmt.Errorf("search: %w", err)
			}
			if opts.JSON {
				return writeJSON(g.Out, hits)
			}
			if len(hits) == 0 {
				fmt.Fprintf(g.ErrOut, "no entity matches %q\n", text)
				return nil
			}
			tw := tabwriter.NewWriter(g.Out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tKIND\tJURISDICTION\tVERDICT")
			for _, h := range hits {
				v := h.Verdict
				if v == "" {
					v = "(not scored)"
				} else if h.Flagged {
					v += " ⚑"
				}
				if h.Indeterminate {
					v += " (could be " + h.PossibleVerdict + ")"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", h.ID, h.Name, h.Kind, orDash(h.Jurisdiction), v)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().IntVar(&opts.Limit, "limit", 20, "show at most this many hits")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the hits as JSON")
	return cmd
}
