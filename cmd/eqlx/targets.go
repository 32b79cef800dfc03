package main

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/eqlx/eqlx/backends/native/gogen"
	"github.com/eqlx/eqlx/backends/sigma"
	"github.com/eqlx/eqlx/ir"
)

// targets are the values of --to, in the order help lists them.
var targets = []string{"ir", "falco", "sigma", "go"}

// targetOptions are the target-specific flags of convert, checked and
// loaded (field maps read and parsed) before any rule is compiled.
type targetOptions struct {
	sigmaFields  string
	falcoVersion string
	pkg          string
	fieldMap     string // path of --field-map, "" for the built-in map
	// dir says the output goes to a directory (one file per rule for
	// sigma), not to one file or stdout.
	dir bool

	sigma sigmaSetup
	falco falcoSetup
}

// sigmaSetup is what the sigma target needs, from the flags.
type sigmaSetup struct {
	mode sigma.FieldMode
	m    *sigma.FieldMap
}

// emitted is what a target produced.
type emitted struct {
	files []ir.File
	rep   ir.Report
	// dir is set when files are a directory's content (sigma with a
	// directory, go); otherwise files holds one file, the output.
	dir bool
	// owned reports, for a directory target, which names in the directory
	// the target owns: -o removes them when no longer generated and
	// --check counts them as drift. Other files (a README, a test) are
	// left alone.
	owned func(name string) bool
}

// emit renders the compiled rules for a target. A backend plugs in with one
// case here; the cases only translate flags into the backend's options.
func emit(to string, rules []*ir.Rule, o *targetOptions) (emitted, error) {
	switch to {
	case "ir":
		return emitted{files: []ir.File{{Path: "rules.eql", Data: emitIR(rules)}}, rep: irReport(rules)}, nil
	case "sigma":
		files, rep := sigma.Emit(rules, sigma.Options{Fields: o.sigma.mode, FieldMap: o.sigma.m, Stream: !o.dir})
		if !o.dir && len(files) == 0 {
			files = []ir.File{{Path: sigma.StreamFile}} // no rule converted: an empty stream
		}
		return emitted{files: files, rep: rep, dir: o.dir, owned: hasExt(".yml", ".yaml")}, nil
	case "go":
		files, rep := gogen.Generate(rules, gogen.Options{Package: o.pkg, Version: version})
		return emitted{files: files, rep: rep, dir: true, owned: isGeneratedGo}, nil
	case "falco":
		return emitFalco(rules, o)
	}
	return emitted{}, usagef("--to %q: want one of %s", to, strings.Join(targets, ", "))
}

// setup checks the target flags and reads the field map, so that a bad flag
// is a usage error before any rule is read.
func (o *targetOptions) setup(to string, out, check string) error {
	if o.fieldMap != "" && to != "sigma" && to != "falco" {
		return usagef("--field-map applies to --to falco and --to sigma, not %s", to)
	}
	if o.pkg != "" && to != "go" {
		return usagef("--package applies to --to go, not %s", to)
	}
	switch to {
	case "sigma":
		mode, err := sigma.ParseFieldMode(o.sigmaFields)
		if err != nil {
			return usagef("--sigma-fields: %v", err)
		}
		o.sigma.mode = mode
		if o.fieldMap != "" && mode == sigma.ECS {
			return usagef("--field-map maps ECS names to the Sigma taxonomy: it has no effect with --sigma-fields ecs")
		}
		if o.fieldMap != "" {
			data, err := os.ReadFile(o.fieldMap)
			if err != nil {
				return usagef("--field-map: %v", err)
			}
			m, ds := sigma.LoadFieldMap(data, o.fieldMap)
			if err := fieldMapErr(ds, data); err != nil {
				return err
			}
			o.sigma.m = m
		}
		// A path ending in .yml or .yaml is one multi-document file;
		// anything else given to -o or --check is a directory.
		path := cmp.Or(out, check) // never both: convert refuses that first
		o.dir = path != "" && path != "-" && !hasExt(".yml", ".yaml")(path)
	case "go":
		if o.pkg == "" {
			o.pkg = gogen.DefaultPackage
		}
		if err := gogen.CheckPackage(o.pkg); err != nil {
			return usagef("--package: %v", err)
		}
		o.dir = true
	case "falco":
		return setupFalco(o)
	}
	return nil
}

// fieldMapErr turns the diagnostics of a field-map file into a usage error,
// each shown with its line.
func fieldMapErr(ds ir.Diagnostics, data []byte) error {
	if !ds.HasErrors() {
		return nil
	}
	var msgs []string
	for _, d := range ds {
		if d.Severity != ir.Error {
			continue
		}
		// Field-map diagnostics carry a line and column but no byte
		// offset, which render needs; quote the line by its number.
		msg := d.Error()
		if line, ok := sourceLine(data, d.Span.Start); ok {
			msg += "\n | " + line + "\n | " + strings.Repeat(".", d.Span.Start.Col-1) + "^"
		}
		msgs = append(msgs, msg)
	}
	return usageError{errors.New("--field-map: " + strings.Join(msgs, "\n"))}
}

// irReport is the report of the ir target: it expresses every rule exactly.
func irReport(rules []*ir.Rule) ir.Report {
	rep := ir.Report{Rules: []ir.RuleReport{}}
	for _, r := range rules {
		var warns ir.Diagnostics
		for _, d := range r.Diags {
			if d.Severity == ir.Warning {
				warns = append(warns, d)
			}
		}
		rep.Rules = append(rep.Rules, ir.RuleReport{File: r.Meta.File, RuleID: r.Meta.RuleID, Name: r.Meta.Name,
			Backend: "ir", Fidelity: ir.Exact, Warnings: warns})
	}
	return rep
}

// hasExt returns a predicate for file names with one of exts.
func hasExt(exts ...string) func(string) bool {
	return func(name string) bool {
		for _, e := range exts {
			if strings.EqualFold(filepath.Ext(name), e) {
				return true
			}
		}
		return false
	}
}

// isGeneratedGo claims the .go files of a generated package, but not its
// tests, which people add beside it.
func isGeneratedGo(name string) bool {
	return strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go")
}

// txtar joins files in the txtar format ("-- name --" before each file), the
// Go tools' way of showing several files in one stream: what --to go prints
// without -o.
func txtar(files []ir.File) []byte {
	var b bytes.Buffer
	for _, f := range files {
		fmt.Fprintf(&b, "-- %s --\n", f.Path)
		b.Write(f.Data)
		if len(f.Data) > 0 && f.Data[len(f.Data)-1] != '\n' {
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}
