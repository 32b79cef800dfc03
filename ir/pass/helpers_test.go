package pass

import (
	"testing"

	"github.com/eqlx/eqlx/ir"
)

// Short constructors for the tables; spans are irrelevant except where a
// test says so.

func fld(p string) *ir.Field               { return &ir.Field{Path: p} }
func str(s string) *ir.Literal             { return &ir.Literal{Value: ir.StringValue(s)} }
func num(i int64) *ir.Literal              { return &ir.Literal{Value: ir.IntValue(i)} }
func flt(f float64) *ir.Literal            { return &ir.Literal{Value: ir.FloatValue(f)} }
func boolean(b bool) *ir.Literal           { return &ir.Literal{Value: ir.BoolValue(b)} }
func null() *ir.Literal                    { return &ir.Literal{Value: ir.Null} }
func and(ts ...ir.Expr) *ir.And            { return &ir.And{Terms: ts} }
func or(ts ...ir.Expr) *ir.Or              { return &ir.Or{Terms: ts} }
func not(x ir.Expr) *ir.Not                { return &ir.Not{X: x} }
func isNull(x ir.Expr) *ir.IsNull          { return &ir.IsNull{X: x} }
func call(n string, a ...ir.Expr) *ir.Call { return &ir.Call{Name: n, Args: a} }
func callCI(n string, a ...ir.Expr) *ir.Call {
	return &ir.Call{Name: n, Args: a, CaseInsensitive: true}
}
func cmpx(op ir.CmpOp, l, r ir.Expr) *ir.Compare  { return &ir.Compare{Op: op, Left: l, Right: r} }
func arith(op ir.ArithOp, l, r ir.Expr) *ir.Arith { return &ir.Arith{Op: op, Left: l, Right: r} }

func vals(vs ...any) []ir.Value {
	out := make([]ir.Value, len(vs))
	for i, v := range vs {
		switch v := v.(type) {
		case string:
			out[i] = ir.StringValue(v)
		case int:
			out[i] = ir.IntValue(int64(v))
		case float64:
			out[i] = ir.FloatValue(v)
		case bool:
			out[i] = ir.BoolValue(v)
		}
	}
	return out
}

func in(x ir.Expr, vs ...any) *ir.In { return &ir.In{X: x, Values: vals(vs...)} }
func inCI(x ir.Expr, vs ...any) *ir.In {
	return &ir.In{X: x, Values: vals(vs...), CaseInsensitive: true}
}
func like(x ir.Expr, ci bool, ps ...string) *ir.Match {
	return &ir.Match{X: x, Kind: ir.Wildcard, Patterns: ps, CaseInsensitive: ci}
}
func regex(x ir.Expr, ci bool, ps ...string) *ir.Match {
	return &ir.Match{X: x, Kind: ir.Regex, Patterns: ps, CaseInsensitive: ci}
}
func ev(cond ir.Expr) *ir.EventQuery {
	return &ir.EventQuery{Category: "process", CategoryField: ir.CategoryField, Cond: cond}
}

// exprCase is one row of a pass's table: a condition before the pass and
// its printed form after.
type exprCase struct {
	name string
	in   ir.Expr
	want string
}

// runExprCases runs one pass over `process where <in>` for each case,
// compares the printed condition, and checks that a second run changes
// nothing (every pass is idempotent) and that the input tree was not
// modified behind the query's back.
func runExprCases(t *testing.T, run func(ir.Query, *ir.Diagnostics), cases []exprCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := ir.PrintExpr(c.in)
			q := ev(c.in)
			var ds ir.Diagnostics
			run(q, &ds)
			if got := ir.PrintExpr(q.Cond); got != c.want {
				t.Errorf("%s\n  got  %s\n  want %s", before, got, c.want)
			}
			if ir.PrintExpr(c.in) != before {
				t.Errorf("the pass modified its input nodes: %s became %s", before, ir.PrintExpr(c.in))
			}
			again := ir.CloneQuery(q)
			run(again, &ds)
			if !ir.Equal(q, again) {
				t.Errorf("not idempotent: %s then %s", ir.PrintExpr(q.Cond), ir.PrintExpr(again.(*ir.EventQuery).Cond))
			}
		})
	}
}
