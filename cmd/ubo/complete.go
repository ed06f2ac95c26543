package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/ubo-project/ubo/export"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
	"github.com/ubo-project/ubo/screen"
)

// Shell completion of flag values (`ubo completion bash|zsh|fish|powershell`
// writes the script; cobra calls `ubo __complete ...` for the values).
//
// formatValues are the --format values of each command that has the flag,
// by command path; every command with a --policy flag completes presets and
// policy files.
var formatValues = map[string][]string{
	"ubo export": export.Formats,
	"ubo screen": screen.Formats,
}

// addCompletions registers the value completions on every command of the
// tree that has the flags. Registering twice is the only way it can fail.
func addCompletions(c *cobra.Command) error {
	reg := func(flag string, fn cobra.CompletionFunc) error {
		if c.Flags().Lookup(flag) == nil {
			return nil
		}
		if err := c.RegisterFlagCompletionFunc(flag, fn); err != nil {
			return fmt.Errorf("%s --%s completion: %w", c.CommandPath(), flag, err)
		}
		return nil
	}
	if err := reg("policy", completePolicy); err != nil {
		return err
	}
	if values, ok := formatValues[c.CommandPath()]; ok {
		if err := reg("format", completeOneOf(values)); err != nil {
			return err
		}
	}
	if c.CommandPath() == "ubo screen" {
		if err := reg("input-format", completeOneOf(screen.Formats)); err != nil {
			return err
		}
	}
	if err := reg("verdict", completeList(strings.Split(model.VerdictNames(model.AllVerdicts()), ", "))); err != nil {
		return err
	}
	if c.CommandPath() == "ubo policy show" && c.ValidArgsFunction == nil {
		c.ValidArgsFunction = func(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return completePolicy(nil, nil, toComplete)
		}
	}
	for _, sub := range c.Commands() {
		if err := addCompletions(sub); err != nil {
			return err
		}
	}
	return nil
}

// completePolicy offers the built-in presets, then policy files and
// directories (no space after a directory, so the path can go on).
func completePolicy(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	values, more := policy.Completions(toComplete)
	directive := cobra.ShellCompDirectiveNoFileComp
	if more {
		directive |= cobra.ShellCompDirectiveNoSpace
	}
	return values, directive
}

// completeOneOf offers fixed values (and never file names).
func completeOneOf(values []string) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		var out []cobra.Completion
		for _, v := range values {
			if strings.HasPrefix(v, toComplete) {
				out = append(out, v)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeList offers values for a comma-separated list flag: the word
// after the last comma, among the values not already in the list (case
// ignored, as the flag ignores it).
func completeList(values []string) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		head, word := "", toComplete
		if i := strings.LastIndex(toComplete, ","); i >= 0 {
			head, word = toComplete[:i+1], toComplete[i+1:]
		}
		chosen := map[string]bool{}
		for _, v := range strings.Split(head, ",") {
			chosen[strings.ToUpper(strings.TrimSpace(v))] = true
		}
		var out []cobra.Completion
		for _, v := range values {
			if !chosen[v] && strings.HasPrefix(v, strings.ToUpper(word)) {
				out = append(out, head+v)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}
