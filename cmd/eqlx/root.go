package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// Exit codes. They are part of the CLI's contract for CI jobs.
const (
	exitOK     = 0 // every rule compiled
	exitFailed = 1 // at least one rule failed; the others were processed
	exitUsage  = 2 // bad flags or arguments, unreadable paths or field maps
)

// exitError carries an exit code out of a command. Its message, if any, has
// been printed already.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// usageError marks an error the user can fix by changing the command line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// env is what a command may touch besides its flags.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// run runs eqlx with args (without the program name) and returns the exit
// code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRoot(e)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	var ee exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	}
	// Everything else cobra or a command reports is about the command line.
	fmt.Fprintf(stderr, "eqlx: %v\nRun 'eqlx --help' for usage.\n", err)
	return exitUsage
}

// newRoot builds the command tree; every call gives a fresh tree, so tests
// do not share flag state.
func newRoot(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "eqlx",
		Short: "Convert Elastic EQL detection rules to Falco, Sigma and Go",
		Long: `eqlx reads Elastic EQL detection rules (detection-rules TOML, Kibana NDJSON
exports, raw .eql files or stdin), lowers them to one IR with Elasticsearch's
semantics, and converts them for other engines.

Exit codes: 0 all rules ok, 1 some rule failed, 2 usage error.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newCheck(e), newConvert(e), newEvalCmd(), newFields(e), newGenCmd(), newVersion(e))
	return root
}
