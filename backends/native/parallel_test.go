package native

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
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

// TestEvalStopsAtBadLine: when Bad returns an error, the stream ends with
// that line, as Engine.Run ends it, however far the workers have read
// ahead: no match and no count from the lines after it, and no Flush (a
// `| tail` rule's alerts and a trailing missing stage's window would
// otherwise come out of a prefix of the input as if it were all of it).
func TestEvalStopsAtBadLine(t *testing.T) {
	tail := evq("process", in("name", "a"))
	tail.Pipes = []ir.Pipe{{Kind: ir.PipeTail, N: 1}}
	// The third rule only makes k a referenced field, so that an object in
	// k is a wrong-typed field.
	prog, diags := Compile([]*ir.Rule{rule("a", named("a")), rule("tail", tail), rule("k", evq("process", in("k", "z")))}, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	stop := errors.New("stop")
	for _, c := range []struct {
		name    string
		before  int // events named "a" before the bad line, and as many after
		badLine string
		// whether the bad line is itself evaluated (a wrong-typed field)
		// and so matches, as it would through Engine.Run
		evaluated bool
	}{
		{"not JSON, first batch", 3, "not json", false},
		{"not JSON, workers far ahead", 20_000, "not json", false},
		{"a wrong-typed field, evaluated", 3, `{"event":{"category":["process"]},"name":"a","k":{"x":1}}`, true},
	} {
		for _, workers := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s/workers=%d", c.name, workers), func(t *testing.T) {
				line := tev("1", 0, "a", "") + "\n"
				input := strings.Repeat(line, c.before) + c.badLine + "\n" + strings.Repeat(line, c.before)
				var matches, bads int
				st, err := prog.Eval([]Input{{Name: "in", R: strings.NewReader(input)}}, EvalOptions{Workers: workers,
					Bad: func(string, int64, *InputError) error { bads++; return stop }},
					func(m Match) {
						if m.Rule != 0 {
							t.Errorf("rule %d matched: the tail pipe emits only at Flush", m.Rule)
						}
						matches++
					})
				want := c.before
				if c.evaluated {
					want++
				}
				if !errors.Is(err, stop) || bads != 1 || matches != want {
					t.Fatalf("err %v, %d bad lines, %d matches; want stop, 1, %d", err, bads, matches, want)
				}
				if st.Events != int64(c.before+1) || st.BadEvents != 1 || st.Matches[0] != int64(want) {
					t.Errorf("stats: %d events, %d bad, %d matches; want %d, 1, %d", st.Events, st.BadEvents, st.Matches[0], c.before+1, want)
				}
			})
		}
	}
}

// longLine is an io.Reader of before, then a JSON line of n bytes (its
// newline not counted) made on the fly, then after: a test of lines
// longer than maxLine need not hold them.
type longLine struct {
	before, after string
	n, off        int
}

func (r *longLine) Read(p []byte) (int, error) {
	head := `{"a":"`
	total := len(r.before) + r.n + 1 + len(r.after)
	if r.off >= total {
		return 0, io.EOF
	}
	k := 0
	for ; k < len(p) && r.off < total; k, r.off = k+1, r.off+1 {
		switch i := r.off - len(r.before); {
		case i < 0:
			p[k] = r.before[r.off]
		case i < len(head):
			p[k] = head[i]
		case i < r.n-2:
			// The bulk of the line, many bytes at a time.
			m := copy(p[k:], xs[:min(len(xs), r.n-2-i)])
			k, r.off = k+m-1, r.off+m-1
		case i < r.n:
			p[k] = `"}`[i-(r.n-2)]
		case i == r.n:
			p[k] = '\n'
		default:
			p[k] = r.after[i-r.n-1]
		}
	}
	return k, nil
}

var xs = bytes.Repeat([]byte("x"), 64<<10)

// streamOutcome is what a stream of events gave: the matches (rule and
// event numbers), the bad lines (line number and error) and the counts.
type streamOutcome struct {
	matches, bad      []string
	events, badEvents int64
	err               string // the error that ended the stream (a read error)
}

func renderMatch(m Match) string { return fmt.Sprintf("%d %v", m.Rule, m.Nums) }

// runOutcome reads r with Engine.Run, its line limit maxLine (0: the
// default). A read error (a gzip stream cut short) is part of the
// outcome, which Eval must give too.
func runOutcome(t testing.TB, prog *Program, r io.Reader, maxLine int) streamOutcome {
	t.Helper()
	var o streamOutcome
	eng := prog.NewEngine()
	eng.maxLine = maxLine
	err := eng.Run(r, func(m Match) { o.matches = append(o.matches, renderMatch(m)) }, func(line int64, e *InputError) error {
		o.bad = append(o.bad, fmt.Sprintf("%d: %v", line, e))
		return nil
	})
	if err != nil {
		o.err = err.Error()
	}
	o.events, o.badEvents = eng.Stats().Events, eng.Stats().BadEvents
	return o
}

// evalOutcome reads r with Eval and opt (whose Bad it sets).
func evalOutcome(t testing.TB, prog *Program, r io.Reader, opt EvalOptions) streamOutcome {
	t.Helper()
	var o streamOutcome
	opt.Bad = func(_ string, line int64, e *InputError) error {
		o.bad = append(o.bad, fmt.Sprintf("%d: %v", line, e))
		return nil
	}
	st, err := prog.Eval([]Input{{Name: "in", R: r}}, opt, func(m Match) { o.matches = append(o.matches, renderMatch(m)) })
	if err != nil {
		// Eval names the input, as Engine.Run, which reads one, does not.
		o.err = strings.TrimPrefix(err.Error(), "in: ")
	}
	o.events, o.badEvents = st.Events, st.BadEvents
	return o
}

// TestEvalSkipsLongLines: a line longer than maxLine is reported and
// skipped by Eval as by Engine.Run, at the same line, and Eval does not
// hold it: reading it allocates a bounded amount (about 3 x maxLine, for
// the buffer that grows to maxLine), the same for 32 MiB as for 512 MiB.
func TestEvalSkipsLongLines(t *testing.T) {
	prog, diags := Compile([]*ir.Rule{rule("a", named("a"))}, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	a := tev("1", 0, "a", "")
	for _, c := range []struct {
		name          string
		before, after string
		n             int
		bad           bool
	}{
		{"just too long", a + "\n" + a + "\n", a + "\n", maxLine + 1, true},
		{"as long as allowed", a + "\n", a + "\n", maxLine, false},
		{"far too long, then blank lines", a + "\n", "\n\n" + a + "\n" + a, 32 * maxLine, true},
		{"too long, at the end", a + "\n", "", 2*maxLine + 5, true},
	} {
		input := func() io.Reader { return &longLine{before: c.before, after: c.after, n: c.n} }
		want := runOutcome(t, prog, input(), 0)
		if want.err != "" {
			t.Fatalf("%s: Engine.Run: %s", c.name, want.err)
		}
		if (len(want.bad) == 1) != c.bad || c.bad && !strings.Contains(want.bad[0], "line longer than") {
			t.Fatalf("%s: Engine.Run reported %q", c.name, want.bad)
		}
		for _, workers := range []int{1, 3} {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			got := evalOutcome(t, prog, input(), EvalOptions{Workers: workers})
			runtime.ReadMemStats(&after)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s, %d workers: Eval gave %+v, Engine.Run %+v", c.name, workers, got, want)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; c.n > 2*maxLine && alloc > 4*maxLine {
				t.Errorf("%s, %d workers: Eval allocated %d MiB for a %d MiB line", c.name, workers, alloc>>20, c.n>>20)
			}
		}
	}
}

// TestEvalReadsGzip: input that starts with gzip's magic bytes is
// decompressed, by Eval and Engine.Run alike, whatever its name; a bad
// header or a truncated stream is an error that says it is gzip's, after
// the events read before it.
func TestEvalReadsGzip(t *testing.T) {
	prog, diags := Compile([]*ir.Rule{rule("a", named("a"))}, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var plain strings.Builder
	for i := range 5000 {
		plain.WriteString(tev(fmt.Sprint(i), i, "a", "") + "\n")
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte(plain.String()))
	_ = zw.Close()
	eval := func(data []byte) (int, error) {
		n := 0
		_, err := prog.Eval([]Input{{Name: "in.ndjson", R: bytes.NewReader(data)}}, EvalOptions{Workers: 2}, func(Match) { n++ })
		return n, err
	}
	if n, err := eval(gz.Bytes()); err != nil || n != 5000 {
		t.Errorf("Eval on gzip: %d matches, %v; want 5000", n, err)
	}
	n := 0
	if err := prog.NewEngine().Run(bytes.NewReader(gz.Bytes()), func(Match) { n++ }, nil); err != nil || n != 5000 {
		t.Errorf("Run on gzip: %d matches, %v; want 5000", n, err)
	}
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"truncated", gz.Bytes()[:gz.Len()/2], "gzip: the compressed input ends early (truncated?): unexpected EOF"},
		{"bad header", []byte("\x1f\x8bnot gzip at all"), "gzip: invalid header"},
	} {
		n, err := eval(c.data)
		if err == nil || err.Error() != "in.ndjson: "+c.want {
			t.Errorf("%s: error %v, want %q", c.name, err, "in.ndjson: "+c.want)
		}
		if c.name == "truncated" {
			// Engine.Run evaluates the same complete lines before the
			// error, and no partial one.
			var runN int
			runErr := prog.NewEngine().Run(bytes.NewReader(c.data), func(Match) { runN++ }, func(int64, *InputError) error {
				t.Errorf("Engine.Run reported a bad line: the cut one is not a line")
				return nil
			})
			if n == 0 || n == 5000 || n != runN || runErr == nil || !strings.HasSuffix(err.Error(), runErr.Error()) {
				t.Errorf("%s: Eval %d matches, Engine.Run %d (%v); want the same, those of the lines before the cut", c.name, n, runN, runErr)
			}
		}
	}
}
