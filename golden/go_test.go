package golden

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eqlx/eqlx/backends/native"
	"github.com/eqlx/eqlx/backends/native/gogen"
	"github.com/eqlx/eqlx/frontend"
	"github.com/eqlx/eqlx/golden/go/eqlxcorpus"
	"github.com/eqlx/eqlx/golden/go/eqlxfuncs"
	"github.com/eqlx/eqlx/golden/go/eqlxrules"
	"github.com/eqlx/eqlx/internal/goldentest"
	"github.com/eqlx/eqlx/ir"
)

// goGenRules compiles the rule files matched by the patterns (relative to
// golden/), with each Meta.File made repository-relative ("rules/x.toml")
// so that the generated header does not depend on where tests run.
func goGenRules(t testing.TB, patterns ...string) []*ir.Rule {
	t.Helper()
	var files []string
	for _, p := range patterns {
		m, err := filepath.Glob(p)
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(m)
		files = append(files, m...)
	}
	res, err := frontend.CompileFiles(files, frontend.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Failed {
		t.Fatalf("%s does not compile: %v", f.File, f.Diags)
	}
	if len(res.Rules) != len(files) {
		t.Fatalf("%d rule files gave %d rules", len(files), len(res.Rules))
	}
	for _, r := range res.Rules {
		rel := filepath.ToSlash(r.Meta.File)
		rel = strings.TrimPrefix(rel, "../")
		if !strings.HasPrefix(rel, "rules/") {
			rel = "golden/" + rel
		}
		r.Meta.File = rel
	}
	return res.Rules
}

// goGenPackages are the generated packages kept as golden files: the
// shipped rules, and the shipped plus the corpus's sequence and sample
// rules (for the corpus test).
var goGenPackages = []struct {
	name     string
	patterns []string
}{
	{"eqlxrules", []string{filepath.Join("..", "rules", "*.toml")}},
	{"eqlxcorpus", []string{filepath.Join("..", "rules", "*.toml"), filepath.Join("corpus", "rules", "*.toml")}},
	// Rules written for this test alone: query calls (startsWith and its
	// kin, cidrMatch), negated, to hold their generated form to the
	// evaluator's.
	{"eqlxfuncs", []string{filepath.Join("go", "funcrules", "*.toml")}},
}

// TestGoGolden regenerates the golden Go packages and compares them with
// the committed ones (`-update` rewrites them); every rule must be
// generated exactly.
func TestGoGolden(t *testing.T) {
	for _, p := range goGenPackages {
		t.Run(p.name, func(t *testing.T) {
			rules := goGenRules(t, p.patterns...)
			files, rep := gogen.Generate(rules, gogen.Options{Package: p.name})
			for _, rr := range rep.Rules {
				if rr.Fidelity != ir.Exact {
					t.Errorf("%s: %s: %v", rr.File, rr.Fidelity, rr.Reasons)
				}
			}
			for _, f := range files {
				goldentest.Check(t, filepath.Join("go", p.name, f.Path), f.Data)
			}
		})
	}
}

// goGenAlert is one alert of a generated package, in a form common to
// both packages: the rule's file and the events' numbers (-1 for a
// missing stage) and raw JSON.
type goGenAlert struct {
	file string
	nums []int64
	raw  [][]byte
}

// goGenRunner runs a generated package over lines, returning its alerts
// in emission order and its errors ("line N: ...", "evaluated" marked), and
// lists the files of its rules.
type goGenRunner struct {
	name  string
	files func() []string
	run   func(lines [][]byte) ([]goGenAlert, []string)
}

// goGenMatcher is what every generated package's Matcher offers.
type goGenMatcher[A any] interface {
	Match(event []byte, fn func(A)) error
	Flush(fn func(A))
}

// goGenRun runs a generated package's matcher over lines; conv reads an
// alert of that package into the common form.
func goGenRun[A any](lines [][]byte, m goGenMatcher[A], conv func(A) (file string, nums []int64, events [][]byte)) ([]goGenAlert, []string) {
	var out []goGenAlert
	var errs []string
	add := func(a A) {
		file, nums, events := conv(a)
		raw := make([][]byte, len(events))
		for i, e := range events {
			raw[i] = bytes.Clone(e)
		}
		out = append(out, goGenAlert{file, slices.Clone(nums), raw})
	}
	for i, l := range lines {
		if err := m.Match(l, add); err != nil {
			errs = append(errs, goGenErr(i, err))
		}
	}
	m.Flush(add)
	return out, errs
}

var goGenRunners = []goGenRunner{
	{
		name: "eqlxrules",
		files: func() []string {
			var out []string
			for _, r := range eqlxrules.Rules {
				out = append(out, r.File)
			}
			return out
		},
		run: func(lines [][]byte) ([]goGenAlert, []string) {
			return goGenRun(lines, eqlxrules.NewMatcher(), func(a eqlxrules.Alert) (string, []int64, [][]byte) { return a.Rule.File, a.Nums, a.Events })
		},
	},
	{
		name: "eqlxcorpus",
		files: func() []string {
			var out []string
			for _, r := range eqlxcorpus.Rules {
				out = append(out, r.File)
			}
			return out
		},
		run: func(lines [][]byte) ([]goGenAlert, []string) {
			return goGenRun(lines, eqlxcorpus.NewMatcher(), func(a eqlxcorpus.Alert) (string, []int64, [][]byte) { return a.Rule.File, a.Nums, a.Events })
		},
	},
	{
		name: "eqlxfuncs",
		files: func() []string {
			var out []string
			for _, r := range eqlxfuncs.Rules {
				out = append(out, r.File)
			}
			return out
		},
		run: func(lines [][]byte) ([]goGenAlert, []string) {
			return goGenRun(lines, eqlxfuncs.NewMatcher(), func(a eqlxfuncs.Alert) (string, []int64, [][]byte) { return a.Rule.File, a.Nums, a.Events })
		},
	},
}

// goGenErr describes an error of line i (0-based) in a form common to
// both engines.
func goGenErr(i int, err error) string {
	var ee *eqlxrules.EventError
	var ce *eqlxcorpus.EventError
	var fe *eqlxfuncs.EventError
	var ne *native.InputError
	evaluated := false
	switch {
	case errors.As(err, &ee):
		evaluated = ee.Evaluated
	case errors.As(err, &ce):
		evaluated = ce.Evaluated
	case errors.As(err, &fe):
		evaluated = fe.Evaluated
	case errors.As(err, &ne):
		evaluated = ne.Evaluated
	}
	return fmt.Sprintf("line %d: evaluated=%v", i+1, evaluated)
}

// goGenLines reads an NDJSON file into lines without their newlines.
func goGenLines(t testing.TB, path string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, l := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(l)) > 0 {
			out = append(out, l)
		}
	}
	return out
}

// TestGoCorpusMatchesExpected runs each golden generated package over
// golden/corpus/events.ndjson and requires, for each of its rules, exactly
// the matches expected.yaml lists (matches ordered by the stream position
// of the event that completes them; missing stages carry no event).
func TestGoCorpusMatchesExpected(t *testing.T) {
	exp := loadnativeExpected(t)
	want := map[string][][]string{}
	for _, er := range exp.Rules {
		w := er.Sequences
		for _, id := range er.Matches {
			w = append(w, []string{id})
		}
		want[er.Rule] = w
	}
	lines := goGenLines(t, filepath.Join("corpus", "events.ndjson"))
	for _, gr := range goGenRunners {
		if gr.name == "eqlxfuncs" {
			continue // its rules have no expected matches: only the differential test judges them
		}
		t.Run(gr.name, func(t *testing.T) {
			type hit struct {
				last int64
				ids  []string
			}
			hits := map[string][]hit{}
			alerts, errs := gr.run(lines)
			for _, e := range errs {
				t.Errorf("corpus/events.ndjson: %s", e)
			}
			for _, a := range alerts {
				var ids []string
				for i, raw := range a.raw {
					if a.nums[i] < 0 {
						continue
					}
					var ev struct {
						Event struct {
							ID string `json:"id"`
						} `json:"event"`
					}
					if err := json.Unmarshal(raw, &ev); err != nil {
						t.Fatalf("alert event is not JSON: %v", err)
					}
					ids = append(ids, ev.Event.ID)
				}
				stem := nativeStem(a.file)
				hits[stem] = append(hits[stem], hit{slices.Max(a.nums), ids})
			}
			files := gr.files()
			if len(files) == 0 {
				t.Fatal("the package has no rules")
			}
			for _, f := range files {
				stem := nativeStem(f)
				w, ok := want[stem]
				if !ok {
					t.Errorf("%s: no entry in expected.yaml", stem)
					continue
				}
				hs := hits[stem]
				slices.SortStableFunc(hs, func(a, b hit) int { return int(a.last - b.last) })
				var got [][]string
				for _, h := range hs {
					got = append(got, h.ids)
				}
				if !slices.EqualFunc(got, w, slices.Equal) {
					t.Errorf("%s:\n got  %v\n want %v", stem, got, w)
				}
			}
		})
	}
}

// goGenEvents are the benchmark generator's events (the same generator and
// seed as the native evaluator's benchmark).
var goGenEvents = sync.OnceValue(func() [][]byte {
	var buf bytes.Buffer
	if err := native.GenerateEvents(&buf, 200_000, 42); err != nil {
		panic(err)
	}
	return bytes.Split(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n"))
})

// goGenTricky are hand-written events that stress the extractor and the
// typed comparisons: dotted keys, escapes, arrays of objects, numbers in
// keyword fields, case, wrong types, duplicates.
var goGenTricky = []string{
	`{"event":{"category":["process"],"type":["start"],"action":"exec"},"host":{"os":{"type":"linux"}},"process":{"name":"nc","args":["nc","-lvp","4444"],"interactive":true,"entry_leader":{"entry_meta":{"type":"container"}}},"container":{"id":"c1"}}`,
	`{"event.category":"process","event.type":"start","event.action":"exec","host.os.type":"linux","process.name":"nc","process.args":["nc","-l"],"process.interactive":true,"process.entry_leader.entry_meta.type":"container","container.id":"c1"}`,
	`{"event":{"category":"process","type":"start","action":"exec"},"host.os":{"type":"linux"},"process":{"name":"\u006ec","args":["\u006ec","-\u006c"],"interactive":true},"container":{"id":"c\"1"}}`,
	`{"event":{"category":["process"],"type":["start"],"action":"exec"},"host":{"os":{"type":"linux"}},"process":{"name":"NC","args":["NC","-LVP"],"interactive":true},"container":{"id":"c1"}}`,
	`{"event":{"category":["process"],"type":["start"],"action":"fork"},"process":{"executable":"/BIN/BASH","args":["/bin/bash","-I"],"entry_leader":{"same_as_process":false}},"container":{"id":7}}`,
	`{"event":{"category":["process"],"type":["start"],"action":"exec"},"host":{"os":{"type":"linux"}},"process":{"name":"apt-get","args":["apt-get","install","curl"],"interactive":true,"parent":[{"name":"bash"},{"name":"sh"}]},"container":{"id":"c1"}}`,
	`{"event":{"category":["process"],"type":["start"],"action":"exec"},"host":{"os":{"type":"linux"}},"process":{"name":"kubectl","interactive":true,"parent":{"name":"busybox","executable":"/bin/busybox"},"working_directory":"/aws"},"container":{"id":"c1"}}`,
	`{"event":{"category":["process"],"type":["start"],"action":"exec"},"host":{"os":{"type":"linux"}},"process":{"name":"nmap","args":[["nmap"],["-sS"]],"interactive":"true"},"container":{"id":null}}`,
	`{"event":{"category":["process"],"type":["start"],"action":"exec"},"host":{"os":{"type":"linux"}},"process":{"name":{"x":1},"args":"nmap","interactive":true},"container":{"id":""}}`,
	`{"event":{"category":["process"],"type":["start"],"action":"exec"},"process":{"name":"socat"},"process.interactive":true,"host":{"os":{"type":"linux"}},"container":{"id":"x"},"process":{"name":"tcpdump"}}`,
	`{"event":{"category":["process"],"type":["start"],"action":"exec"},"host":{"os":{"type":"linux"}},"pro\u0063ess":{"n\u0061me":"\u006ec","args":["nc","-\u006cvp"],"interactive":true},"container.id":"c\\1"}`,
	`{"event":{"category":["process"],"type":["start"],"action":"exec"},"host":{"os":{"type":"linux"}},"process":{"name":"bash","args":["bash","-c","ncat -e /bin/sh"],"parent.name":"sshd","interactive":true,"entry_leader":{"entry_meta.type":"container"}},"container":{"id":"abcdefghijklmnopqrstuvwxyz0123456789"}}`,
	`{ "event" : { "category" : [ "process" ] , "type" : [ "start" ] , "action" : "exec" } , "host" : { "os" : { "type" : "linux" } } , "process" : { "name" : "nmap" , "args" : [ "nmap" , "-sS" ] , "interactive" : true } , "container" : { "id" : "c1" } }`,
	`{"event":{"category":["process"],"type":["start"],"action":"exec","skip":{"a":"}]\"","b":[{"c":"{"}]}},"host":{"os":{"type":"linux"}},"process":{"name":"socat","args":["socat",1,2.5,true,null],"interactive":true,"user":{"name":"x"}},"container":{"id":"c1","runtime":"containerd"}}`,
	`{"event":{"category":["process"],"type":["start"],"action":"exec"},"host":{"os":{"type":"linux"}},"process":{"name":"nc","args":["nc","-lvp"],"interactive":true},"container":{"id":"c1"},"process":{"name":"tcpdump"},"process.interactive":false}`,
	`not json`,
	`{"event":{"category":["process"],"type":["start"],"action":"exec"},"process":{"name":"nc"`,
	`{"event":{"category":["process"],"type":["start"],"action":"exec"},"process":{"name":"nc","unused":"abc\q"}}`,
	`{"event":{"category":["process"],"type":["start"],"action":"exec"},"process":{"name":"nc","unused":tru}}`,
	// A backslash outside a string, in a container no rule reads: once
	// taken by the interpreted decoder's masks to escape the quote after
	// it, so that the line passed as JSON.
	`{"event":{"category":["process"],"type":["start"],"action":"exec"},"process":{"name":"nc","unused":{\"}}}`,
	`{"":{\"}}`,
	// Query calls: addresses and networks, numbers in keyword fields, case.
	`{"event":{"kind":"event","category":["network"]},"source":{"ip":"10.1.2.3"}}`,
	`{"event":{"kind":"event","category":["network"]},"source":{"ip":"::ffff:10.0.0.1"}}`,
	`{"event":{"kind":"event","category":["network"]},"source":{"ip":["8.8.8.8","192.168.1.1"]}}`,
	`{"event":{"kind":"event","category":["network"]},"source":{"ip":"fe80::1"}}`,
	`{"event":{"kind":"event","category":["network"]},"source":{"ip":"not an address"}}`,
	`{"event":{"kind":"event","category":["network"]},"source":{"ip":7}}`,
	`{"event":{"kind":"event","category":["network"]},"source":{"ip":"192.168.1.2"}}`,
	`{"event":{"kind":"event","category":["process"],"type":["start"]},"process":{"executable":"/usr/bin/BASH","name":"BASH","args":["-EXEC",7],"command_line":"nc -lvp 1","working_directory":"/tmp/x","parent":{"name":"zsh"}}}`,
	`{"event":{"kind":"event","category":["process"],"type":["start"]},"process":{"executable":"/usr/bin/python3","name":12,"args":["-e","-l"],"command_line":"NC -Z","parent":{"name":"init"}}}`,
	`{"event":{"kind":"event","category":["process"],"type":["start"]},"process":{"executable":"/usr/bin/ſh","name":"ſh","args":["-ε"],"command_line":"ｎc -"}}`,
}

// TestGoAgreesWithNative is the differential test: the generated package
// and the interpreted evaluator, given the same rules, give the same
// alerts (rule, event numbers, in order) on the benchmark generator's
// events, on the corpus, and on hand-written tricky events.
func TestGoAgreesWithNative(t *testing.T) {
	n := 50_000
	if testing.Short() {
		n = 5_000
	}
	var buf bytes.Buffer
	if err := native.GenerateEvents(&buf, n, 7); err != nil {
		t.Fatal(err)
	}
	gen := bytes.Split(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n"))
	corpus := goGenLines(t, filepath.Join("corpus", "events.ndjson"))
	var tricky [][]byte
	for _, s := range goGenTricky {
		tricky = append(tricky, []byte(s))
	}
	streams := []struct {
		name  string
		lines [][]byte
	}{{"generated", gen}, {"corpus", corpus}, {"tricky", tricky}}
	for _, gr := range goGenRunners {
		p := goGenPackages[slices.IndexFunc(goGenPackages, func(p struct {
			name     string
			patterns []string
		}) bool {
			return p.name == gr.name
		})]
		rules := goGenRules(t, p.patterns...)
		if got, want := gr.files(), goGenFiles(rules); !slices.Equal(got, want) {
			t.Fatalf("%s: the golden package has rules %v, the rule files give %v (run -update)", gr.name, got, want)
		}
		prog, diags := native.Compile(rules, native.Options{})
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		for _, st := range streams {
			t.Run(gr.name+"/"+st.name, func(t *testing.T) {
				// Alerts are compared by the events they hold (their line
				// numbers, found by content), not by the engines' event
				// numbers, so that the test checks what matched.
				index := map[string]int{}
				for i, l := range st.lines {
					if _, ok := index[string(l)]; !ok {
						index[string(l)] = i
					}
				}
				key := func(file string, nums []int64, raw [][]byte) string {
					pos := make([]int, len(raw))
					for i, r := range raw {
						pos[i] = -1
						if nums[i] >= 0 {
							pos[i] = index[string(r)]
						}
					}
					return fmt.Sprintf("%s %v", file, pos)
				}
				var want []string
				emit := func(m native.Match) {
					want = append(want, key(rules[m.Rule].Meta.File, m.Nums, m.Events))
				}
				var wantErrs []string
				eng := prog.NewEngine()
				for i, l := range st.lines {
					if err := eng.Process(l, emit); err != nil {
						wantErrs = append(wantErrs, goGenErr(i, err))
					}
				}
				eng.Flush(emit)
				var got []string
				alerts, gotErrs := gr.run(st.lines)
				for _, a := range alerts {
					got = append(got, key(a.file, a.nums, a.raw))
				}
				if !slices.Equal(gotErrs, wantErrs) {
					t.Errorf("bad events differ:\n got  %v\n want %v", gotErrs, wantErrs)
				}
				if len(want) == 0 {
					t.Fatalf("the native evaluator found no match: the test proves nothing")
				}
				if !slices.Equal(got, want) {
					t.Errorf("generated and native alerts differ (%d vs %d):\n%s", len(got), len(want), goGenDiff(want, got))
				}
			})
		}
	}
}

// FuzzGoAgreesWithNative: on any one line, the generated package of the
// shipped rules and the interpreted evaluator give the same alerts and the
// same kind of error (none, skipped, evaluated).
func FuzzGoAgreesWithNative(f *testing.F) {
	rules := goGenRules(f, filepath.Join("..", "rules", "*.toml"))
	prog, diags := native.Compile(rules, native.Options{})
	if diags.HasErrors() {
		f.Fatal(diags)
	}
	for _, s := range goGenTricky {
		f.Add([]byte(s))
	}
	for _, l := range goGenLines(f, filepath.Join("corpus", "events.ndjson"))[:20] {
		f.Add(l)
	}
	errKind := func(err error) string {
		if err == nil {
			return "none"
		}
		return goGenErr(0, err)
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		var want, got []string
		werr := prog.NewEngine().Process(line, func(m native.Match) { want = append(want, rules[m.Rule].Meta.File) })
		gerr := eqlxrules.NewMatcher().Match(line, func(a eqlxrules.Alert) { got = append(got, a.Rule.File) })
		if !slices.Equal(got, want) || errKind(gerr) != errKind(werr) {
			t.Errorf("%q:\n generated %v, %s\n native    %v, %s", line, got, errKind(gerr), want, errKind(werr))
		}
	})
}

func goGenFiles(rules []*ir.Rule) []string {
	var out []string
	for _, r := range rules {
		out = append(out, r.Meta.File)
	}
	return out
}

// goGenDiff lists the first differences between two alert lists.
func goGenDiff(want, got []string) string {
	w := map[string]int{}
	for _, s := range want {
		w[s]++
	}
	g := map[string]int{}
	for _, s := range got {
		g[s]++
	}
	var b strings.Builder
	n := 0
	for _, s := range want {
		if g[s] < w[s] && n < 10 {
			fmt.Fprintf(&b, "  only native:    %s\n", s)
			g[s]++
			n++
		}
	}
	for _, s := range got {
		if w[s] == 0 && n < 20 {
			fmt.Fprintf(&b, "  only generated: %s\n", s)
			n++
		}
	}
	if n == 0 {
		b.WriteString("  same alerts, different order\n")
	}
	return b.String()
}

// BenchmarkGoGenerated compares the generated package of the shipped rules
// with the interpreted evaluator on the same rules and the same stream (the
// evaluator's benchmark generator, seed 42): one op is one event, read,
// extracted and evaluated against every rule. Run with
// -benchtime=1000000x for a 1M-event stream.
func BenchmarkGoGenerated(b *testing.B) {
	lines := goGenEvents()
	b.Run("generated", func(b *testing.B) {
		m := eqlxrules.NewMatcher()
		hits := 0
		fn := func(eqlxrules.Alert) { hits++ }
		b.SetBytes(2000)
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			_ = m.Match(lines[n%len(lines)], fn)
			n++
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("native", func(b *testing.B) {
		rules := goGenRules(b, filepath.Join("..", "rules", "*.toml"))
		prog, diags := native.Compile(rules, native.Options{})
		if diags.HasErrors() {
			b.Fatal(diags)
		}
		eng := prog.NewEngine()
		hits := 0
		emit := func(native.Match) { hits++ }
		b.SetBytes(2000)
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			_ = eng.Process(lines[n%len(lines)], emit)
			n++
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
	})
}

// BenchmarkGoGeneratedVsNative runs the two engines of
// BenchmarkGoGenerated in alternating chunks of 10,000 events over the
// same stream, so that load from other processes on a shared machine
// falls on both alike, and reports the ratio of their events/s (one op is
// one chunk through both).
func BenchmarkGoGeneratedVsNative(b *testing.B) {
	lines := goGenEvents()
	rules := goGenRules(b, filepath.Join("..", "rules", "*.toml"))
	prog, diags := native.Compile(rules, native.Options{})
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	eng := prog.NewEngine()
	m := eqlxrules.NewMatcher()
	fn := func(eqlxrules.Alert) {}
	emit := func(native.Match) {}
	const chunk = 10_000
	var gen, nat time.Duration
	n := 0
	for b.Loop() {
		start := time.Now()
		for k := range chunk {
			_ = m.Match(lines[(n+k)%len(lines)], fn)
		}
		mid := time.Now()
		for k := range chunk {
			_ = eng.Process(lines[(n+k)%len(lines)], emit)
		}
		gen += mid.Sub(start)
		nat += time.Since(mid)
		n += chunk
	}
	b.ReportMetric(float64(n)/gen.Seconds(), "generated-events/s")
	b.ReportMetric(float64(n)/nat.Seconds(), "native-events/s")
	b.ReportMetric(nat.Seconds()/gen.Seconds(), "speedup")
}
