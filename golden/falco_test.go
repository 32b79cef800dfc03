package golden

import (
	"encoding/json"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/eqlx/eqlx/backends/falco"
	"github.com/eqlx/eqlx/backends/falco/falcotest"
	"github.com/eqlx/eqlx/internal/goldentest"
	"github.com/eqlx/eqlx/ir"
)

// TestFalcoGolden pins the Falco rules file written for rules/ in both
// renderings (golden/falco/eqlx_rules.yaml, golden/falco/portable/) and
// each report. `go test ./golden -run Falco -update` rewrites them.
func TestFalcoGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "rules", "*.toml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no rules in ../rules: %v", err)
	}
	rules := compileFromRoot(t, files)
	if len(rules) != len(files) {
		t.Fatalf("%d rule files gave %d rules", len(files), len(rules))
	}
	for _, set := range []struct {
		dir string
		v   falco.Version
	}{
		{filepath.Join("falco"), falco.Current},
		{filepath.Join("falco", "portable"), falco.Portable},
	} {
		out, rep := falco.Render(rules, falco.Options{Version: set.v})
		if len(out) != 1 || out[0].Path != falco.RulesFile {
			t.Fatalf("Render wrote %d files, want one %s", len(out), falco.RulesFile)
		}
		goldentest.Check(t, filepath.Join(set.dir, out[0].Path), out[0].Data)
		js, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		goldentest.Check(t, filepath.Join(set.dir, "report.json"), append(js, '\n'))
		// Byte-identical output for the same input.
		again, _ := falco.Render(rules, falco.Options{Version: set.v})
		if string(again[0].Data) != string(out[0].Data) {
			t.Errorf("%s: two renderings of the same rules differ", set.dir)
		}
	}
}

// TestFalcoCorpusCoverage converts every EQL rule of detection-rules and
// logs how the Linux ones fare: exact, approximate, unsupported, with the
// reasons grouped by code.
func TestFalcoCorpusCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus conversion skipped in -short mode")
	}
	rules := corpusRules(t)
	for _, v := range []falco.Version{falco.Current, falco.Portable} {
		_, rep := falco.Render(rules, falco.Options{Version: v})
		if len(rep.Rules) != len(rules) {
			t.Fatalf("%d report lines for %d rules", len(rep.Rules), len(rules))
		}
		counts := map[ir.Fidelity]int{}
		byCode := map[string]int{}
		linux := 0
		for i, rr := range rep.Rules {
			if !falcoIsLinux(rules[i]) {
				continue
			}
			linux++
			counts[rr.Fidelity]++
			seen := map[string]bool{}
			for _, f := range rr.Reasons {
				if !seen[f.Code] {
					seen[f.Code] = true
					byCode[rr.Fidelity.String()+" "+f.Code]++
				}
			}
		}
		n := rep.Counts()
		t.Logf("falco %s: all %d rules: exact %d, approximate %d, unsupported %d", v, len(rules), n[ir.Exact], n[ir.Approximate], n[ir.Unsupported])
		t.Logf("falco %s: %d Linux rules: exact %d, approximate %d, unsupported %d", v, linux, counts[ir.Exact], counts[ir.Approximate], counts[ir.Unsupported])
		var keys []string
		for k := range byCode {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			return byCode[keys[i]] > byCode[keys[j]] || byCode[keys[i]] == byCode[keys[j]] && keys[i] < keys[j]
		})
		for _, k := range keys {
			t.Logf("  %4d Linux rules  %s", byCode[k], k)
		}
	}
}

// falcoIsLinux says whether a rule is a Linux rule: tagged "OS: Linux" or
// testing host.os.type == "linux".
func falcoIsLinux(r *ir.Rule) bool {
	for _, tag := range r.Meta.Tags {
		if strings.EqualFold(tag, "OS: Linux") {
			return true
		}
	}
	return strings.Contains(strings.ToLower(ir.Print(r.Query)), `host.os.type == "linux"`)
}

// falcoCheckConditions holds every condition to its dialect: the current
// grammar for both, the portable rules for Portable, and sysdig 0.29.3's
// filter compiler for Portable when sysdig is installed. It returns how
// many conditions it checked.
func falcoCheckConditions(t *testing.T, rules []*ir.Rule, v falco.Version, sysdig bool) int {
	t.Helper()
	var conds, names []string
	for _, r := range rules {
		c := falco.Convert(r, falco.Options{Version: v})
		if c.Fidelity == ir.Unsupported {
			continue
		}
		if err := falcotest.ParseCurrent(c.Condition); err != nil {
			t.Errorf("%s (%s): current grammar: %v\n%s", r.Meta.File, v, err, c.Condition)
		}
		if v == falco.Portable {
			if err := falcotest.ParsePortable(c.Condition); err != nil {
				t.Errorf("%s (%s): portable form: %v\n%s", r.Meta.File, v, err, c.Condition)
			}
			conds, names = append(conds, c.Condition), append(names, r.Meta.File)
		}
	}
	if sysdig && len(conds) > 0 {
		for i, err := range falcotest.CompileAll(conds) {
			if err != nil {
				t.Errorf("%s: sysdig 0.29.3 rejects the portable condition: %v\n%s", names[i], err, conds[i])
			}
		}
	}
	return len(conds)
}

// TestFalcoShippedConditionsCompile: every condition written for rules/
// parses in its grammar, and the portable ones compile in sysdig 0.29.3.
func TestFalcoShippedConditionsCompile(t *testing.T) {
	falcotest.Need(t)
	files, _ := filepath.Glob(filepath.Join("..", "rules", "*.toml"))
	rules := compileFromRoot(t, files)
	falcoCheckConditions(t, rules, falco.Current, false)
	n := falcoCheckConditions(t, rules, falco.Portable, true)
	t.Logf("%d portable conditions of rules/ compile in sysdig", n)
}

// TestFalcoCorpusConditionsParse holds every convertible rule of
// detection-rules to the grammars (sysdig runs the Linux ones in
// falco_engine_test.go).
func TestFalcoCorpusConditionsParse(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus conversion skipped in -short mode")
	}
	rules := corpusRules(t)
	falcoCheckConditions(t, rules, falco.Current, false)
	n := falcoCheckConditions(t, rules, falco.Portable, false)
	t.Logf("%d portable conditions of the corpus parse in both grammars", n)
}

// BenchmarkConvertCorpus renders the whole detection-rules corpus
// (compiled once, outside the timer) to one Falco rules file.
func BenchmarkConvertCorpus(b *testing.B) {
	rules := corpusRules(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, v := range []falco.Version{falco.Current} {
			falco.Render(rules, falco.Options{Version: v})
		}
	}
}
