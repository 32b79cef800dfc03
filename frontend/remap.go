package frontend

import "github.com/eqlx/eqlx/ir"

// remapper rewrites every span of a query with f. It is needed only when a
// query was unescaped before parsing (a JSON string), so that the parser's
// query-relative positions cannot be shifted by a base alone. seen guards
// against mapping a node twice, should the lowering share one between two
// places (f is not idempotent).
type remapper struct {
	f    func(ir.Pos) ir.Pos
	seen map[any]bool
}

// remapQuery rewrites every span of q with f.
func remapQuery(q ir.Query, f func(ir.Pos) ir.Pos) {
	m := &remapper{f: f, seen: map[any]bool{}}
	switch q := q.(type) {
	case *ir.EventQuery:
		m.event(q)
	case *ir.Sequence:
		m.span(&q.Span)
		m.exprs(q.By)
		for _, st := range q.Stages {
			m.stage(st)
		}
		m.stage(q.Until)
		m.pipes(q.Pipes)
	case *ir.Sample:
		m.span(&q.Span)
		m.exprs(q.By)
		for _, st := range q.Stages {
			m.stage(st)
		}
		m.pipes(q.Pipes)
	}
}

func (m *remapper) span(s *ir.Span) { *s = ir.Span{Start: m.f(s.Start), End: m.f(s.End)} }

func (m *remapper) pipes(ps []ir.Pipe) {
	for i := range ps {
		m.span(&ps[i].Span)
	}
}

func (m *remapper) stage(st *ir.Stage) {
	if st == nil || m.seen[st] {
		return
	}
	m.seen[st] = true
	m.span(&st.Span)
	m.event(st.Query)
	m.exprs(st.By)
}

func (m *remapper) event(e *ir.EventQuery) {
	if e == nil || m.seen[e] {
		return
	}
	m.seen[e] = true
	m.span(&e.Span)
	m.expr(e.Cond)
	m.pipes(e.Pipes)
}

func (m *remapper) exprs(es []ir.Expr) {
	for _, e := range es {
		m.expr(e)
	}
}

// expr rewrites the spans of e and its operands.
func (m *remapper) expr(e ir.Expr) {
	if e == nil || m.seen[e] {
		return
	}
	m.seen[e] = true
	switch e := e.(type) {
	case *ir.And:
		m.span(&e.Span)
		m.exprs(e.Terms)
	case *ir.Or:
		m.span(&e.Span)
		m.exprs(e.Terms)
	case *ir.Not:
		m.span(&e.Span)
		m.expr(e.X)
	case *ir.In:
		m.span(&e.Span)
		m.expr(e.X)
	case *ir.Match:
		m.span(&e.Span)
		m.expr(e.X)
	case *ir.IsNull:
		m.span(&e.Span)
		m.expr(e.X)
	case *ir.Compare:
		m.span(&e.Span)
		m.expr(e.Left)
		m.expr(e.Right)
	case *ir.Call:
		m.span(&e.Span)
		m.exprs(e.Args)
	case *ir.Arith:
		m.span(&e.Span)
		m.expr(e.Left)
		m.expr(e.Right)
	case *ir.Field:
		m.span(&e.Span)
	case *ir.Literal:
		m.span(&e.Span)
	}
}
