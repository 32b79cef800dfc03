package pass

import (
	"math/rand/v2"
	"testing"

	"github.com/eqlx/eqlx/ir"
)

// This file checks that Normalize is exact: on random conditions and random
// events, the normalised condition has the same three-valued result as the
// original, under a small evaluator written from the contract in ir's
// package doc (query predicates two-valued, any element of an array,
// absent fields false; script predicates and connectives Kleene).

type tri int8

const (
	fls tri = iota
	tru
	unk
)

// event maps a field to its values; a missing key is an absent field, and
// an empty slice is null or [].
type event map[string][]ir.Value

func notTri(a tri) tri {
	switch a {
	case tru:
		return fls
	case fls:
		return tru
	}
	return unk
}

func evalBool(e ir.Expr, ev event) tri {
	switch n := e.(type) {
	case *ir.And:
		res := tru
		for _, t := range n.Terms {
			switch evalBool(t, ev) {
			case fls:
				return fls
			case unk:
				res = unk
			}
		}
		return res
	case *ir.Or:
		res := fls
		for _, t := range n.Terms {
			switch evalBool(t, ev) {
			case tru:
				return tru
			case unk:
				res = unk
			}
		}
		return res
	case *ir.Not:
		// Kleene's not, in which the passes are exact. Where Elasticsearch
		// negates with must_not instead (ir.IsScript), it does so on the
		// query its own optimizer has folded, flattened and merged the way
		// these passes do, and eqlx applies that rule to the normalised
		// form alone.
		return notTri(evalBool(n.X, ev))
	case *ir.Literal:
		switch {
		case n.Value.Kind == ir.KindBool && n.Value.Bool:
			return tru
		case n.Value.Kind == ir.KindBool:
			return fls
		}
		return unk
	case *ir.In:
		return anyElem(n.X, ev, func(v ir.Value) bool {
			for _, w := range n.Values {
				if eq, _ := constEqual(v, w, n.CaseInsensitive); eq {
					return true
				}
			}
			return false
		})
	case *ir.Match:
		return anyElem(n.X, ev, func(v ir.Value) bool {
			if v.Kind != ir.KindString {
				return false
			}
			for _, p := range n.Patterns {
				if n.CaseInsensitive && ir.WildcardMatch(ir.Fold(p), ir.Fold(v.Str)) || !n.CaseInsensitive && ir.WildcardMatch(p, v.Str) {
					return true
				}
			}
			return false
		})
	case *ir.IsNull:
		if f, ok := n.X.(*ir.Field); ok {
			return boolTri(len(ev[f.Path]) == 0)
		}
		vs, _ := values(n.X, ev)
		return boolTri(len(vs) == 0)
	case *ir.Compare:
		return anyElem(n.Left, ev, func(v ir.Value) bool {
			r, ok := n.Right.(*ir.Literal)
			if !ok {
				return false
			}
			res, ok := foldCompare(n.Op, v, r.Value)
			return ok && res.Kind == ir.KindBool && res.Bool
		})
	case *ir.Call:
		vs, script := values(n, ev)
		if script && len(vs) == 0 {
			return unk
		}
		for _, v := range vs {
			if v.Kind == ir.KindBool && v.Bool {
				return tru
			}
		}
		return fls
	}
	return unk
}

func boolTri(b bool) tri {
	if b {
		return tru
	}
	return fls
}

// anyElem applies a predicate to every value of x: on a plain field it is a
// query predicate (absent is false); on a computed value it is a script
// predicate (null is unknown).
func anyElem(x ir.Expr, ev event, pred func(ir.Value) bool) tri {
	vs, script := values(x, ev)
	if len(vs) == 0 {
		if script {
			return unk
		}
		return fls
	}
	for _, v := range vs {
		if pred(v) {
			return tru
		}
	}
	return fls
}

// values evaluates a value expression: a field's elements, a literal, or
// startsWith per element; script reports whether x is computed.
func values(x ir.Expr, ev event) (vs []ir.Value, script bool) {
	switch n := x.(type) {
	case *ir.Field:
		return ev[n.Path], false
	case *ir.Literal:
		if n.Value.IsNull() {
			return nil, true
		}
		return []ir.Value{n.Value}, true
	case *ir.Call: // startswith(field, "lit") only
		f, _ := n.Args[0].(*ir.Field)
		p := n.Args[1].(*ir.Literal).Value.Str
		var out []ir.Value
		for _, v := range ev[f.Path] {
			if v.Kind == ir.KindString {
				out = append(out, ir.BoolValue(len(v.Str) >= len(p) && v.Str[:len(p)] == p))
			}
		}
		return out, true
	}
	return nil, true
}

type rnd struct{ r *rand.Rand }

func (g rnd) pick(n int) int { return g.r.IntN(n) }

var fieldNames = []string{"a", "b", "n"}

func (g rnd) strVal() string { return []string{"x", "y", "X", "xy"}[g.pick(4)] }

func (g rnd) expr(depth int) ir.Expr {
	if depth > 0 {
		switch g.pick(5) {
		case 0, 1:
			ts := make([]ir.Expr, 1+g.pick(3))
			for i := range ts {
				ts[i] = g.expr(depth - 1)
			}
			if g.pick(2) == 0 {
				return and(ts...)
			}
			return or(ts...)
		case 2:
			return not(g.expr(depth - 1))
		}
	}
	f := fld(fieldNames[g.pick(2)])
	switch g.pick(8) {
	case 0:
		vs := make([]any, 1+g.pick(3))
		for i := range vs {
			vs[i] = g.strVal()
		}
		if g.pick(2) == 0 {
			return inCI(f, vs...)
		}
		return in(f, vs...)
	case 1:
		return like(f, g.pick(2) == 0, []string{"x*", "?", "*y", "X"}[g.pick(4)], []string{"x", "*"}[g.pick(2)])
	case 2:
		return isNull(f)
	case 3:
		return cmpx(ir.CmpOp(3+g.pick(4)), fld("n"), num(int64(g.pick(3))))
	case 4:
		return call("startswith", f, str(g.strVal()))
	case 5:
		return []ir.Expr{boolean(true), boolean(false), null()}[g.pick(3)]
	case 6:
		return in(call("startswith", f, str("x")), true)
	}
	return cmpx(ir.Eq, f, str(g.strVal()))
}

func (g rnd) event() event {
	ev := event{}
	for _, name := range fieldNames {
		switch g.pick(4) {
		case 0: // absent
		case 1:
			ev[name] = nil // null or []
		default:
			n := 1 + g.pick(2)
			for range n {
				if name == "n" {
					ev[name] = append(ev[name], ir.IntValue(int64(g.pick(3))))
				} else {
					ev[name] = append(ev[name], ir.StringValue(g.strVal()))
				}
			}
		}
	}
	return ev
}

func TestNormalizeIsExact(t *testing.T) {
	g := rnd{rand.New(rand.NewPCG(7, 11))}
	events := make([]event, 300)
	for i := range events {
		events[i] = g.event()
	}
	for i := range 2000 {
		cond := g.expr(4)
		r := &ir.Rule{Query: ev(ir.CloneExpr(cond))}
		Normalize(r)
		got := r.Query.(*ir.EventQuery).Cond
		if msg := canonicalProblem(got); msg != "" {
			t.Fatalf("case %d: %s\nnormalised to %s: %s", i, ir.PrintExpr(cond), ir.PrintExpr(got), msg)
		}
		for _, e := range events {
			if a, b := evalBool(cond, e), evalBool(got, e); a != b {
				t.Fatalf("case %d: %s\nnormalised to %s\ngives %d instead of %d on %v", i, ir.PrintExpr(cond), ir.PrintExpr(got), b, a, e)
			}
		}
	}
}

// canonicalProblem describes how e breaks the normalised form that the IR
// types document, or returns "".
func canonicalProblem(e ir.Expr) string {
	problem := ""
	ir.Walk(e, func(x ir.Expr) bool {
		switch n := x.(type) {
		case *ir.And:
			if len(n.Terms) < 2 {
				problem = "an And with fewer than two terms"
			}
			for _, t := range n.Terms {
				if _, ok := t.(*ir.And); ok {
					problem = "an And inside an And"
				}
			}
		case *ir.Or:
			if len(n.Terms) < 2 {
				problem = "an Or with fewer than two terms"
			}
			for _, t := range n.Terms {
				if _, ok := t.(*ir.Or); ok {
					problem = "an Or inside an Or"
				}
			}
		case *ir.Not:
			if _, ok := n.X.(*ir.Not); ok {
				problem = "a double negation"
			}
		case *ir.In:
			if _, dup := dedupeValues(n.Values, n.CaseInsensitive); dup {
				problem = "duplicate In values"
			}
		case *ir.Compare:
			if n.Op == ir.Eq || n.Op == ir.Ne {
				if isLit(n.Left) || isLit(n.Right) {
					problem = "== or != against a constant left as a Compare"
				}
			}
		}
		return problem == ""
	})
	return problem
}
