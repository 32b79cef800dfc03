package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/eqlx/eqlx/ir"
)

// targets are the values of --to, in the order help lists them.
var targets = []string{"ir", "falco", "sigma", "go"}

// errNotBuilt is what a target answers until its backend lands.
var errNotBuilt = errors.New("not built yet")

// emit renders the compiled rules for a target. A backend plugs in with one
// case here.
func emit(to string, rules []*ir.Rule) ([]byte, error) {
	switch to {
	case "ir":
		return emitIR(rules), nil
	case "falco", "sigma", "go":
		return nil, errNotBuilt
	}
	return nil, usagef("--to %q: want one of %s", to, strings.Join(targets, ", "))
}

func newConvert(e *env) *cobra.Command {
	var (
		in  inputFlags
		to  string
		out string
	)
	cmd := &cobra.Command{
		Use:   "convert --to TARGET [paths...]",
		Short: "Convert rules to another language (ir, falco, sigma, go)",
		Long: `convert reads rule files and directories (walked recursively) and writes
the rules that compile in the target language to stdout or, with -o, to a
file (written atomically: a failed run never leaves a partial file). Rules
that fail are reported on stderr; the others are still converted.

Targets: ir (eqlx's canonical EQL form of the IR), falco, sigma, go.`,
		Example: "  eqlx convert --to ir rules/\n  eqlx convert --to ir -o rules.eql rules/",
		RunE: func(cmd *cobra.Command, args []string) error {
			if !contains(targets, to) {
				return usagef("--to %q: want one of %s", to, strings.Join(targets, ", "))
			}
			input, err := load(cmd, e, args, &in)
			if err != nil {
				return err
			}
			data, err := emit(to, input.res.Rules)
			if errors.Is(err, errNotBuilt) {
				fmt.Fprintf(e.stderr, "eqlx convert --to %s: not built yet\n", to)
				return exitError{exitUsage}
			} else if err != nil {
				return err
			}
			for _, f := range input.res.Failed {
				for _, d := range f.Diags {
					if d.Severity == ir.Error {
						fmt.Fprintln(e.stderr, render(d, input.sources[f.File]))
					}
				}
			}
			if out == "" || out == "-" {
				if _, err := e.stdout.Write(data); err != nil {
					return exitErrorf(e, exitFailed, "eqlx: %v", err)
				}
			} else if err := writeAtomic(out, data); err != nil {
				return exitErrorf(e, exitFailed, "eqlx: %v", err)
			}
			if len(input.res.Failed) > 0 {
				fmt.Fprintf(e.stderr, "eqlx: %d of %d rules failed and were left out\n", len(input.res.Failed), input.res.Total())
			}
			return exitError{input.code()}
		},
	}
	in.register(cmd.Flags())
	cmd.Flags().StringVar(&to, "to", "", "target: "+strings.Join(targets, ", ")+" (required)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to FILE instead of stdout")
	_ = cmd.MarkFlagRequired("to")
	_ = cmd.RegisterFlagCompletionFunc("to", cobra.FixedCompletions(targets, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// emitIR prints each rule's IR after a comment that names it.
func emitIR(rules []*ir.Rule) []byte {
	var b strings.Builder
	for i, r := range rules {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "// %s: %s (%s)\n", r.Meta.File, r.Meta.Name, r.Meta.RuleID)
		b.WriteString(strings.TrimRight(ir.Print(r.Query), "\n"))
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// writeAtomic writes data to path through a temporary file in the same
// directory and a rename, so readers never see a partial file.
func writeAtomic(path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// exitErrorf prints a message and returns the exit code to leave with.
func exitErrorf(e *env, code int, format string, args ...any) error {
	fmt.Fprintf(e.stderr, format+"\n", args...)
	return exitError{code}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
