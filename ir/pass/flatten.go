package pass

import "github.com/eqlx/eqlx/ir"

// flattenQuery splices nested and/or into their parent of the same kind and
// replaces an And or Or of one term by that term. Exact: both connectives
// are associative in Kleene logic.
func flattenQuery(q ir.Query, _ *ir.Diagnostics) {
	rewriteQuery(q, flatNode)
}

// flatNode flattens one node whose children are already flat.
func flatNode(e ir.Expr) ir.Expr {
	switch n := e.(type) {
	case *ir.And:
		if ts, changed := splice(n.Terms, func(t ir.Expr) []ir.Expr {
			if a, ok := t.(*ir.And); ok {
				return a.Terms
			}
			return nil
		}); changed || len(ts) <= 1 {
			return boolNode(n.Span, ts, true)
		}
	case *ir.Or:
		if ts, changed := splice(n.Terms, func(t ir.Expr) []ir.Expr {
			if o, ok := t.(*ir.Or); ok {
				return o.Terms
			}
			return nil
		}); changed || len(ts) <= 1 {
			return boolNode(n.Span, ts, false)
		}
	}
	return e
}

// splice replaces each term for which inner returns a non-nil list by that
// list.
func splice(terms []ir.Expr, inner func(ir.Expr) []ir.Expr) ([]ir.Expr, bool) {
	changed := false
	out := make([]ir.Expr, 0, len(terms))
	for _, t := range terms {
		if in := inner(t); in != nil {
			out = append(out, in...)
			changed = true
			continue
		}
		out = append(out, t)
	}
	return out, changed
}

// boolNode builds an And (isAnd) or Or of terms in canonical form: no term
// gives the identity (true for And, false for Or), one term gives the term.
func boolNode(span ir.Span, terms []ir.Expr, isAnd bool) ir.Expr {
	switch len(terms) {
	case 0:
		return &ir.Literal{Span: span, Value: ir.BoolValue(isAnd)}
	case 1:
		return terms[0]
	}
	if isAnd {
		return &ir.And{Span: span, Terms: terms}
	}
	return &ir.Or{Span: span, Terms: terms}
}
