package golden

import (
	"testing"

	"github.com/eqlx/eqlx/backends/native"
)

// BenchmarkEvalCorpusRules is the evaluator with every rule of
// detection-rules loaded at once (event rules, sequences and samples; the
// Windows and macOS ones included, as a team that runs the whole set
// would), one goroutine, over the benchmark generator's events. The rule
// indexes and the plan decide most of this figure: on a Linux container
// event the indexes leave about 220 of the 861 event rules and 125 of the
// 450 stages, and the plan's shared steps rule most of those out at once.
func BenchmarkEvalCorpusRules(b *testing.B) {
	rules := corpusRules(b)
	prog, diags := native.Compile(rules, native.Options{})
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	lines := goGenEvents()[:20_000]
	eng := prog.NewEngine()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if err := eng.Process(lines[n%len(lines)], func(native.Match) {}); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/event")
}
