package native

import (
	"time"

	"github.com/eqlx/eqlx/ir"
)

// Compact builders for hand-written IR in tests.

func fld(p string) *ir.Field { return &ir.Field{Path: p} }

func strs(vals ...string) []ir.Value {
	out := make([]ir.Value, len(vals))
	for i, v := range vals {
		out[i] = ir.StringValue(v)
	}
	return out
}

func in(f string, vals ...string) *ir.In { return &ir.In{X: fld(f), Values: strs(vals...)} }
func inCI(f string, vals ...string) *ir.In {
	return &ir.In{X: fld(f), Values: strs(vals...), CaseInsensitive: true}
}
func inV(x ir.Expr, vals ...ir.Value) *ir.In { return &ir.In{X: x, Values: vals} }
func eqb(f string, b bool) *ir.In            { return inV(fld(f), ir.BoolValue(b)) }
func like(f string, ci bool, pats ...string) *ir.Match {
	return &ir.Match{X: fld(f), Kind: ir.Wildcard, Patterns: pats, CaseInsensitive: ci}
}
func regex(f string, ci bool, pats ...string) *ir.Match {
	return &ir.Match{X: fld(f), Kind: ir.Regex, Patterns: pats, CaseInsensitive: ci}
}
func and(terms ...ir.Expr) ir.Expr { return &ir.And{Terms: terms} }
func or(terms ...ir.Expr) ir.Expr  { return &ir.Or{Terms: terms} }
func not(x ir.Expr) ir.Expr        { return &ir.Not{X: x} }
func isNull(x ir.Expr) ir.Expr     { return &ir.IsNull{X: x} }
func lit(v ir.Value) *ir.Literal   { return &ir.Literal{Value: v} }
func call(name string, ci bool, args ...ir.Expr) *ir.Call {
	return &ir.Call{Name: name, CaseInsensitive: ci, Args: args}
}
func cmp(op ir.CmpOp, l, r ir.Expr) *ir.Compare { return &ir.Compare{Op: op, Left: l, Right: r} }

func evq(cat string, cond ir.Expr) *ir.EventQuery {
	return &ir.EventQuery{Category: cat, CategoryField: ir.CategoryField, Cond: cond}
}

func stage(q *ir.EventQuery, by ...ir.Expr) *ir.Stage { return &ir.Stage{Query: q, By: by, Runs: 1} }

func span(d time.Duration) *ir.Duration {
	return &ir.Duration{Value: int64(d / time.Second), Unit: "s"}
}

func rule(name string, q ir.Query) *ir.Rule {
	return &ir.Rule{Meta: ir.Meta{Name: name, RuleID: name, File: name + ".toml", Severity: "low"}, Query: q}
}

// paths expands tool names into the path variants the container rules list.
func paths(names ...string) []string {
	var out []string
	for _, n := range names {
		out = append(out, n, "/bin/"+n, "/usr/bin/"+n, "/usr/local/bin/"+n)
	}
	return out
}
