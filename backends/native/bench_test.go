package native

import (
	"bytes"
	"fmt"
	"math/bits"
	"sort"
	"sync"
	"testing"

	"github.com/eqlx/eqlx/ir"
)

// benchLines are generated once: 200k events of about 2 KB.
var nl = []byte("\n")

// benchData holds the generated lines.
var benchData = sync.OnceValue(func() [][]byte {
	var buf bytes.Buffer
	if err := GenerateEvents(&buf, 200_000, 42); err != nil {
		panic(err)
	}
	return bytes.SplitAfter(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n"))
})

// benchLines are benchData's lines without their newlines, trimmed once
// so that the loops measure only the engine.
var benchLines = sync.OnceValue(func() [][]byte {
	data := benchData()
	out := make([][]byte, len(data))
	for i, l := range data {
		out[i] = bytes.TrimSuffix(l, nl)
	}
	return out
})

// benchMeanLen is the mean length of benchLines, for MB/s.
func benchMeanLen() int64 {
	n := 0
	for _, l := range benchLines() {
		n += len(l)
	}
	return int64(n / len(benchLines()))
}

// shippedRules are the hand-written IR of the nine rules in rules/.
func shippedRules(times int) []*ir.Rule {
	m := corpusRules()
	var stems []string
	for s, r := range m {
		if _, ok := r.Query.(*ir.EventQuery); ok {
			stems = append(stems, s)
		}
	}
	sort.Strings(stems)
	var out []*ir.Rule
	for range times {
		for _, s := range stems {
			out = append(out, m[s])
		}
	}
	return out
}

func benchProgram(b *testing.B, rules []*ir.Rule) *Program {
	prog, diags := Compile(rules, Options{})
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	return prog
}

func report(b *testing.B, events int) {
	s := b.Elapsed().Seconds()
	b.ReportMetric(float64(events)/s, "events/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(events), "ns/event")
}

// BenchmarkEval is one core end to end on in-memory lines: decode the
// referenced fields and evaluate every shipped rule. One op is one event;
// run with -benchtime=1000000x for 1M events.
func BenchmarkEval(b *testing.B) {
	lines := benchLines()
	for _, c := range []struct {
		name  string
		rules []*ir.Rule
	}{{"rules=9", shippedRules(1)}, {"rules=18", shippedRules(2)}} {
		b.Run(c.name, func(b *testing.B) {
			prog := benchProgram(b, c.rules)
			eng := prog.NewEngine()
			hits := 0
			emit := func(Match) { hits++ }
			b.SetBytes(benchMeanLen())
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				l := lines[n%len(lines)]
				_ = eng.Process(l, emit)
				n++
			}
			report(b, n)
		})
	}
}

// BenchmarkRulesExtracted measures rule evaluation alone, on events whose
// fields were extracted beforehand.
func BenchmarkRulesExtracted(b *testing.B) {
	lines := benchLines()[:1000] // events that stay in cache, as the one reused event does
	for _, c := range []struct {
		name  string
		rules []*ir.Rule
	}{{"rules=9", shippedRules(1)}, {"rules=18", shippedRules(2)}} {
		b.Run(c.name, func(b *testing.B) {
			prog := benchProgram(b, c.rules)
			evs := make([]*event, len(lines))
			for i, l := range lines {
				evs[i] = newEvent(prog.nslots, prog.nmemo)
				if err := prog.ext.decode(evs[i], l); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			n, hits := 0, 0
			for b.Loop() {
				ev := evs[n%len(evs)]
				ev.gen++ // as decode does: nothing cached from the last pass
				ev.farena = ev.farena[:0]
				clear(ev.memo)
				for _, m := range prog.matchEvents(ev, prog.candidates(ev)) {
					hits += bits.OnesCount64(m)
				}
				n++
			}
			report(b, n)
		})
	}
}

// BenchmarkEvalWorkers is the whole pipeline (framing, batches, workers,
// ordered output) over 200k events, with 1 and 2 workers.
func BenchmarkEvalWorkers(b *testing.B) {
	data := bytes.Join(benchData(), nil)
	prog := benchProgram(b, shippedRules(1))
	for _, w := range []int{1, 2} {
		b.Run("workers="+string(rune('0'+w)), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			events := 0
			for b.Loop() {
				st, err := prog.Eval([]Input{{Name: "bench", R: bytes.NewReader(data)}}, EvalOptions{Workers: w}, func(Match) {})
				if err != nil {
					b.Fatal(err)
				}
				events += int(st.Events)
			}
			report(b, events)
		})
	}
}

// BenchmarkDecode is field extraction alone for the fields of the shipped
// rules: over all 200k lines (500 MB, read from memory as a stream is) and
// over 2k lines that stay in the CPU caches, as a buffered reader's batch
// does.
func BenchmarkDecode(b *testing.B) {
	prog := benchProgram(b, shippedRules(1))
	for _, n := range []int{200_000, 2_000} {
		lines := benchLines()[:n]
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			ev := newEvent(prog.nslots, prog.nmemo)
			b.SetBytes(benchMeanLen())
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if err := prog.ext.decode(ev, lines[i%len(lines)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
			report(b, i)
		})
	}
}
