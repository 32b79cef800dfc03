package native

import (
	"bytes"
	"fmt"
	"math/bits"
	"runtime"
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

// meanLen is the mean length of lines, for MB/s.
func meanLen(lines [][]byte) int64 {
	n := 0
	for _, l := range lines {
		n += len(l)
	}
	return int64(n / len(lines))
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

// linuxRules are eleven more event rules, written for the benchmarks in
// the shape of the detection-rules Linux process rules (a Linux exec, a
// tool name, its arguments, a parent or a user), so that "20 rules" is
// twenty different rules: shippedRules(2) repeats the nine, which share
// everything.
func linuxRules() []*ir.Rule {
	exec := func(terms ...ir.Expr) *ir.EventQuery {
		return evq("process", and(append([]ir.Expr{
			in("host.os.type", "linux"), in("event.type", "start"),
			in("event.action", "exec", "exec_event", "start", "executed"),
		}, terms...)...))
	}
	ge := func(f string, n int64) ir.Expr { return cmp(ir.Ge, fld(f), lit(ir.IntValue(n))) }
	shells := []string{"bash", "dash", "sh", "zsh", "ksh", "fish", "busybox"}
	qs := []*ir.EventQuery{
		exec(in("process.name", "setenforce"), in("process.args", "0")),
		exec(in("process.name", "dmesg"), in("process.args", "-c", "-C", "--clear", "--read-clear")),
		exec(in("process.name", "curl", "wget"), like("process.command_line", false, "*pastebin.com*", "*transfer.sh*", "*ngrok.io*")),
		exec(in("process.name", "openssl"), in("process.args", "passwd"), ge("process.args_count", 3),
			not(in("process.args", "-help", "--help", "-h"))),
		exec(in("process.name", "setcap"), like("process.args", true, "cap_set?id+ep"),
			not(in("process.parent.name", "dpkg", "rpm", "apt"))),
		exec(in("process.name", "cat", "grep", "less", "more", "tail", "awk"),
			like("process.command_line", false, "*/etc/shadow*", "*/etc/gshadow*", "*/etc/sudoers*")),
		exec(in("process.name", "sudo"), in("process.args", "-l"), in("process.parent.name", shells...),
			not(in("user.name", "ansible", "packer"))),
		exec(in("process.name", "kubectl"), in("process.args", "apply", "create"), like("process.args", false, "http://*", "https://*")),
		exec(in("process.name", "bpftool"), or(
			and(in("process.args", "prog"), in("process.args", "detach")),
			and(in("process.args", "map"), in("process.args", "delete", "update")))),
		exec(like("process.name", true, "python*", "perl*", "ruby*", "php*"),
			like("process.args", false, "*socket*connect*", "*pty.spawn*", "*fsockopen*"),
			in("process.parent.name", shells...)),
		exec(in("process.name", "chattr"), like("process.args", false, "+i", "-i"),
			not(in("process.parent.executable", "/usr/bin/dpkg", "/usr/sbin/logrotate"))),
	}
	out := make([]*ir.Rule, len(qs))
	for i, q := range qs {
		out[i] = rule(fmt.Sprintf("linux%d", i), q)
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
			b.SetBytes(meanLen(lines))
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

// extractedLines are the first 1,000 of benchLines, generated on their
// own so that `make instr` does not run the generator for 200k events
// under cachegrind.
var extractedLines = sync.OnceValue(func() [][]byte {
	var buf bytes.Buffer
	if err := GenerateEvents(&buf, 1000, 42); err != nil {
		panic(err)
	}
	return bytes.Split(bytes.TrimSuffix(buf.Bytes(), nl), nl)
})

// BenchmarkRulesExtracted measures rule evaluation alone, on events whose
// fields were extracted beforehand. `make instr` counts its instructions
// per event with cachegrind, a figure that does not vary with the load of
// a shared host as ns/event does.
func BenchmarkRulesExtracted(b *testing.B) {
	lines := extractedLines() // events that stay in cache, as the one reused event does
	for _, c := range []struct {
		name  string
		rules []*ir.Rule
	}{{"rules=9", shippedRules(1)}, {"rules=18", shippedRules(2)}, {"rules=20", append(shippedRules(1), linuxRules()...)}} {
		b.Run(c.name, func(b *testing.B) {
			prog := benchProgram(b, c.rules)
			evs := make([]*event, len(lines))
			for i, l := range lines {
				evs[i] = newEvent(prog.nslots, prog.nmemo)
				if err := prog.ext.decode(evs[i], l); err != nil {
					b.Fatal(err)
				}
			}
			run := func(ev *event) (hits int) {
				ev.gen++ // as decode does: nothing cached from the last pass
				ev.farena = ev.farena[:0]
				clear(ev.memo)
				for _, m := range prog.matchEvents(ev, prog.candidates(ev)) {
					hits += bits.OnesCount64(m)
				}
				return hits
			}
			hits := 0
			for _, ev := range evs {
				hits += run(ev)
			}
			if hits == 0 {
				b.Fatal("no event matched: the benchmark would measure rejections only")
			}
			b.ReportAllocs()
			// A collection started by the set-up would run during the
			// loop, with write barriers on: not what a stream sees.
			runtime.GC()
			n := 0
			for b.Loop() {
				run(evs[n%len(evs)])
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
// over 1,000 lines that stay in the CPU caches, as a buffered reader's
// batch does (the case that `make instr` counts).
func BenchmarkDecode(b *testing.B) {
	prog := benchProgram(b, shippedRules(1))
	for _, c := range []struct {
		name  string
		lines func() [][]byte
	}{{"lines=200000", benchLines}, {"lines=1000", extractedLines}} {
		b.Run(c.name, func(b *testing.B) {
			lines := c.lines()
			ev := newEvent(prog.nslots, prog.nmemo)
			b.SetBytes(meanLen(lines))
			b.ReportAllocs()
			runtime.GC()
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
