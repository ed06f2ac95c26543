package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ubo-project/ubo/policy"
)

func init() { register(newPolicyCmd) }

func newPolicyCmd(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Show and list scoring policies (built-in presets or YAML files)",
		Long: `A policy holds every number and switch of the scoring: countries of concern, which
entities are roots, thresholds, control and influence edge kinds, as-of date, flagged verdicts
and excluded jurisdictions. Built-in presets: ` + joinPresets() + `.
A policy file is YAML; keys it leaves out keep the values of its base preset
("base: NAME", default "default"); an unknown key is an error naming its line.`,
		Args: argsChecked(cobra.NoArgs),
	}
	cmd.AddCommand(newPolicyShowCmd(g), newPolicyListCmd(g))
	return cmd
}

func joinPresets() string {
	s := ""
	for i, n := range policy.Presets() {
		if i > 0 {
			s += ", "
		}
		s += n
	}
	return s
}

func newPolicyShowCmd(g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "show [NAME|FILE]",
		Short: "Print the effective policy as YAML with its name and content hash",
		Example: `  ubo policy show
  ubo policy show doj-covered-person
  ubo policy show ./my-policy.yaml`,
		Args: argsChecked(cobra.MaximumNArgs(1)),
		RunE: func(_ *cobra.Command, args []string) error {
			name := "default"
			if len(args) == 1 {
				name = args[0]
			}
			p, err := policy.Load(name)
			if err != nil {
				return usageError{err}
			}
			body, isPreset := policy.PresetSource(name)
			source := "built-in preset"
			if !isPreset {
				source = "file " + name
				if body, err = p.YAML(); err != nil {
					return err
				}
			}
			_, err = fmt.Fprintf(g.Out, "# policy: %s\n# hash: %s\n# source: %s\n%s", p.Name, p.Hash(), source, body)
			return err
		},
	}
}

func newPolicyListCmd(g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the built-in policy presets with their hashes",
		Args:  argsChecked(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			tw := tabwriter.NewWriter(g.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tHASH\tDESCRIPTION")
			for _, n := range policy.Presets() {
				p, err := policy.Preset(n)
				if err != nil {
					return err
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", p.Name, p.Hash(), p.Description)
			}
			return tw.Flush()
		},
	}
}
