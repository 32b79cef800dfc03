package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eqlx/eqlx/frontend"
)

// inputFlags are the flags of every command that reads rules.
type inputFlags struct {
	format                 string
	name, ruleID, severity string
	categoryField          string
}

func (f *inputFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.format, "input-format", "auto", "input format: auto, toml, ndjson or eql")
	fs.StringVar(&f.name, "name", "", "rule name for raw EQL input (default: the file stem)")
	fs.StringVar(&f.ruleID, "rule-id", "", "rule_id for raw EQL input (default: a UUID derived from the name)")
	fs.StringVar(&f.severity, "severity", "", `severity for raw EQL input (default "medium")`)
	fs.StringVar(&f.categoryField, "event-category-override", "", "field that the category word of raw EQL input tests (default event.category)")
}

func (f *inputFlags) options(stdin io.Reader) (frontend.Options, error) {
	format, ok := frontend.ParseFormat(f.format)
	if !ok {
		return frontend.Options{}, usagef("--input-format %q: want auto, toml, ndjson or eql", f.format)
	}
	return frontend.Options{
		Format: format, Name: f.name, RuleID: f.ruleID, Severity: f.severity,
		CategoryField: f.categoryField, Stdin: stdin,
	}, nil
}

// input is the rules read for one command, with the bytes of every source
// so that diagnostics can quote the offending line.
type input struct {
	res     frontend.Result
	sources map[string][]byte
	// unreadable is set when a path could not be read (already reported).
	unreadable bool
}

// load reads and compiles the rules at paths ("-" is stdin). Unreadable paths
// are reported to stderr and the others still compiled.
func load(cmd *cobra.Command, e *env, paths []string, f *inputFlags) (*input, error) {
	if len(paths) == 0 {
		return nil, usagef("%s: no input: name rule files or directories, or - for stdin", cmd.CommandPath())
	}
	opt, err := f.options(e.stdin)
	if err != nil {
		return nil, err
	}
	in := &input{sources: map[string][]byte{}}
	files, err := frontend.Expand(paths)
	if err != nil {
		for _, err := range splitErrors(err) {
			fmt.Fprintf(e.stderr, "eqlx: %v\n", err)
		}
		in.unreadable = true
	}
	srcs := make([]frontend.Source, 0, len(files))
	for _, name := range files {
		var data []byte
		if name == "-" {
			data, err = io.ReadAll(e.stdin)
		} else {
			data, err = os.ReadFile(name)
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "eqlx: %v\n", err)
			in.unreadable = true
			continue
		}
		in.sources[name] = data
		srcs = append(srcs, frontend.Source{Name: name, Data: data})
	}
	in.res = frontend.CompileSources(srcs, opt)
	return in, nil
}

// code is the exit code for what was read: unreadable paths are a usage
// error, failed rules a failure.
func (in *input) code() int {
	switch {
	case in.unreadable:
		return exitUsage
	case len(in.res.Failed) > 0:
		return exitFailed
	}
	return exitOK
}

// splitErrors undoes errors.Join, so that each error gets its own "eqlx:" line.
func splitErrors(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
