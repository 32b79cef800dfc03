package native

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/eqlx/eqlx/ir"
)

// evalAll runs Eval with n workers and renders every emitted match.
func evalAll(t *testing.T, prog *Program, n int, inputs func() []Input) ([]string, []string, Stats) {
	t.Helper()
	var out, bad []string
	st, err := prog.Eval(inputs(), EvalOptions{Workers: n, Bad: func(in string, line int64, e *InputError) error {
		bad = append(bad, fmt.Sprintf("%s:%d: %v", in, line, e))
		return nil
	}}, func(m Match) {
		out = append(out, fmt.Sprintf("%d %v %d", m.Rule, m.Nums, len(m.Events)))
	})
	if err != nil {
		t.Fatal(err)
	}
	return out, bad, st
}

// TestEvalIsDeterministicAcrossWorkers: the corpus, repeated so that it
// spans many batches, gives the same output with 1 and 3 workers, and the
// same as a single Engine.
func TestEvalIsDeterministicAcrossWorkers(t *testing.T) {
	var rules []*ir.Rule
	for _, r := range corpusRules() {
		rules = append(rules, r)
	}
	prog, diags := Compile(rules, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	data, err := os.ReadFile(filepath.Join(corpusDir(), "events.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat(string(data)+"not json\n\n", 60)
	inputs := func() []Input {
		return []Input{{Name: "a", R: strings.NewReader(big)}, {Name: "b", R: strings.NewReader(string(data))}}
	}
	one, bad1, st1 := evalAll(t, prog, 1, inputs)
	three, bad3, st3 := evalAll(t, prog, 3, inputs)
	if !reflect.DeepEqual(one, three) || !reflect.DeepEqual(bad1, bad3) {
		t.Fatalf("output differs between 1 and 3 workers")
	}
	if !reflect.DeepEqual(st1, st3) {
		t.Errorf("stats differ: %+v vs %+v", st1, st3)
	}
	if len(bad1) != 60 || !strings.HasPrefix(bad1[1], fmt.Sprintf("a:%d: ", 2*strings.Count(string(data), "\n")+3)) {
		t.Errorf("bad lines = %d, first two %q", len(bad1), bad1[:2])
	}
	// A single Engine over the same stream emits the same matches.
	eng := prog.NewEngine()
	var single []string
	emit := func(m Match) { single = append(single, fmt.Sprintf("%d %v %d", m.Rule, m.Nums, len(m.Events))) }
	for _, l := range strings.Split(big+string(data), "\n") {
		if strings.TrimSpace(l) != "" {
			_ = eng.Process([]byte(l), emit)
		}
	}
	eng.Flush(emit)
	if len(single) != len(one) {
		t.Fatalf("single engine: %d matches, Eval: %d", len(single), len(one))
	}
	if st1.Events != eng.Stats().Events || st1.BadEvents != 60 {
		t.Errorf("events %d/%d, bad %d", st1.Events, eng.Stats().Events, st1.BadEvents)
	}
}
