package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/eqlx/eqlx/backends/native/gogen"
	"github.com/eqlx/eqlx/ir"
)

// convertFlags are the flags of convert.
type convertFlags struct {
	in         inputFlags
	to         string
	out        string
	check      string
	strict     bool
	report     string
	reportFile string
	target     targetOptions
}

func newConvert(e *env) *cobra.Command {
	var f convertFlags
	cmd := &cobra.Command{
		Use:   "convert --to TARGET [flags] [paths...]",
		Short: "Convert rules to another language (ir, falco, sigma, go)",
		Long: `convert reads rule files and directories (walked recursively) and writes
the rules that compile in the target language to stdout or, with -o, to a
file or directory. Output is written atomically: every file goes to a
temporary file first and is renamed into place only when all of them are
written, so a failed run never leaves a partial file. Rules that fail to
compile are reported on stderr; the others are still converted.

Targets:
  ir     eqlx's canonical EQL form of the IR (-o FILE)
  falco  a Falco rules file (-o FILE)
  sigma  Sigma rules: one file per rule with -o DIR, one multi-document
         stream on stdout or with -o FILE.yml
  go     a Go package (-o DIR; without -o the files are printed as txtar)

Every rule the target cannot express exactly is listed on stderr as
"file:line: name: fidelity: reason (code)". --strict makes that a failure
(exit 1, nothing written). --report json|sarif writes the per-rule report
to --report-file (default: stdout, when -o frees it).

--check PATH regenerates in memory and compares with PATH instead of
writing: a unified diff per differing file on stdout and exit 1 on any
drift (a changed, missing or no-longer-generated file), exit 0 when
identical. In a directory, only the files the target writes count (*.yml
for sigma, non-test *.go for go); -o DIR removes those that are no longer
generated, so that -o and --check always agree.

Exit codes: 0 ok; 1 a rule failed, --strict refused a rule, --check found
drift, or the output could not be written; 2 usage error.`,
		Example: `  eqlx convert --to ir rules/
  eqlx convert --to sigma -o sigma/ rules/
  eqlx convert --to sigma --check golden/sigma rules/
  eqlx convert --to go --package eqlxrules -o golden/go/eqlxrules rules/
  eqlx convert --to sigma --strict --report sarif --report-file eqlx.sarif -o sigma/ rules/`,
		RunE: func(cmd *cobra.Command, args []string) error { return runConvert(cmd, e, &f, args) },
	}
	fs := cmd.Flags()
	f.in.register(fs)
	fs.StringVar(&f.to, "to", "", "target: "+strings.Join(targets, ", ")+" (required)")
	fs.StringVarP(&f.out, "output", "o", "", "write to FILE or DIR instead of stdout (atomically)")
	fs.StringVar(&f.check, "check", "", "compare the output with PATH (file or directory); print a diff and exit 1 on drift")
	fs.BoolVar(&f.strict, "strict", false, "fail (exit 1, write nothing) when a rule is not converted exactly")
	fs.StringVar(&f.report, "report", "", "write the per-rule fidelity report: json or sarif")
	fs.StringVar(&f.reportFile, "report-file", "", "where --report goes (- is stdout; default stdout when -o is given)")
	fs.StringVar(&f.target.sigmaFields, "sigma-fields", "taxonomy", "sigma field names: taxonomy or ecs")
	fs.StringVar(&f.target.fieldMap, "field-map", "", "YAML file that extends and overrides the built-in ECS field map (falco, sigma)")
	fs.StringVar(&f.target.falcoVersion, "falco-version", "current", "falco rendering: current, or portable (also the legacy engine of sysdig 0.29)")
	fs.StringVar(&f.target.pkg, "package", "", "go: name of the generated package (default "+gogen.DefaultPackage+")")
	_ = cmd.MarkFlagRequired("to")
	_ = cmd.RegisterFlagCompletionFunc("to", cobra.FixedCompletions(targets, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("report", cobra.FixedCompletions(reportFormats, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("sigma-fields", cobra.FixedCompletions([]string{"taxonomy", "ecs"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("falco-version", cobra.FixedCompletions([]string{"current", "portable"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// runConvert is convert: flags are checked before any rule is read, the
// report is written before --strict or --check can fail (CI uploads it
// either way), and output is written last.
func runConvert(cmd *cobra.Command, e *env, f *convertFlags, args []string) error {
	if !contains(targets, f.to) {
		return usagef("--to %q: want one of %s", f.to, strings.Join(targets, ", "))
	}
	if f.out != "" && f.check != "" {
		return usagef("-o and --check exclude each other: --check compares with PATH instead of writing")
	}
	toStdout := f.out == "" || f.out == "-"
	if f.report != "" {
		if !contains(reportFormats, f.report) {
			return usagef("--report %q: want json or sarif", f.report)
		}
		if f.reportFile == "" || f.reportFile == "-" {
			if toStdout {
				return usagef("--report %s: stdout carries the output; give --report-file FILE (or -o)", f.report)
			}
			f.reportFile = "-"
		}
	} else if f.reportFile != "" {
		return usagef("--report-file needs --report json or sarif")
	}
	if err := f.target.setup(f.to, f.out, f.check); err != nil {
		return err
	}
	input, err := load(cmd, e, args, &f.in)
	if err != nil {
		return err
	}
	out, err := emit(f.to, input.res.Rules, &f.target)
	if err != nil {
		return err
	}
	for _, fl := range input.res.Failed {
		for _, d := range fl.Diags {
			if d.Severity == ir.Error {
				fmt.Fprintln(e.stderr, render(d, input.sources[fl.File]))
			}
		}
	}
	fidelityLines(e.stderr, f.to, out.rep, input.res.Rules)
	if len(input.res.Failed) > 0 {
		fmt.Fprintf(e.stderr, "eqlx: %d of %d rules failed and were left out\n", len(input.res.Failed), input.res.Total())
	}

	if f.report != "" {
		var data []byte
		if f.report == "json" {
			data, err = jsonReport(out.rep)
		} else {
			data, err = sarifReport(f.to, out.rep, input.res.Rules, input.res.Failed)
		}
		if err == nil && f.reportFile == "-" {
			_, err = e.stdout.Write(data)
		} else if err == nil {
			err = writeAtomic(f.reportFile, data)
		}
		if err != nil {
			return exitErrorf(e, exitFailed, "eqlx: --report-file: %v", err)
		}
	}
	if f.strict && strictFails(out.rep) {
		n := out.rep.Counts()
		return exitErrorf(e, exitFailed, "eqlx: --strict: %d approximate and %d unsupported rules; nothing written",
			n[ir.Approximate], n[ir.Unsupported])
	}

	switch {
	case f.check != "":
		if st, err := os.Stat(f.check); err == nil && st.IsDir() && !out.dir && len(out.files) == 1 {
			f.check = filepath.Join(f.check, out.files[0].Path) // --check DIR for a one-file target
		}
		n, err := drift(e.stdout, f.check, out.files, !out.dir, out.owned)
		if err != nil {
			return exitErrorf(e, exitFailed, "eqlx: --check: %v", err)
		}
		if n > 0 {
			return exitErrorf(e, exitFailed, "eqlx: --check: %d file(s) differ from %s; regenerate them with -o %s", n, f.check, f.check)
		}
		fmt.Fprintf(e.stderr, "eqlx: --check: %s is up to date\n", f.check)
	case toStdout:
		data := txtar(out.files)
		if !out.dir && len(out.files) == 1 {
			data = out.files[0].Data
		}
		if _, err := e.stdout.Write(data); err != nil {
			return exitErrorf(e, exitFailed, "eqlx: %v", err)
		}
	case out.dir:
		removed, err := writeDirAtomic(osFS{}, f.out, out.files, out.owned)
		for _, name := range removed {
			fmt.Fprintf(e.stderr, "eqlx: removed %s (no longer generated)\n", filepath.Join(f.out, name))
		}
		if err != nil {
			return exitErrorf(e, exitFailed, "eqlx: %v", err)
		}
	default:
		var data []byte
		if len(out.files) > 0 {
			data = out.files[0].Data
		}
		if st, err := os.Stat(f.out); err == nil && st.IsDir() && len(out.files) == 1 {
			f.out = filepath.Join(f.out, out.files[0].Path) // -o DIR for a one-file target
		}
		if err := writeAtomic(f.out, data); err != nil {
			return exitErrorf(e, exitFailed, "eqlx: %v", err)
		}
	}
	return exitError{input.code()}
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
