package native

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/eqlx/eqlx/ir"
)

// matches compiles `any where cond` and reports whether event matches it.
func matches(t *testing.T, cond ir.Expr, event string) bool {
	t.Helper()
	prog, diags := Compile([]*ir.Rule{rule("t", evq("any", cond))}, Options{})
	if diags.HasErrors() {
		t.Fatalf("compile: %v", diags)
	}
	got := false
	if err := prog.NewEngine().Process([]byte(event), func(Match) { got = true }); err != nil {
		t.Fatalf("process: %v", err)
	}
	return got
}

func i64(v int64) ir.Value     { return ir.IntValue(v) }
func f64(v float64) ir.Value   { return ir.FloatValue(v) }
func sv(s string) ir.Value     { return ir.StringValue(s) }
func litI(v int64) *ir.Literal { return lit(i64(v)) }
func litS(s string) *ir.Literal {
	return lit(sv(s))
}

// TestSemantics pins the evaluator's meaning of each construct (doc.go).
func TestSemantics(t *testing.T) {
	cases := []struct {
		name  string
		cond  ir.Expr
		event string
		want  bool
	}{
		// Query predicates on missing, null and array fields.
		{"== on a missing field is false", in("a", "x"), `{}`, false},
		{"!= on a missing field is true (must_not)", not(in("a", "x")), `{}`, true},
		{"!= on a null field is true", not(in("a", "x")), `{"a":null}`, true},
		{"== on an array matches any element", in("a", "x"), `{"a":["y","x"]}`, true},
		{"!= on an array is true only when no element equals", not(in("a", "x")), `{"a":["y","x"]}`, false},
		{"!= on an array without the value is true", not(in("a", "x")), `{"a":["y","z"]}`, true},
		{"two == on one array field can match different elements", and(in("a", "init"), in("a", "runc")), `{"a":["runc","init"]}`, true},
		{"== null on a missing field", isNull(fld("a")), `{}`, true},
		{"== null on JSON null", isNull(fld("a")), `{"a":null}`, true},
		{"== null on an empty array", isNull(fld("a")), `{"a":[]}`, true},
		{"== null on an array of nulls", isNull(fld("a")), `{"a":[null]}`, true},
		{"== null on an empty string is false", isNull(fld("a")), `{"a":""}`, false},
		{"!= null on a value", not(isNull(fld("a"))), `{"a":0}`, true},
		// Case.
		{"== is case-sensitive", in("a", "nc"), `{"a":"NC"}`, false},
		{"in~ folds case", inCI("a", "nc"), `{"a":"NC"}`, true},
		{"in~ uses Unicode simple folding (Kelvin sign)", inCI("a", "k"), `{"a":"\u212a"}`, true},
		{"in~ folds long s to s", inCI("a", "s"), `{"a":"\u017f"}`, true},
		{"like is case-sensitive", like("a", false, "N*"), `{"a":"nc"}`, false},
		{"like~ folds case", like("a", true, "N*"), `{"a":"nc"}`, true},
		{": folds non-ASCII", like("a", true, "*É*"), `{"a":"café"}`, true},
		// Wildcards.
		{"* matches the empty string", like("a", false, "*"), `{"a":""}`, true},
		{"* needs a string", like("a", false, "*"), `{"a":12}`, false},
		{"* on a missing field is false", like("a", false, "*"), `{}`, false},
		{"? matches exactly one character", like("a", false, "a?c"), `{"a":"abc"}`, true},
		{"? matches one multibyte character", like("a", false, "a?c"), `{"a":"aéc"}`, true},
		{"? does not match zero characters", like("a", false, "a?c"), `{"a":"ac"}`, false},
		{"? does not match two characters", like("a", false, "a?c"), `{"a":"abbc"}`, false},
		{"wildcards match the whole value", like("a", false, "nc"), `{"a":"nc -l"}`, false},
		{"a backslash is literal, not an escape", like("a", false, `a\*`), `{"a":"a\\b"}`, true},
		{"a backslash before * still leaves * a wildcard", like("a", false, `a\*`), `{"a":"a*"}`, false},
		{"infix pattern", like("a", false, "*/*sh"), `{"a":"nc -e /bin/sh"}`, true},
		{"segments in order", like("a", false, "*a*b*"), `{"a":"ba"}`, false},
		{"suffix segment with ?", like("a", false, "*x?"), `{"a":"axé"}`, true},
		{"prefix and suffix may not overlap", like("a", false, "ab*ba"), `{"a":"aba"}`, false},
		{"prefix and suffix meet", like("a", false, "ab*ba"), `{"a":"abba"}`, true},
		{"middle segment between the ends", like("a", false, "a*b*c"), `{"a":"acbc"}`, true},
		{"middle segment must fit before the suffix", like("a", false, "a*cbc*c"), `{"a":"acbc"}`, false},
		{"? in the suffix takes one rune", like("a", false, "*é?"), `{"a":"xéé"}`, true},
		{"prefix table", like("a", false, "py*", "pe*"), `{"a":"perl"}`, true},
		{"suffix table", like("a", false, "*.sh", "*.py"), `{"a":"x.py"}`, true},
		// Regex: Lucene, whole value.
		{"regex matches the whole value", regex("a", false, "run"), `{"a":"run abc"}`, false},
		{"regex . matches a newline", regex("a", false, "a.b"), `{"a":"a\nb"}`, true},
		{"regex ^ is a literal in Lucene", regex("a", false, "^a"), `{"a":"^a"}`, true},
		{"regex~ folds case", regex("a", true, "[a-z]+sh"), `{"a":"BASH"}`, true},
		{"regex is case-sensitive", regex("a", false, "[a-z]+sh"), `{"a":"BASH"}`, false},
		{"regex \\w and classes", regex("a", false, `\w+\s\S+`), `{"a":"ab c"}`, true},
		{"regex quoted literal", regex("a", false, `"a.b"`), `{"a":"axb"}`, false},
		{"regex on array any element", regex("a", false, "-[lp]+"), `{"a":["nc","-lp"]}`, true},
		// Types.
		{"int equals float", inV(fld("n"), i64(12)), `{"n":12.0}`, true},
		{"float equals int", inV(fld("n"), f64(12)), `{"n":12}`, true},
		{"a string never equals a number", inV(fld("n"), i64(12)), `{"n":"12"}`, false},
		{"a number never equals a string", in("n", "12"), `{"n":12}`, false},
		{"keyword field: a number constant is its text", inV(fld("event.code"), i64(4624)), `{"event":{"code":"4624"}}`, true},
		{"keyword field: a number value is its text", in("event.code", "4624"), `{"event":{"code":4624}}`, true},
		{"keyword field: number against number", inV(fld("event.code"), i64(4624)), `{"event":{"code":4624}}`, true},
		{"keyword field: 4624.0 is not 4624", in("event.code", "4624"), `{"event":{"code":4624.0}}`, false},
		{"keyword field: ordering by text", cmp(ir.Gt, fld("event.code"), litI(5)), `{"event":{"code":"10"}}`, false},
		{"numeric field: a numeric string is a number", inV(fld("process.pid"), i64(12)), `{"process":{"pid":"12"}}`, true},
		{"numeric field: a string constant is a number", in("process.pid", "12"), `{"process":{"pid":12}}`, true},
		{"numeric field: ordering a numeric string", cmp(ir.Gt, fld("process.args_count"), litI(2)), `{"process":{"args_count":"10"}}`, true},
		{"numeric field: a non-numeric string is not a number", inV(fld("process.pid"), i64(12)), `{"process":{"pid":"x12"}}`, false},
		{"date field: compared as instants", cmp(ir.Ge, fld("@timestamp"), litS("2026-01-01T00:00:00Z")), `{"@timestamp":"2026-01-01T01:00:00+01:00"}`, true},
		{"date field: before", cmp(ir.Lt, fld("@timestamp"), litS("2026-01-01T00:00:00Z")), `{"@timestamp":"2025-12-31T23:59:59.999Z"}`, true},
		{"script on a keyword field sees a number's text", call("startswith", false, fld("event.code"), litS("46")), `{"event":{"code":4624}}`, true},
		{"length counts UTF-16 units", inV(call("length", false, fld("a")), i64(2)), `{"a":"😀"}`, true},
		{"bool equals bool", eqb("b", true), `{"b":true}`, true},
		{"bool never equals a string", eqb("b", true), `{"b":"true"}`, false},
		{"> on numbers", cmp(ir.Gt, fld("n"), litI(2)), `{"n":3}`, true},
		{"> on a missing field is false", cmp(ir.Gt, fld("n"), litI(2)), `{}`, false},
		{"not > on a missing field is true", not(cmp(ir.Gt, fld("n"), litI(2))), `{}`, true},
		{"> on an array: any element", cmp(ir.Gt, fld("n"), litI(2)), `{"n":[1,5]}`, true},
		{"< literal on the left", cmp(ir.Lt, litI(2), fld("n")), `{"n":3}`, true},
		{"string ordering by code point", cmp(ir.Lt, fld("s"), litS("b")), `{"s":"B"}`, true},
		{"number vs string ordering is false", cmp(ir.Gt, fld("n"), litI(2)), `{"n":"3"}`, false},
		// IP fields compare by address.
		{"ip equality by address", in("source.ip", "::1"), `{"source":{"ip":"0:0:0:0:0:0:0:1"}}`, true},
		{"ip mapped v4", in("source.ip", "10.0.0.1"), `{"source":{"ip":"::ffff:10.0.0.1"}}`, true},
		{"ip != by address", not(in("source.ip", "::1")), `{"source":{"ip":"0::1"}}`, false},
		{"ip range compare", cmp(ir.Ge, fld("source.ip"), litS("10.0.0.0")), `{"source":{"ip":"10.1.0.0"}}`, true},
		{"an ip is not a string: wildcards never match it", like("source.ip", false, "10.*"), `{"source":{"ip":"10.0.0.1"}}`, false},
		{"non-ip field compares strings", in("host.name", "::1"), `{"host":{"name":"0::1"}}`, false},
		// event shapes.
		{"dotted keys equal nested objects", in("process.name", "nc"), `{"process.name":"nc"}`, true},
		{"partly dotted keys", in("process.parent.name", "nc"), `{"process":{"parent.name":"nc"}}`, true},
		{"arrays of objects flatten", in("a.b", "x"), `{"a":[{"b":"y"},{"b":"x"}]}`, true},
		{"nested arrays flatten", in("a", "x"), `{"a":[["y"],["x"]]}`, true},
		{"escaped strings are unescaped", in("a", "say \"hi\"\\\n\u00e9"), `{"a":"say \"hi\"\\\n\u00e9"}`, true},
		{"surrogate pairs", in("a", "😀"), `{"a":"\ud83d\ude00"}`, true},
		{"escaped keys are unescaped", in("a", "x"), `{"\u0061":"x"}`, true},
		// Scripts: null in, null out; Kleene logic inside a script, and
		// Lucene's must_not around anything that is not one.
		{"function on a missing field is null: no match", call("startswith", false, fld("a"), litS("x")), `{}`, false},
		{"not of a script's null is null: no match", not(cmp(ir.Gt, call("length", false, fld("a")), lit(i64(1)))), `{}`, false},
		{"not not of a script's null is null", not(not(cmp(ir.Gt, call("length", false, fld("a")), lit(i64(1))))), `{}`, false},
		{"startsWith of a field is a prefix query: not matches a missing field", not(call("startswith", false, fld("a"), litS("x"))), `{}`, true},
		{"endsWith~ of a field is a wildcard query", not(call("endswith", true, fld("a"), litS("x"))), `{}`, true},
		{"stringContains of a field is a wildcard query", not(call("stringcontains", false, fld("a"), litS("x"))), `{}`, true},
		{"cidrMatch of a field is a terms query", not(call("cidrmatch", false, fld("source.ip"), litS("10.0.0.0/8"))), `{}`, true},
		{"not cidrMatch still tests a present address", not(call("cidrmatch", false, fld("source.ip"), litS("10.0.0.0/8"))), `{"source":{"ip":"10.1.2.3"}}`, false},
		{"not of an or is must_not: the script's null counts as false", not(or(cmp(ir.Gt, call("length", false, fld("a")), lit(i64(1))), in("b", "y"))), `{"b":"z"}`, true},
		{"not of an and likewise", not(and(cmp(ir.Gt, call("length", false, fld("a")), lit(i64(1))), in("b", "z"))), `{"b":"z"}`, true},
		{"not of an or that is true", not(or(cmp(ir.Gt, call("length", false, fld("a")), lit(i64(1))), in("b", "y"))), `{"b":"y"}`, false},
		{"null or true is true", or(call("startswith", false, fld("a"), litS("x")), in("b", "y")), `{"b":"y"}`, true},
		{"function per array element", call("startswith", false, fld("a"), litS("/tmp")), `{"a":["x","/tmp/y"]}`, true},
		{"startswith~ folds", call("startswith", true, fld("a"), litS("ABC")), `{"a":"abcd"}`, true},
		{"startswith is case-sensitive", call("startswith", false, fld("a"), litS("ABC")), `{"a":"abcd"}`, false},
		{"endswith", call("endswith", false, fld("a"), litS(".sh")), `{"a":"x.sh"}`, true},
		{"stringContains with empty is false", call("stringcontains", false, fld("a"), litS("")), `{"a":"x"}`, false},
		{"stringContains~", call("stringcontains", true, fld("a"), litS("XY")), `{"a":"axyb"}`, true},
		{"length == 3", inV(call("length", false, fld("a")), i64(3)), `{"a":"abc"}`, true},
		{"length counts characters of the BMP", inV(call("length", false, fld("a")), i64(2)), `{"a":"éé"}`, true},
		{"length per element", inV(call("length", false, fld("a")), i64(1)), `{"a":["abc","x"]}`, true},
		{"Java integer division", inV(&ir.Arith{Op: ir.Div, Left: litI(-7), Right: litI(2)}, i64(-3)), `{}`, true},
		{"Java modulo takes the dividend's sign", inV(&ir.Arith{Op: ir.Mod, Left: litI(10), Right: litI(-6)}, i64(4)), `{}`, true},
		{"Java modulo, negative dividend", inV(&ir.Arith{Op: ir.Mod, Left: litI(-10), Right: litI(-6)}, i64(-4)), `{}`, true},
		{"division by zero is null", not(inV(&ir.Arith{Op: ir.Div, Left: litI(1), Right: litI(0)}, i64(0))), `{}`, false},
		{"int + float is float", inV(&ir.Arith{Op: ir.Add, Left: litI(1), Right: lit(f64(0.5))}, f64(1.5)), `{}`, true},
		{"arithmetic on fields", cmp(ir.Gt, &ir.Arith{Op: ir.Sub, Left: fld("n"), Right: litI(1)}, litI(2)), `{"n":4}`, true},
		{"substring negative start", inV(call("substring", false, fld("a"), litI(-2)), sv("sh")), `{"a":"bash"}`, true},
		{"substring past the end is empty", inV(call("substring", false, fld("a"), litI(9)), sv("")), `{"a":"bash"}`, true},
		{"substring with end", inV(call("substring", false, fld("a"), litI(0), litI(-1)), sv("bas")), `{"a":"bash"}`, true},
		{"indexOf", inV(call("indexof", false, fld("a"), litS("s")), i64(2)), `{"a":"bash"}`, true},
		{"indexOf absent is null", isNull(call("indexof", false, fld("a"), litS("z"))), `{"a":"bash"}`, true},
		{"indexOf empty returns start", inV(call("indexof", false, fld("a"), litS(""), litI(2)), i64(2)), `{"a":"bash"}`, true},
		{"between", inV(call("between", false, fld("a"), litS("a"), litS("h")), sv("s")), `{"a":"bash"}`, true},
		{"between missing delimiter is empty", inV(call("between", false, fld("a"), litS("x"), litS("h")), sv("")), `{"a":"bash"}`, true},
		{"concat", inV(call("concat", false, fld("a"), litS("-"), litI(1)), sv("x-1")), `{"a":"x"}`, true},
		{"concat with null is null", isNull(call("concat", false, fld("a"), litS("-"))), `{}`, true},
		{"string of bool", inV(call("string", false, fld("b")), sv("true")), `{"b":true}`, true},
		{"number hex", inV(call("number", false, litS(" 0x1f ")), i64(31)), `{}`, true},
		{"number float", inV(call("number", false, litS("-1.5")), f64(-1.5)), `{}`, true},
		{"number of empty is null", isNull(call("number", false, litS(""))), `{}`, true},
		{"cidrMatch v4", call("cidrmatch", false, fld("source.ip"), litS("10.0.0.0/8"), litS("192.168.0.0/16")), `{"source":{"ip":"192.168.1.1"}}`, true},
		{"cidrMatch v6", call("cidrmatch", false, fld("source.ip"), litS("fe80::/10")), `{"source":{"ip":"fe80::1"}}`, true},
		{"cidrMatch bare v6 address is a /128", call("cidrmatch", false, fld("source.ip"), litS("::1")), `{"source":{"ip":"::1"}}`, true},
		{"cidrMatch bare v4 address is a /32", call("cidrmatch", false, fld("source.ip"), litS("10.0.0.1")), `{"source":{"ip":"10.0.0.2"}}`, false},
		{"cidrMatch not an address is false", call("cidrmatch", false, fld("source.ip"), litS("10.0.0.0/8")), `{"source":{"ip":"nope"}}`, false},
		{"field == field compares values", cmp(ir.Eq, fld("a"), fld("b")), `{"a":"x","b":["y","x"]}`, true},
		{"field != field with a missing side is null", not(cmp(ir.Eq, fld("a"), fld("b"))), `{"a":"x"}`, false},
		{"in~ with a computed subject", &ir.In{X: call("substring", false, fld("a"), litI(0), litI(2)), Values: strs("NC"), CaseInsensitive: true}, `{"a":"nc -l"}`, true},
		{"match with a computed subject", &ir.Match{X: call("substring", false, fld("a"), litI(0), litI(2)), Kind: ir.Wildcard, Patterns: []string{"n?"}}, `{"a":"nc -l"}`, true},
		{"match with a computed null subject is null", not(&ir.Match{X: call("substring", false, fld("a"), litI(0)), Kind: ir.Wildcard, Patterns: []string{"n?"}}), `{}`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := matches(t, c.cond, c.event); got != c.want {
				t.Errorf("%s on %s = %v, want %v", ir.PrintExpr(c.cond), c.event, got, c.want)
			}
		})
	}
}

func TestCategory(t *testing.T) {
	cases := []struct {
		name  string
		q     *ir.EventQuery
		event string
		want  bool
	}{
		{"category in the array", evq("process", nil), `{"event":{"category":["process"]}}`, true},
		{"category is case-sensitive", evq("process", nil), `{"event":{"category":["Process"]}}`, false},
		{"category among several", evq("file", nil), `{"event":{"category":["process","file"]}}`, true},
		{"missing category", evq("process", nil), `{}`, false},
		{"any matches everything", evq("any", nil), `{}`, true},
		{"override field", &ir.EventQuery{Category: "info", CategoryField: "event.type"}, `{"event":{"type":["info"]}}`, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			prog, diags := Compile([]*ir.Rule{rule("t", c.q)}, Options{})
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			got := false
			if err := prog.NewEngine().Process([]byte(c.event), func(Match) { got = true }); err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestWildcardIsLinear(t *testing.T) {
	// A backtracking matcher takes exponential time on this; ours is one
	// pass per segment. The test only has to finish.
	s := strings.Repeat("a", 200_000)
	if matches(t, like("a", false, "*a*a*a*a*a*a*a*a*b"), `{"a":"`+s+`"}`) {
		t.Error("matched without a b")
	}
	if !matches(t, like("a", false, "*a*a*a*a*a*a*a*a*b"), `{"a":"`+s+`b"}`) {
		t.Error("did not match")
	}
	if matches(t, like("a", false, "*?a?a?a?b"), `{"a":"`+s[:20_000]+`"}`) {
		t.Error("matched without a b")
	}
}

func TestRegexTranslation(t *testing.T) {
	ok := []struct{ in, out string }{
		{`abc`, `(?s)^(?:abc)$`},
		{`a.b`, `(?s)^(?:a.b)$`},
		{`^a$`, `(?s)^(?:\^a\$)$`},
		{`\n\.`, `(?s)^(?:n\.)$`},
		{`\d+\S\w`, `(?s)^(?:\d+\S\w)$`},
		{`"a.b"c`, `(?s)^(?:a\.bc)$`},
		{`[^a-z\]]`, `(?s)^(?:[^a-z\]])$`},
		{`[<>@]`, `(?s)^(?:[\<\>\@])$`},
		{`a{2,3}(b|c)*`, `(?s)^(?:a{2,3}(b|c)*)$`},
		{`\@`, `(?s)^(?:@)$`},
	}
	for _, c := range ok {
		got, err := translateLucene(c.in, false)
		if err != nil || got != c.out {
			t.Errorf("translateLucene(%q) = %q, %v; want %q", c.in, got, err, c.out)
		}
	}
	bad := []struct {
		in  string
		off int
	}{
		{`a@`, 1}, {`a&b`, 1}, {`~a`, 0}, {`<1-5>`, 0}, {`a#`, 1}, {`(?i)a`, 0}, {`[ab`, 0}, {`"ab`, 0}, {`ab\`, 2},
	}
	for _, c := range bad {
		_, err := translateLucene(c.in, false)
		le, isLE := err.(*luceneError)
		if !isLE || le.off != c.off {
			t.Errorf("translateLucene(%q) error = %v, want one at offset %d", c.in, err, c.off)
		}
	}
}

func TestUnsupportedRegexIsAPositionedError(t *testing.T) {
	m := regex("a", false, "ok", "a<1-5>")
	m.Span = ir.Span{Start: ir.Pos{File: "r.toml", Line: 3, Col: 7}}
	_, diags := Compile([]*ir.Rule{rule("t", evq("any", m))}, Options{})
	if len(diags) != 1 || diags[0].Code != "native/regex" || diags[0].Span.Start.Line != 3 {
		t.Fatalf("diags = %v", diags)
	}
	if !strings.Contains(diags[0].Msg, `"a<1-5>"`) {
		t.Errorf("message does not name the pattern: %s", diags[0].Msg)
	}
}

func TestUnknownFunctionIsAnError(t *testing.T) {
	_, diags := Compile([]*ir.Rule{rule("t", evq("any", call("wildcard", false, fld("a"))))}, Options{})
	if !diags.HasErrors() || diags[0].Code != "native/unknown-function" {
		t.Fatalf("diags = %v", diags)
	}
}

// TestEventQueriesDoNotAllocate: once warm, an engine evaluates event
// queries, the shipped rules and predicates over computed values alike,
// without a heap allocation per event. (String-building functions such as
// concat and substring do allocate their result.)
func TestEventQueriesDoNotAllocate(t *testing.T) {
	rules := shippedRules(1)
	for i, e := range []ir.Expr{
		cmp(ir.Gt, call("length", false, fld("process.args")), lit(i64(2))),
		cmp(ir.Ge, call("add", false, fld("process.pid"), lit(i64(1))), lit(i64(3))),
		call("startswith", true, fld("process.executable"), lit(sv("/USR/"))),
		cmp(ir.Eq, call("number", false, fld("process.args_count")), lit(i64(2))),
	} {
		rules = append(rules, rule(fmt.Sprint("script", i), evq("process", e)))
	}
	prog, diags := Compile(rules, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	eng := prog.NewEngine()
	var buf bytes.Buffer
	if err := GenerateEvents(&buf, 300, 7); err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	hits := 0
	run := func() {
		for _, l := range lines {
			if err := eng.Process(l, func(Match) { hits++ }); err != nil {
				t.Fatal(err)
			}
		}
	}
	run() // warm: dictionaries, bindings and scratch grow once
	if hits == 0 {
		t.Fatal("no rule matched: the test proves little")
	}
	if n := testing.AllocsPerRun(5, run); n != 0 {
		t.Errorf("%v allocations per run of %d events, want 0", n, len(lines))
	}
}
