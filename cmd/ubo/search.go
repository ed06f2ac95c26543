package main

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"unicode"

	"github.com/spf13/cobra"
	"github.com/ubo-project/ubo/ingest/norm"
	"github.com/ubo-project/ubo/investigate"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/embedded"
)

func init() { register(newSearchCmd) }

type searchOptions struct {
	Limit int
	JSON  bool
}

type searchHit struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Kind         string `json:"kind"`
	Jurisdiction string `json:"jurisdiction"`
	Verdict      string `json:"verdict"`
	Flagged      bool   `json:"flagged"`
	// Indeterminate: the data leaves the verdict open; it could be PossibleVerdict.
	Indeterminate   bool     `json:"indeterminate"`
	PossibleVerdict string   `json:"possible_verdict,omitempty"`
	MatchedBy       string   `json:"matched_by"` // id, identifier or name
	Identifiers     []string `json:"identifiers,omitempty"`
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
			st, err := g.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close(ctx)
			_, result, err := latestResults(ctx, st)
			if err != nil {
				return err
			}
			var hits []searchHit
			seen := map[string]bool{}
			add := func(e model.Entity, by string) {
				if seen[e.ID] || len(hits) >= opts.Limit {
					return
				}
				seen[e.ID] = true
				h := searchHit{ID: e.ID, Name: e.Name, Kind: string(e.Kind), Jurisdiction: e.Jurisdiction,
					MatchedBy: by, Identifiers: e.Identifiers}
				if r, ok := result(e.ID); ok {
					h.Verdict, h.Flagged = r.Verdict, r.Flagged
					h.Indeterminate, h.PossibleVerdict = r.Indeterminate, r.PossibleVerdict
				}
				hits = append(hits, h)
			}
			for _, id := range idCandidates(text) {
				if e, err := st.Entity(ctx, id); err == nil {
					add(e, "id")
				} else if !errors.Is(err, store.ErrNotFound) {
					return fmt.Errorf("search: %w", err)
				}
			}
			for _, ident := range identifierCandidates(text) {
				es, err := st.EntitiesByIdentifier(ctx, ident)
				if err != nil {
					return fmt.Errorf("search: %w", err)
				}
				for _, e := range es {
					add(e, "identifier")
				}
			}
			// Ask for more candidates than shown and rank them here, so both
			// stores give the same order.
			es, err := st.SearchNames(ctx, text, max(4*opts.Limit, 50))
			if err != nil {
				return fmt.Errorf("search: %w", err)
			}
			for _, e := range investigate.RankNames(text, es, embedded.FoldName) {
				add(e, "name")
			}
			if opts.JSON {
				if hits == nil {
					hits = []searchHit{}
				}
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

// idCandidates is text as an entity id, and with a lower-case prefix and
// an upper-case value ("LEI:5493…" → "lei:5493…"), as ubo's own ids of
// LEIs and company numbers are written.
func idCandidates(text string) []string {
	out := []string{text}
	if prefix, value, ok := strings.Cut(text, ":"); ok && prefix != "" && value != "" {
		if alt := strings.ToLower(prefix) + ":" + strings.ToUpper(value); alt != text {
			out = append(out, alt)
		}
	}
	return out
}

// identifierCandidates guesses which identifier schemes text could be:
// SCHEME:value normalised (aliases such as LEI → XI-LEI, company numbers
// padded), else a bare LEI, USCC or Companies House number.
func identifierCandidates(text string) []string {
	t := strings.ToUpper(strings.ReplaceAll(text, " ", ""))
	if scheme, value, ok := strings.Cut(t, ":"); ok && scheme != "" && value != "" {
		if id, err := norm.ParseIdentifier(t); err == nil {
			return []string{id}
		}
		return []string{scheme + ":" + value}
	}
	var out []string
	alnum := true
	digits := true
	for _, r := range t {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			alnum = false
		}
		if !unicode.IsDigit(r) {
			digits = false
		}
	}
	if !alnum {
		return nil
	}
	switch {
	case len(t) == 20:
		out = append(out, "XI-LEI:"+t)
	case len(t) == 18:
		out = append(out, "CN-USCC:"+t)
	}
	if len(t) <= 8 {
		num := t
		if digits {
			num = strings.Repeat("0", 8-len(t)) + t
		} else if len(t) > 2 && strings.Trim(t[2:], "0123456789") == "" {
			num = t[:2] + strings.Repeat("0", 8-len(t)) + t[2:]
		}
		out = append(out, "GB-COH:"+num)
	}
	return out
}
