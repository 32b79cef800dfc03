package golden

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eqlx/eqlx/frontend"
	"github.com/eqlx/eqlx/ir"
)

// sharedDir is ../shared, beside the repository, seen from golden/.
var sharedDir = filepath.Join("..", "..", "shared")

// compileFromRoot compiles rule files named as a user at the repository
// root names them ("rules/x.toml"), so reports and golden files read the
// same from any directory. A rule that does not compile fails the test:
// every backend test needs all of its rules.
func compileFromRoot(tb testing.TB, paths []string) []*ir.Rule {
	tb.Helper()
	srcs := make([]frontend.Source, 0, len(paths))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		srcs = append(srcs, frontend.Source{Name: strings.TrimPrefix(filepath.ToSlash(p), "../"), Data: data})
	}
	res := frontend.CompileSources(srcs, frontend.Options{})
	for _, f := range res.Failed {
		tb.Errorf("%s does not compile: %v", f.File, f.Diags)
	}
	if tb.Failed() {
		tb.FailNow()
	}
	return res.Rules
}

// shippedRules compiles rules/*.toml, one rule per file.
func shippedRules(tb testing.TB) []*ir.Rule {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("..", "rules", "*.toml"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no rules in ../rules: %v", err)
	}
	rules := compileFromRoot(tb, files)
	if len(rules) != len(files) {
		tb.Fatalf("%d rule files gave %d rules", len(files), len(rules))
	}
	return rules
}

// corpusRules compiles every EQL rule of ../shared/corpus/detection-rules
// (rules in other languages are skipped by the loader).
func corpusRules(tb testing.TB) []*ir.Rule {
	tb.Helper()
	dir := filepath.Join(sharedDir, "corpus", "detection-rules")
	files, err := frontend.Expand([]string{dir})
	if err != nil || len(files) == 0 {
		tb.Fatalf("no detection-rules corpus at %s (.ci/run needs ../shared beside the repository): %v", dir, err)
	}
	return compileFromRoot(tb, files)
}
