package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/eqlx/eqlx/backends/native"
	"github.com/eqlx/eqlx/frontend"
	"github.com/eqlx/eqlx/ir"
)

// evalOptions is everything `eqlx eval` needs; flags fill it, tests build it.
type evalOptions struct {
	Rules      []string // rule files or directories
	Events     []string // event files; "-" or none means stdin
	Workers    int
	Strict     bool
	MaxState   int
	NoProgress bool
	MaxReports int // bad lines reported one by one before only counting
}

// newEvalCmd is `eqlx eval`.
func newEvalCmd() *cobra.Command {
	o := &evalOptions{}
	cmd := &cobra.Command{
		Use:   "eval --rules PATH... [events.ndjson ...|-]",
		Short: "Run rules over NDJSON ECS events and print one alert per match",
		Long: `eval evaluates EQL rules over NDJSON ECS events (one JSON object per line,
nested objects or dotted keys, optionally gzip-compressed) with Elasticsearch
EQL semantics, and prints one NDJSON alert per match on stdout: the rule's
rule_id, name, severity and file, the matched event or events as raw JSON,
and the join keys of a sequence or sample. Counts per rule go to stderr at
the end. Event files are read in order as one stream; "-" or no file reads
stdin.

A line that is not JSON, or a referenced field of the wrong type, is
reported on stderr with its line number and counted; evaluation goes on
(--strict stops at the first one, exit 1: the input ends with that line).
The output does not depend on --workers.

Examples:
  eqlx eval --rules rules/ events.ndjson
  zcat events.ndjson.gz | eqlx eval --rules rules/nc.toml --workers 2 -`,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Events = args
			return runEval(cmd, o)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&o.Rules, "rules", nil, "rule file or directory (repeatable)")
	f.IntVar(&o.Workers, "workers", 1, "goroutines decoding events and running single-event rules")
	f.BoolVar(&o.Strict, "strict", false, "stop at the first bad input line (exit 1)")
	f.IntVar(&o.MaxState, "max-state", native.DefaultMaxState, "pending sequences (or sample groups) kept per rule; the oldest is dropped beyond it")
	f.BoolVar(&o.NoProgress, "no-progress", false, "never print a progress line")
	f.IntVar(&o.MaxReports, "max-reports", 100, "bad lines reported one by one; the rest are only counted")
	return cmd
}

// runEval compiles the rules, evaluates the events and writes alerts.
func runEval(cmd *cobra.Command, o *evalOptions) error {
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	if len(o.Rules) == 0 {
		return usagef("eval: no rules: give --rules PATH")
	}
	if o.Workers < 1 {
		return usagef("eval: --workers %d: want 1 or more", o.Workers)
	}
	if o.MaxState < 1 {
		return usagef("eval: --max-state %d: want 1 or more", o.MaxState)
	}
	res, err := frontend.CompileFiles(o.Rules, frontend.Options{Stdin: cmd.InOrStdin()})
	if err != nil {
		fmt.Fprintf(stderr, "eqlx: %v\n", err)
		return exitError{exitUsage}
	}
	failed := len(res.Failed) > 0
	for _, f := range res.Failed {
		for _, d := range f.Diags {
			fmt.Fprintf(stderr, "eqlx: %s\n", diagText(f.File, d))
		}
	}
	prog, diags := native.Compile(res.Rules, native.Options{MaxState: o.MaxState})
	for _, d := range diags {
		fmt.Fprintf(stderr, "eqlx: %s\n", diagText("", d))
		failed = failed || d.Severity == ir.Error
	}
	rules := prog.Rules()

	// Inputs, opened up front so that a missing file is reported before any
	// output.
	names := o.Events
	if len(names) == 0 {
		names = []string{"-"}
	}
	var inputs []native.Input
	var total int64
	var counted atomic.Int64
	for _, n := range names {
		if n == "-" {
			inputs = append(inputs, native.Input{Name: "-", R: cmd.InOrStdin()})
			total = -1
			continue
		}
		fh, err := os.Open(n)
		if err != nil {
			fmt.Fprintf(stderr, "eqlx: %v\n", err)
			return exitError{exitUsage}
		}
		defer fh.Close()
		if st, err := fh.Stat(); err == nil && st.Mode().IsRegular() && total >= 0 {
			total += st.Size()
		} else {
			total = -1
		}
		inputs = append(inputs, native.Input{Name: n, R: &countingReader{r: fh, n: &counted}})
	}

	// Alerts: one line each; the per-rule prefix is rendered once.
	out := bufio.NewWriterSize(stdout, 1<<16)
	prefix := make([][]byte, len(rules))
	for i, r := range rules {
		prefix[i] = alertPrefix(r)
	}
	var line []byte
	emit := func(m native.Match) {
		line = append(line[:0], prefix[m.Rule]...)
		for i, ev := range m.Events {
			if i > 0 {
				line = append(line, ',')
			}
			line = append(line, ev...)
		}
		line = append(line, ']')
		if len(m.Keys) > 0 {
			line = append(line, `,"keys":[`...)
			for i, k := range m.Keys {
				if i > 0 {
					line = append(line, ',')
				}
				line = appendValue(line, k)
			}
			line = append(line, ']')
		}
		line = append(line, "}\n"...)
		_, _ = out.Write(line)
	}

	reported := 0
	errStrict := errors.New("strict")
	progress := newProgress(stderr, total, &counted, o.NoProgress)
	st, err := prog.Eval(inputs, native.EvalOptions{
		Workers: o.Workers,
		Bad: func(input string, ln int64, e *native.InputError) error {
			if reported < o.MaxReports || o.Strict {
				progress.clear()
				fmt.Fprintf(stderr, "eqlx: %s:%d: %v\n", input, ln, e)
				reported++
			}
			if o.Strict {
				return errStrict
			}
			return nil
		},
		Progress: func(string, int64) { progress.tick() },
	}, emit)
	progress.clear()
	if ferr := out.Flush(); ferr != nil && err == nil {
		err = ferr
	}
	writeCounts(stderr, rules, st)
	switch {
	case errors.Is(err, errStrict):
		return exitError{exitFailed}
	case err != nil:
		fmt.Fprintf(stderr, "eqlx: %v\n", err)
		return exitError{exitUsage}
	case failed:
		return exitError{exitFailed}
	}
	return nil
}

// diagText renders a diagnostic as "file:line:col: message".
func diagText(file string, d ir.Diagnostic) string {
	s := d.Error()
	if !d.Span.Start.IsValid() && d.Span.Start.File == "" && file != "" {
		s = file + ": " + d.Msg
	}
	return s
}

// alertPrefix renders the part of a rule's alerts that never changes.
func alertPrefix(r *ir.Rule) []byte {
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	return []byte(`{"rule_id":` + q(r.Meta.RuleID) + `,"name":` + q(r.Meta.Name) + `,"severity":` + q(r.Meta.Severity) +
		`,"file":` + q(filepath.ToSlash(r.Meta.File)) + `,"events":[`)
}

func appendValue(b []byte, v ir.Value) []byte {
	switch v.Kind {
	case ir.KindString:
		s, _ := json.Marshal(v.Str)
		return append(b, s...)
	case ir.KindInt:
		return strconv.AppendInt(b, v.Int, 10)
	case ir.KindFloat:
		return strconv.AppendFloat(b, v.Float, 'g', -1, 64)
	case ir.KindBool:
		return strconv.AppendBool(b, v.Bool)
	}
	return append(b, "null"...)
}

// writeCounts prints the per-rule match counts and the totals.
func writeCounts(w io.Writer, rules []*ir.Rule, st native.Stats) {
	var alerts, dropped int64
	for i := range rules {
		alerts += st.Matches[i]
		dropped += st.Dropped[i]
	}
	fmt.Fprintf(w, "eqlx eval: %s, %d bad, %s", count(st.Events, "event"), st.BadEvents, count(alerts, "alert"))
	if dropped > 0 {
		fmt.Fprintf(w, ", %s dropped (--max-state)", count(dropped, "pending sequence"))
	}
	if st.NoTimestamp > 0 {
		fmt.Fprintf(w, ", %d skipped by sequences for want of @timestamp", st.NoTimestamp)
	}
	fmt.Fprintln(w)
	for i, r := range rules {
		fmt.Fprintf(w, "%8d  %s (%s)", st.Matches[i], r.Meta.Name, filepath.ToSlash(r.Meta.File))
		if st.Dropped[i] > 0 {
			fmt.Fprintf(w, ", %d dropped", st.Dropped[i])
		}
		fmt.Fprintln(w)
	}
}

// countingReader counts the bytes read from a file, for the progress line.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// progress prints "eqlx eval: 42%" on stderr at most every 200ms, only when
// stderr is a terminal and the input size is known.
type progress struct {
	w     io.Writer
	total int64
	read  *atomic.Int64
	on    bool
	last  time.Time
	shown bool
}

func newProgress(w io.Writer, total int64, read *atomic.Int64, off bool) *progress {
	p := &progress{w: w, total: total, read: read}
	if f, ok := w.(*os.File); ok && !off && total > 0 {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.on = true
		}
	}
	return p
}

func (p *progress) tick() {
	if !p.on || time.Since(p.last) < 200*time.Millisecond {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "\reqlx eval: %3d%%", 100*p.read.Load()/p.total)
	p.shown = true
}

func (p *progress) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}

// genOptions is everything `eqlx gen events` needs.
type genOptions struct {
	N    int
	Seed uint64
}

// newGenCmd is `eqlx gen events`: synthetic events for benchmarks.
func newGenCmd() *cobra.Command {
	gen := &cobra.Command{
		Use:           "gen",
		Short:         "Generate test data",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	o := &genOptions{}
	events := &cobra.Command{
		Use:   "events [-n N] [--seed S]",
		Short: "Write N synthetic Defend for Containers events as NDJSON on stdout",
		Long: `events writes synthetic ECS process events in the shape of Elastic Defend for
Containers, about 2 KB each: 55% exec, 15% fork, 20% end, 10% file events,
65% in containers, about 1% suspicious (netcat listeners, nmap, package
installs, interactive shells). The output depends only on -n and --seed.

Example:
  eqlx gen events -n 1000000 | eqlx eval --rules rules/ --workers 2 -`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE:          func(cmd *cobra.Command, _ []string) error { return runGen(cmd, o) },
	}
	events.Flags().IntVarP(&o.N, "n", "n", 1000, "number of events")
	events.Flags().Uint64Var(&o.Seed, "seed", 42, "random seed")
	gen.AddCommand(events)
	return gen
}

// runGen writes the events.
func runGen(cmd *cobra.Command, o *genOptions) error {
	if o.N < 0 {
		return usagef("gen events: -n %d: want 0 or more", o.N)
	}
	if err := native.GenerateEvents(cmd.OutOrStdout(), o.N, o.Seed); err != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "eqlx: %v\n", err)
		return exitError{exitUsage}
	}
	return nil
}
