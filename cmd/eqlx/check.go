package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/eqlx/eqlx/frontend"
	"github.com/eqlx/eqlx/ir"
)

func newCheck(e *env) *cobra.Command {
	var (
		in      inputFlags
		format  string
		verbose bool
	)
	cmd := &cobra.Command{
		Use:   "check [paths...]",
		Short: "Parse and lower every rule; report the ones that fail",
		Long: `check reads rule files and directories (walked recursively), parses and
lowers every EQL rule, and prints one entry per failing rule with its
position, then a summary. Rules in other languages are skipped and counted.`,
		Example: "  eqlx check rules/\n  eqlx check --format json rules/ export.ndjson\n  echo 'process where process.name == \"nc\"' | eqlx check -",
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usagef("--format %q: want text or json", format)
			}
			input, err := load(cmd, e, args, &in)
			if err != nil {
				return err
			}
			if format == "json" {
				err = checkJSON(e, input)
			} else {
				checkText(e, input, verbose)
			}
			if err != nil {
				return err
			}
			return exitError{input.code()}
		},
	}
	in.register(cmd.Flags())
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "also print warnings")
	return cmd
}

// checkText prints each failing rule's errors (and, verbose, every warning),
// then the summary line.
func checkText(e *env, in *input, verbose bool) {
	res := in.res
	for _, f := range res.Failed {
		// One entry per failing rule: its first error; -v shows the rest.
		shown, hidden := 0, 0
		for _, d := range f.Diags {
			switch {
			case verbose || d.Severity == ir.Error && shown == 0:
				fmt.Fprintln(e.stdout, render(d, in.sources[f.File]))
				shown++
			case d.Severity == ir.Error:
				hidden++
			}
		}
		if hidden > 0 {
			fmt.Fprintf(e.stdout, " | and %d more error(s) in this rule (-v or --format json shows them)\n", hidden)
		}
	}
	if verbose {
		for _, r := range res.Rules {
			for _, d := range r.Diags {
				fmt.Fprintln(e.stdout, render(d, in.sources[r.Meta.File]))
			}
		}
	}
	fmt.Fprintln(e.stdout, summary(res))
}

// summary is the closing line of check: "N rules: P ok, F failed, S skipped (not EQL)".
func summary(res frontend.Result) string {
	return fmt.Sprintf("%s: %d ok, %d failed, %d skipped (not EQL)",
		count(res.Total(), "rule"), len(res.Rules), len(res.Failed), len(res.Skipped))
}

// checkReport is the JSON form of check's output.
type checkReport struct {
	Summary struct {
		Rules   int `json:"rules"`
		OK      int `json:"ok"`
		Failed  int `json:"failed"`
		Skipped int `json:"skipped"`
	} `json:"summary"`
	Failed   []frontend.Failure `json:"failed"`
	Skipped  []frontend.Skipped `json:"skipped"`
	Warnings []ruleWarnings     `json:"warnings"`
}

// ruleWarnings lists the warnings of one rule that compiled.
type ruleWarnings struct {
	File     string         `json:"file"`
	RuleID   string         `json:"rule_id"`
	Name     string         `json:"name"`
	Warnings ir.Diagnostics `json:"warnings"`
}

func checkJSON(e *env, in *input) error {
	res := in.res
	var rep checkReport
	rep.Summary.Rules, rep.Summary.OK, rep.Summary.Failed, rep.Summary.Skipped = res.Total(), len(res.Rules), len(res.Failed), len(res.Skipped)
	rep.Failed = append([]frontend.Failure{}, res.Failed...)
	rep.Skipped = append([]frontend.Skipped{}, res.Skipped...)
	rep.Warnings = []ruleWarnings{}
	for _, r := range res.Rules {
		if len(r.Diags) > 0 {
			rep.Warnings = append(rep.Warnings, ruleWarnings{File: r.Meta.File, RuleID: r.Meta.RuleID, Name: r.Meta.Name, Warnings: r.Diags})
		}
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}
