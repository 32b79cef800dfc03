package golden

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/eqlx/eqlx/backends/native"
	"github.com/eqlx/eqlx/frontend"
	"github.com/eqlx/eqlx/ir"
	"gopkg.in/yaml.v3"
)

// nativeExpected is golden/corpus/expected.yaml: per rule (keyed by file
// stem), the events that must match, written by reading the rule.
type nativeExpected struct {
	Rules []nativeExpectedRule `yaml:"rules"`
}

// nativeExpectedRule is one rule's expected matches: Matches for an event query (in
// stream order), Sequences for a sequence or sample (each match's events in
// stage or filter order; matches ordered by their completing event).
type nativeExpectedRule struct {
	Rule      string     `yaml:"rule"`
	RuleID    string     `yaml:"rule_id"`
	Name      string     `yaml:"name"`
	Matches   []string   `yaml:"matches"`
	Sequences [][]string `yaml:"sequences"`
}

// loadnativeExpected reads and checks expected.yaml: unknown keys are errors.
func loadnativeExpected(t *testing.T) nativeExpected {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("corpus", "expected.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var exp nativeExpected
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&exp); err != nil {
		t.Fatalf("expected.yaml: %v", err)
	}
	return exp
}

// nativeRuleFiles lists rules/*.toml and golden/corpus/rules/*.toml.
func nativeRuleFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pat := range []string{filepath.Join("..", "rules", "*.toml"), filepath.Join("corpus", "rules", "*.toml")} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no rule files found")
	}
	return files
}

func nativeStem(path string) string {
	return strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
}

// TestCorpusNativeMatchesExpected runs every shipped and corpus rule through
// the native evaluator over golden/corpus/events.ndjson and requires the
// matches that expected.yaml lists, no more, no fewer.
func TestCorpusNativeMatchesExpected(t *testing.T) {
	exp := loadnativeExpected(t)
	files := nativeRuleFiles(t)
	res, err := frontend.CompileFiles(files, frontend.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Failed {
		t.Errorf("%s does not compile: %v", f.File, f.Diags)
	}
	byStem := map[string]*ir.Rule{}
	for _, r := range res.Rules {
		byStem[nativeStem(r.Meta.File)] = r
	}
	if len(byStem) != len(files) {
		t.Fatalf("%d rule files gave %d rules", len(files), len(byStem))
	}
	var rules []*ir.Rule
	seen := map[string]bool{}
	for _, er := range exp.Rules {
		r, ok := byStem[er.Rule]
		if !ok {
			t.Fatalf("expected.yaml names %q, which is not a rule file", er.Rule)
		}
		if seen[er.Rule] {
			t.Fatalf("expected.yaml lists %q twice", er.Rule)
		}
		seen[er.Rule] = true
		if r.Meta.RuleID != er.RuleID || r.Meta.Name != er.Name {
			t.Errorf("%s: expected.yaml says %q / %q, the rule says %q / %q", er.Rule, er.RuleID, er.Name, r.Meta.RuleID, r.Meta.Name)
		}
		rules = append(rules, r)
	}
	for stem := range byStem {
		if !seen[stem] {
			t.Errorf("rule %s has no entry in expected.yaml", stem)
		}
	}
	got := runNative(t, rules)
	for i, er := range exp.Rules {
		want := er.Sequences
		if len(er.Matches) > 0 {
			want = nil
			for _, id := range er.Matches {
				want = append(want, []string{id})
			}
		}
		if !slices.EqualFunc(got[i], want, slices.Equal) {
			t.Errorf("%s:\n got  %v\n want %v", er.Rule, got[i], want)
		}
	}
}

// runNative returns, per rule, each match's event ids, matches ordered by
// the stream position of the event that completed them.
func runNative(t *testing.T, rules []*ir.Rule) [][][]string {
	t.Helper()
	prog, diags := native.Compile(rules, native.Options{})
	if diags.HasErrors() {
		t.Fatalf("native.Compile: %v", diags)
	}
	f, err := os.Open(filepath.Join("corpus", "events.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type hit struct {
		last int64
		ids  []string
	}
	hits := make([][]hit, len(rules))
	err = prog.NewEngine().Run(f, func(m native.Match) {
		var ids []string
		for i, raw := range m.Events {
			if m.Nums[i] < 0 {
				continue // a missing stage's placeholder: no event
			}
			var ev struct {
				Event struct {
					ID string `json:"id"`
				} `json:"event"`
			}
			if err := json.Unmarshal(raw, &ev); err != nil {
				t.Errorf("matched event is not JSON: %v", err)
			}
			ids = append(ids, ev.Event.ID)
		}
		hits[m.Rule] = append(hits[m.Rule], hit{slices.Max(m.Nums), ids})
	}, func(line int64, e *native.InputError) error {
		t.Errorf("corpus/events.ndjson:%d: %v", line, e)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	out := make([][][]string, len(rules))
	for i, hs := range hits {
		slices.SortStableFunc(hs, func(a, b hit) int { return int(a.last - b.last) })
		for _, h := range hs {
			out[i] = append(out[i], h.ids)
		}
	}
	return out
}
