package ir

import (
	"slices"
)

// Children returns e's direct sub-expressions, in source order. Leaves
// (Field, Literal) have none.
func Children(e Expr) []Expr {
	switch e := e.(type) {
	case *And:
		return e.Terms
	case *Or:
		return e.Terms
	case *Not:
		return []Expr{e.X}
	case *In:
		return []Expr{e.X}
	case *Match:
		return []Expr{e.X}
	case *IsNull:
		return []Expr{e.X}
	case *Compare:
		return []Expr{e.Left, e.Right}
	case *Arith:
		return []Expr{e.Left, e.Right}
	case *Call:
		return e.Args
	}
	return nil
}

// Walk calls fn on e and then, when fn returns true, on each of e's
// sub-expressions, depth first in source order (pre-order). Returning false
// skips the node's children. A nil e is not visited.
func Walk(e Expr, fn func(Expr) bool) {
	if e == nil || !fn(e) {
		return
	}
	for _, c := range Children(e) {
		Walk(c, fn)
	}
}

// Rewrite rebuilds e bottom-up (post-order): it rewrites e's children first,
// then returns fn of the node that holds the rewritten children. It never
// modifies e: a node whose children changed is copied (shallowly) before
// the new children are set, so the input tree stays as it was. fn may
// return its argument, a new node, or nil (to drop the node: only
// meaningful where the parent is an And or Or, whose nil terms are
// removed; elsewhere a nil child is kept as nil).
func Rewrite(e Expr, fn func(Expr) Expr) Expr {
	if e == nil {
		return nil
	}
	switch n := e.(type) {
	case *And:
		if ts, changed := rewriteAll(n.Terms, fn); changed {
			c := *n
			c.Terms = ts
			e = &c
		}
	case *Or:
		if ts, changed := rewriteAll(n.Terms, fn); changed {
			c := *n
			c.Terms = ts
			e = &c
		}
	case *Not:
		if x := Rewrite(n.X, fn); x != n.X {
			c := *n
			c.X = x
			e = &c
		}
	case *In:
		if x := Rewrite(n.X, fn); x != n.X {
			c := *n
			c.X = x
			e = &c
		}
	case *Match:
		if x := Rewrite(n.X, fn); x != n.X {
			c := *n
			c.X = x
			e = &c
		}
	case *IsNull:
		if x := Rewrite(n.X, fn); x != n.X {
			c := *n
			c.X = x
			e = &c
		}
	case *Compare:
		l, r := Rewrite(n.Left, fn), Rewrite(n.Right, fn)
		if l != n.Left || r != n.Right {
			c := *n
			c.Left, c.Right = l, r
			e = &c
		}
	case *Arith:
		l, r := Rewrite(n.Left, fn), Rewrite(n.Right, fn)
		if l != n.Left || r != n.Right {
			c := *n
			c.Left, c.Right = l, r
			e = &c
		}
	case *Call:
		args := make([]Expr, len(n.Args))
		changed := false
		for i, a := range n.Args {
			args[i] = Rewrite(a, fn)
			changed = changed || args[i] != a
		}
		if changed {
			c := *n
			c.Args = args
			e = &c
		}
	}
	return fn(e)
}

// rewriteAll rewrites the terms of an And or Or, dropping nil results.
func rewriteAll(terms []Expr, fn func(Expr) Expr) ([]Expr, bool) {
	out := make([]Expr, 0, len(terms))
	changed := false
	for _, t := range terms {
		r := Rewrite(t, fn)
		if r != t {
			changed = true
		}
		if r != nil {
			out = append(out, r)
		}
	}
	return out, changed
}

// Conditions returns pointers to every expression slot of q: each event
// query's condition and each join key, in source order (sequence keys,
// then stage by stage its condition and keys, then until). Passes use it to
// rewrite a query in place.
func Conditions(q Query) []*Expr {
	var out []*Expr
	keys := func(by []Expr) {
		for i := range by {
			out = append(out, &by[i])
		}
	}
	stage := func(s *Stage) {
		if s == nil {
			return
		}
		if s.Query != nil {
			out = append(out, &s.Query.Cond)
		}
		keys(s.By)
	}
	switch q := q.(type) {
	case *EventQuery:
		out = append(out, &q.Cond)
	case *Sequence:
		keys(q.By)
		for _, s := range q.Stages {
			stage(s)
		}
		stage(q.Until)
	case *Sample:
		keys(q.By)
		for _, s := range q.Stages {
			stage(s)
		}
	}
	return out
}

// EventQueries returns every event query of q: q itself, or the stage
// queries of a sequence (with until, last) or sample.
func EventQueries(q Query) []*EventQuery {
	var out []*EventQuery
	add := func(s *Stage) {
		if s != nil && s.Query != nil {
			out = append(out, s.Query)
		}
	}
	switch q := q.(type) {
	case *EventQuery:
		out = append(out, q)
	case *Sequence:
		for _, s := range q.Stages {
			add(s)
		}
		add(q.Until)
	case *Sample:
		for _, s := range q.Stages {
			add(s)
		}
	}
	return out
}

// WalkQuery walks (as Walk does) every condition and every join key of q,
// in source order.
func WalkQuery(q Query, fn func(Expr) bool) {
	for _, slot := range Conditions(q) {
		Walk(*slot, fn)
	}
}

// QueryFields returns the sorted, de-duplicated paths of every field that q
// reads: in conditions, in join keys, and the category field of each event
// query that tests a category (not `any`).
func QueryFields(q Query) []string {
	var out []string
	WalkQuery(q, func(e Expr) bool {
		if f, ok := e.(*Field); ok {
			out = append(out, f.Path)
		}
		return true
	})
	for _, eq := range EventQueries(q) {
		if !eq.IsAny() {
			out = append(out, eq.categoryField())
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// categoryField is the field the category word tests, defaulting to
// CategoryField when a hand-built query leaves it empty.
func (q *EventQuery) categoryField() string {
	if q.CategoryField == "" {
		return CategoryField
	}
	return q.CategoryField
}
