package ir

import (
	"strings"
	"testing"

	"github.com/eqlx/eqlx/internal/textdiff"
)

func TestPrintExpr(t *testing.T) {
	tests := []struct {
		name string
		e    Expr
		want string
	}{
		{"one value In is ==", in(fld("process.name"), "nc"), `process.name == "nc"`},
		{"several values In is in", in(fld("process.name"), "nc", "ncat"), `process.name in ("nc", "ncat")`},
		{"case-insensitive In is in~ even with one value", inCI(fld("process.name"), "nc"), `process.name in~ ("nc")`},
		{"numbers and booleans in In", &In{X: fld("p.n"), Values: []Value{IntValue(1), FloatValue(2), BoolValue(true)}}, `p.n in (1, 2.0, true)`},
		{"Not of one-value In is !=", not(in(fld("f"), "x")), `f != "x"`},
		{"Not of many-value In is not in", not(in(fld("f"), "x", "y")), `not f in ("x", "y")`},
		{"Not of In~ is not in~", not(inCI(fld("f"), "x")), `not f in~ ("x")`},
		{"IsNull is == null", isNull(fld("f")), `f == null`},
		{"Not of IsNull is != null", not(isNull(fld("f"))), `f != null`},
		{"wildcard one pattern bare", like(fld("f"), false, "a*"), `f like "a*"`},
		{"wildcard~ several patterns in parens", like(fld("f"), true, "a*", "?b"), `f like~ ("a*", "?b")`},
		{"regex", regex(fld("f"), false, `a\.b`), `f regex "a\\.b"`},
		{"regex~ list", regex(fld("f"), true, "a", "b"), `f regex~ ("a", "b")`},
		{"not like", not(like(fld("f"), false, "x*")), `not f like "x*"`},
		{"compare", cmpx(Ge, fld("process.args_count"), num(3)), `process.args_count >= 3`},
		{"field to field compare", cmpx(Eq, fld("a"), fld("b")), `a == b`},
		{"float keeps its point", cmpx(Lt, fld("a"), flt(2)), `a < 2.0`},
		{"negative literal", cmpx(Gt, fld("a"), num(-1)), `a > -1`},
		{"and/or nest with parens", and(fld("a"), or(fld("b"), fld("c"))), `a and (b or c)`},
		{"or of and needs none", or(and(fld("a"), fld("b")), fld("c")), `a and b or c`},
		{"nested and keeps its structure", and(fld("a"), and(fld("b"), fld("c"))), `a and (b and c)`},
		{"not of and", not(and(in(fld("a"), "1"), in(fld("b"), "2"))), `not (a == "1" and b == "2")`},
		{"not not", not(not(in(fld("a"), "x", "y"))), `not (not a in ("x", "y"))`},
		{"not of != stays readable", not(not(in(fld("a"), "x"))), `not a != "x"`},
		{"arith precedence", arith(Mul, arith(Add, fld("a"), num(1)), num(2)), `(a + 1) * 2`},
		{"arith left assoc", arith(Sub, arith(Sub, fld("a"), num(1)), num(2)), `a - 1 - 2`},
		{"arith right nesting", arith(Sub, fld("a"), arith(Sub, num(1), num(2))), `a - (1 - 2)`},
		{"arith negative right operand", arith(Sub, fld("a"), num(-1)), `a - (-1)`},
		{"arith under compare", cmpx(Gt, arith(Sub, call("length", fld("dll.path")), arith(Add, call("length", fld("dll.name")), num(1))), num(0)),
			`length(dll.path) - (length(dll.name) + 1) > 0`},
		{"arith subject of in is parenthesised", in(arith(Add, fld("a"), num(1)), "x", "y"), `(a + 1) in ("x", "y")`},
		{"arith subject of == is not", &In{X: arith(Add, fld("a"), num(1)), Values: []Value{IntValue(2)}}, `a + 1 == 2`},
		{"call camelCase with tilde", &Call{Name: "startswith", CaseInsensitive: true, Args: []Expr{fld("process.name"), str("ba")}}, `startsWith~(process.name, "ba")`},
		{"call names", in(call("cidrmatch", fld("source.ip"), str("10.0.0.0/8")), "x"), `cidrMatch(source.ip, "10.0.0.0/8") == "x"`},
		{"stringContains", call("stringcontains", fld("a"), str("b")), `stringContains(a, "b")`},
		{"unknown function kept", call("frobnicate"), `frobnicate()`},
		{"negative call argument", call("substring", fld("user.name"), num(0), num(-1)), `substring(user.name, 0, -1)`},
		{"optional field", in(opt("process.parent.name"), "x"), `?process.parent.name == "x"`},
		{"@timestamp is plain", cmpx(Gt, fld("@timestamp"), num(0)), `@timestamp > 0`},
		{"backquoted segments", isNull(fld("azure.target.0.display name")), "azure.target.`0`.`display name` == null"},
		{"backquote doubled", isNull(fld("a.b`c")), "a.`b``c` == null"},
		{"reserved word segment", isNull(fld("x.sequence")), "x.`sequence` == null"},
		{"string escapes", in(fld("f"), "C:\\Windows\\\"x\"\t"), `f == "C:\\Windows\\\"x\"\t"`},
		{"literal condition", boolean(true), `true`},
		{"null literal", &Literal{Value: Null}, `null`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PrintExpr(tt.e); got != tt.want {
				t.Errorf("PrintExpr =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestPrintQueries(t *testing.T) {
	long := make([]string, 30)
	for i := range long {
		long[i] = "tool" + strings.Repeat("x", i%4)
	}
	tests := []struct {
		name string
		q    Query
		want string
	}{
		{
			name: "single predicate stays on the where line",
			q:    ev("process", in(fld("process.name"), "nc")),
			want: `process where process.name == "nc"`,
		},
		{
			name: "top-level and terms on their own lines",
			q: ev("process", and(
				in(fld("host.os.type"), "linux"),
				in(fld("event.type"), "start"),
				not(and(in(fld("process.name"), "nc", "ncat"), like(fld("process.args"), false, "-*z*", "localhost"))),
			)),
			want: `process where
  host.os.type == "linux" and
  event.type == "start" and
  not (process.name in ("nc", "ncat") and process.args like ("-*z*", "localhost"))`,
		},
		{
			name: "long list wraps",
			q:    ev("process", and(in(fld("event.type"), "start"), in(fld("process.name"), long...))),
			want: `process where
  event.type == "start" and
  process.name in (
    "tool", "toolx", "toolxx", "toolxxx", "tool", "toolx", "toolxx", "toolxxx", "tool", "toolx",
    "toolxx", "toolxxx", "tool", "toolx", "toolxx", "toolxxx", "tool", "toolx", "toolxx", "toolxxx",
    "tool", "toolx", "toolxx", "toolxxx", "tool", "toolx", "toolxx", "toolxxx", "tool", "toolx"
  )`,
		},
		{
			name: "any where and quoted category",
			q:    &Sample{By: []Expr{fld("host.id")}, Stages: []*Stage{{Query: ev("any", boolean(true)), Runs: 1}, {Query: ev("my-cat", isNull(fld("a"))), Runs: 1}}},
			want: "sample by host.id\n  [any where true]\n  [\"my-cat\" where a == null]",
		},
		{
			name: "sequence with keys, maxspan, runs, missing, until and pipes",
			q: &Sequence{
				By:      []Expr{fld("host.id"), fld("process.entity_id")},
				MaxSpan: &Duration{Value: 5, Unit: "m"},
				Stages: []*Stage{
					{Query: ev("process", in(fld("event.type"), "start")), By: []Expr{fld("process.pid")}, Runs: 3},
					{Query: ev("network", not(isNull(fld("destination.ip")))), By: []Expr{fld("process.pid")}, Runs: 1},
					{Query: ev("file", in(fld("event.type"), "deletion")), By: []Expr{fld("process.pid")}, Missing: true, Runs: 1},
				},
				Until: &Stage{Query: ev("process", in(fld("event.type"), "end")), By: []Expr{fld("process.pid")}, Runs: 1},
				Pipes: []Pipe{{Kind: PipeHead, N: 5}, {Kind: PipeTail, N: 1}},
			},
			want: `sequence by host.id, process.entity_id with maxspan=5m
  [process where event.type == "start"] by process.pid with runs=3
  [network where destination.ip != null] by process.pid
  ![file where event.type == "deletion"] by process.pid
until [process where event.type == "end"] by process.pid
| head 5
| tail 1`,
		},
		{
			name: "long stage breaks its terms",
			q: &Sequence{Stages: []*Stage{
				{Query: ev("process", and(in(fld("process.name"), long[:8]...), in(fld("event.action"), "exec", "fork"), isNull(fld("process.parent.name")))), Runs: 1},
			}},
			want: `sequence
  [process where
    process.name in ("tool", "toolx", "toolxx", "toolxxx", "tool", "toolx", "toolxx", "toolxxx") and
    event.action in ("exec", "fork") and
    process.parent.name == null]`,
		},
		{
			name: "nested long or breaks into a group",
			q: ev("process", and(
				in(fld("event.type"), "start"),
				or(in(fld("process.name"), long[:9]...), in(fld("process.executable"), long[:9]...)),
			)),
			want: `process where
  event.type == "start" and
  (
    process.name in (
      "tool", "toolx", "toolxx", "toolxxx", "tool", "toolx", "toolxx", "toolxxx", "tool"
    ) or
    process.executable in (
      "tool", "toolx", "toolxx", "toolxxx", "tool", "toolx", "toolxx", "toolxxx", "tool"
    )
  )`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Print(tt.q); got != tt.want {
				t.Errorf("Print differs (- want, + got):\n%s", textdiff.Lines(tt.want, got))
			}
		})
	}
}

func TestPrintIsDeterministicAndNilSafe(t *testing.T) {
	q := ev("process", and(in(fld("a"), "1", "2"), not(like(fld("b"), true, "x*"))))
	if Print(q) != Print(CloneQuery(q)) {
		t.Error("printing a clone gives different text")
	}
	for _, q := range []Query{nil, &EventQuery{Category: "process"}, &Sequence{}, &Sample{}} {
		_ = Print(q) // must not panic
	}
	_ = PrintExpr(and())
	_ = PrintExpr(nil)
}
