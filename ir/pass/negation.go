package pass

import "github.com/eqlx/eqlx/ir"

// pushNotQuery moves negations inward where that is exact:
//
//   - not not x -> x (Not is an involution for query and script predicates);
//   - not true -> false, not false -> true;
//   - De Morgan: not (a and b) -> not a or not b, not (a or b) -> not a and
//     not b, when every predicate below is an In, Match or IsNull on a plain
//     field. Kleene logic makes De Morgan exact for script predicates and
//     ordering comparisons too, but Elasticsearch turns a script's null into
//     false at the boundary of the clause that holds it, and its optimizer
//     (before 7.15) rewrote a negated ordering comparison into the opposite
//     one (ir's package doc, "Known differences"); keeping such groups as
//     written means the normalised EQL still means the same there.
//
// It never turns a negated predicate into another predicate: `not f < 5` is
// not `f >= 5` (they differ on a missing field and on arrays).
func pushNotQuery(q ir.Query, _ *ir.Diagnostics) {
	rewriteQuery(q, func(e ir.Expr) ir.Expr {
		e = flatNode(e) // De Morgan below may have produced nested and/or
		if n, ok := e.(*ir.Not); ok {
			return negate(n.Span, n.X, n)
		}
		return e
	})
}

// negate returns an expression equivalent to not x; orig, when not nil, is
// the existing Not{x} to return when nothing simpler is exact.
func negate(span ir.Span, x ir.Expr, orig *ir.Not) ir.Expr {
	switch x := x.(type) {
	case *ir.Not:
		return x.X
	case *ir.Literal:
		if x.Value.Kind == ir.KindBool {
			return lit(span, ir.BoolValue(!x.Value.Bool))
		}
	case *ir.And:
		if queryOnly(x) {
			return deMorgan(x.Span, x.Terms, false)
		}
	case *ir.Or:
		if queryOnly(x) {
			return deMorgan(x.Span, x.Terms, true)
		}
	}
	if orig != nil {
		return orig
	}
	return &ir.Not{Span: span, X: x}
}

// deMorgan negates every term and joins them with And (toAnd) or Or,
// splicing terms that come out as the same connective.
func deMorgan(span ir.Span, terms []ir.Expr, toAnd bool) ir.Expr {
	out := make([]ir.Expr, 0, len(terms))
	for _, t := range terms {
		nt := negate(t.Loc(), t, nil)
		switch n := nt.(type) {
		case *ir.And:
			if toAnd {
				out = append(out, n.Terms...)
				continue
			}
		case *ir.Or:
			if !toAnd {
				out = append(out, n.Terms...)
				continue
			}
		}
		out = append(out, nt)
	}
	return boolNode(span, out, toAnd)
}

// queryOnly reports whether every leaf under e is an In, Match or IsNull
// on a plain field, or a boolean literal.
func queryOnly(e ir.Expr) bool {
	switch e := e.(type) {
	case *ir.And:
		for _, t := range e.Terms {
			if !queryOnly(t) {
				return false
			}
		}
		return true
	case *ir.Or:
		for _, t := range e.Terms {
			if !queryOnly(t) {
				return false
			}
		}
		return true
	case *ir.Not:
		return queryOnly(e.X)
	case *ir.In:
		return isField(e.X)
	case *ir.Match:
		return isField(e.X)
	case *ir.IsNull:
		return isField(e.X)
	case *ir.Literal:
		return e.Value.Kind == ir.KindBool
	}
	return false
}

func isField(e ir.Expr) bool {
	_, ok := e.(*ir.Field)
	return ok
}
