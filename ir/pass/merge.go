package pass

import "github.com/eqlx/eqlx/ir"

// mergeQuery merges sibling predicates on the same subject into one:
//
//   - under an Or: In terms with the same subject and case flag become one
//     In (f == "a" or f == "b" -> f in ("a", "b")), and Match terms with the
//     same subject, kind and case flag become one Match;
//   - under an And: the negations of such terms likewise
//     (f != "a" and f != "b" -> not f in ("a", "b")).
//
// Exact: "any element equals any value" distributes over or, for query and
// script predicates alike (Kleene or of two nulls is null, as is the merged
// predicate on null). The merged term takes the place of the first one.
func mergeQuery(q ir.Query, _ *ir.Diagnostics) {
	rewriteQuery(q, func(e ir.Expr) ir.Expr {
		switch n := e.(type) {
		case *ir.Or:
			if ts, changed := mergeTerms(n.Terms, false); changed {
				return boolNode(n.Span, ts, false)
			}
		case *ir.And:
			if ts, changed := mergeTerms(n.Terms, true); changed {
				return boolNode(n.Span, ts, true)
			}
		}
		return e
	})
}

// mergeTerms merges the mergeable terms of an Or (or, with negated, the
// negated terms of an And).
func mergeTerms(terms []ir.Expr, negated bool) ([]ir.Expr, bool) {
	out := make([]ir.Expr, 0, len(terms))
	changed := false
	for _, t := range terms {
		p := leaf(t, negated)
		if p == nil {
			out = append(out, t)
			continue
		}
		merged := false
		for i, o := range out {
			q := leaf(o, negated)
			if q == nil {
				continue
			}
			if m := mergePair(q, p); m != nil {
				if negated {
					out[i] = &ir.Not{Span: o.Loc(), X: m}
				} else {
					out[i] = m
				}
				merged, changed = true, true
				break
			}
		}
		if !merged {
			out = append(out, t)
		}
	}
	return out, changed
}

// leaf returns the In or Match that t is (or, when negated, that t negates).
func leaf(t ir.Expr, negated bool) ir.Expr {
	if negated {
		n, ok := t.(*ir.Not)
		if !ok {
			return nil
		}
		t = n.X
	}
	switch t.(type) {
	case *ir.In, *ir.Match:
		return t
	}
	return nil
}

// mergePair returns a copy of a with b's values or patterns added, or nil
// when the two do not test the same thing the same way.
func mergePair(a, b ir.Expr) ir.Expr {
	switch a := a.(type) {
	case *ir.In:
		b, ok := b.(*ir.In)
		if !ok || a.CaseInsensitive != b.CaseInsensitive || !ir.EqualExpr(a.X, b.X) {
			return nil
		}
		c := *a
		c.Values, _ = dedupeValues(append(append([]ir.Value(nil), a.Values...), b.Values...), a.CaseInsensitive)
		return &c
	case *ir.Match:
		b, ok := b.(*ir.Match)
		if !ok || a.Kind != b.Kind || a.CaseInsensitive != b.CaseInsensitive || !ir.EqualExpr(a.X, b.X) {
			return nil
		}
		c := *a
		c.Patterns, _ = dedupePatterns(append(append([]string(nil), a.Patterns...), b.Patterns...), a.CaseInsensitive && a.Kind == ir.Wildcard)
		return &c
	}
	return nil
}
