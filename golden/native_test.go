package golden

import (
	"sort"
	"testing"

	"github.com/eqlx/eqlx/backends/native"
	"github.com/eqlx/eqlx/ir"
)

// TestNativeCompilesCorpus holds the reference evaluator to the whole
// dialect: every EQL rule of detection-rules that the frontend accepts must
// compile natively, since every other backend is judged against it.
func TestNativeCompilesCorpus(t *testing.T) {
	rules := corpusRules(t)
	if len(rules) < 1000 {
		t.Fatalf("only %d corpus rules compiled in the frontend", len(rules))
	}
	codes := map[string]int{}
	for _, r := range rules {
		_, diags := native.Compile([]*ir.Rule{r}, native.Options{})
		for _, d := range diags {
			if d.Severity == ir.Error {
				codes[d.Code]++
				t.Errorf("%s: %s", r.Meta.File, d.Error())
			}
		}
	}
	keys := make([]string, 0, len(codes))
	for k := range codes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%s: %d", k, codes[k])
	}
}
