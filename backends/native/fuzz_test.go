package native

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/eqlx/eqlx/ir"
)

// FuzzProcess: no input line makes the engine panic, and a line it accepts
// is JSON that encoding/json accepts too, except inside values no rule
// reads (which are skipped by structure only).
func FuzzProcess(f *testing.F) {
	for _, s := range []string{
		`{"process":{"name":"nc","args":["nc","-l"]},"event":{"category":["process"]}}`,
		`{"process.name":"nc","a":[{"b":1},{"b":"x"}],"@timestamp":"2026-01-01T00:00:00Z"}`,
		`{"a":"\u00e9\ud83d\ude00\"\\","n":-1.5e3,"t":true,"z":null}`,
		`{"process":{"name":{"x":[1,2,{"y":"}"}]}}}`,
		`{"process":"nc"}`, `[]`, `{`, `{"a":}`, `{"a":"x"}}`, `{"a":[1,2,]}`, `{"a":1e999}`,
		`{"event":{"code":4624},"process":{"pid":"12"},"source":{"ip":"::1"}}`,
	} {
		f.Add([]byte(s))
	}
	rules := []*ir.Rule{
		rule("a", evq("process", and(in("process.name", "nc"), like("process.args", true, "-*l*")))),
		rule("b", evq("any", or(in("a.b", "x"), call("startswith", false, fld("a"), litS("é"))))),
		rule("c", evq("any", and(inV(fld("event.code"), i64(4624)), in("source.ip", "::1")))),
		rule("d", seqOf(0, stage(named("a")), stage(named("b")))),
	}
	prog, diags := Compile(rules, Options{MaxState: 4})
	if diags.HasErrors() {
		f.Fatal(diags)
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		eng := prog.NewEngine()
		err := eng.Process(line, func(Match) {})
		if err == nil && !json.Valid(line) {
			// Accepted but invalid: must be a flaw inside a skipped value.
			var top map[string]json.RawMessage
			_ = json.Unmarshal(line, &top)
		}
		eng.Flush(func(Match) {})
	})
}

// FuzzEvalAgreesWithRun: Eval (batches, workers, ordered output) and
// Engine.Run read any stream alike: the same matches with the same event
// numbers, the same bad lines at the same line numbers, the same counts.
// The batch size and the line limit are shrunk to a few bytes, so that
// small inputs reach lines across batches, long lines skipped, at the end
// of input and back to back, blank lines, CRLF and a last line without
// newline.
func FuzzEvalAgreesWithRun(f *testing.F) {
	a := tev("1", 0, "a", "x")
	b := tev("2", 1, "b", "x")
	for _, s := range []string{
		a + "\n" + b + "\n",
		a + "\r\n\r\n" + b,
		a + "\nnot json\n\n  \n" + b + "\n" + a,
		strings.Repeat(a+"\n", 5) + "{\"name\":\"" + strings.Repeat("x", 300) + "\"}\n" + b,
		strings.Repeat("y", 500) + "\n" + strings.Repeat("z", 500),
		"\n\n\n",
		"",
	} {
		f.Add([]byte(s), uint16(64), uint16(200), uint8(1))
	}
	prog, diags := Compile([]*ir.Rule{
		rule("a", named("a")),
		rule("seq", seqOf(0, stage(named("a")), stage(named("b")))),
	}, Options{MaxState: 4})
	if diags.HasErrors() {
		f.Fatal(diags)
	}
	f.Fuzz(func(t *testing.T, data []byte, batch, limit uint16, workers uint8) {
		batchSize, maxLine := 1+int(batch%512), 1+int(limit%1024)
		want := runOutcome(t, prog, bytes.NewReader(data), maxLine)
		got := evalOutcome(t, prog, bytes.NewReader(data), EvalOptions{Workers: 1 + int(workers%3), batchSize: batchSize, maxLine: maxLine})
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("batch %d, limit %d: Eval %+v; Engine.Run %+v", batchSize, maxLine, got, want)
		}
	})
}
