package ir

import "slices"

// CloneQuery returns a deep copy of q: no node, slice or stage is shared,
// so a pass may rewrite the copy without touching the original.
func CloneQuery(q Query) Query {
	switch q := q.(type) {
	case *EventQuery:
		return cloneEvent(q)
	case *Sequence:
		if q == nil {
			return q
		}
		c := *q
		c.By = cloneExprs(q.By)
		if q.MaxSpan != nil {
			d := *q.MaxSpan
			c.MaxSpan = &d
		}
		c.Stages = cloneStages(q.Stages)
		c.Until = cloneStage(q.Until)
		c.Pipes = slices.Clone(q.Pipes)
		return &c
	case *Sample:
		if q == nil {
			return q
		}
		c := *q
		c.By = cloneExprs(q.By)
		c.Stages = cloneStages(q.Stages)
		c.Pipes = slices.Clone(q.Pipes)
		return &c
	}
	return q
}

func cloneEvent(q *EventQuery) *EventQuery {
	if q == nil {
		return nil
	}
	c := *q
	c.Cond = CloneExpr(q.Cond)
	c.Pipes = slices.Clone(q.Pipes)
	return &c
}

func cloneStages(ss []*Stage) []*Stage {
	if ss == nil {
		return nil
	}
	out := make([]*Stage, len(ss))
	for i, s := range ss {
		out[i] = cloneStage(s)
	}
	return out
}

func cloneStage(s *Stage) *Stage {
	if s == nil {
		return nil
	}
	c := *s
	c.Query = cloneEvent(s.Query)
	c.By = cloneExprs(s.By)
	return &c
}

func cloneExprs(es []Expr) []Expr {
	if es == nil {
		return nil
	}
	out := make([]Expr, len(es))
	for i, e := range es {
		out[i] = CloneExpr(e)
	}
	return out
}

// CloneExpr returns a deep copy of e.
func CloneExpr(e Expr) Expr {
	switch e := e.(type) {
	case *And:
		c := *e
		c.Terms = cloneExprs(e.Terms)
		return &c
	case *Or:
		c := *e
		c.Terms = cloneExprs(e.Terms)
		return &c
	case *Not:
		c := *e
		c.X = CloneExpr(e.X)
		return &c
	case *In:
		c := *e
		c.X = CloneExpr(e.X)
		c.Values = slices.Clone(e.Values)
		return &c
	case *Match:
		c := *e
		c.X = CloneExpr(e.X)
		c.Patterns = slices.Clone(e.Patterns)
		return &c
	case *IsNull:
		c := *e
		c.X = CloneExpr(e.X)
		return &c
	case *Compare:
		c := *e
		c.Left, c.Right = CloneExpr(e.Left), CloneExpr(e.Right)
		return &c
	case *Arith:
		c := *e
		c.Left, c.Right = CloneExpr(e.Left), CloneExpr(e.Right)
		return &c
	case *Call:
		c := *e
		c.Args = cloneExprs(e.Args)
		return &c
	case *Field:
		c := *e
		return &c
	case *Literal:
		c := *e
		return &c
	}
	return e
}
