package eql

import (
	"fmt"
	"strings"

	"github.com/eqlx/eqlx/ir"
)

// dump renders IR as an s-expression that names every node type, so that
// tests can tell In from Compare and Match from In~ (ir.Print deliberately
// prints several nodes alike).
func dump(q ir.Query) string {
	var b strings.Builder
	switch q := q.(type) {
	case *ir.EventQuery:
		dumpEvent(&b, q)
	case *ir.Sequence:
		b.WriteString("(sequence")
		dumpBy(&b, q.By)
		if q.MaxSpan != nil {
			b.WriteString(" maxspan=" + q.MaxSpan.String())
		}
		for _, s := range q.Stages {
			b.WriteByte(' ')
			dumpStage(&b, s)
		}
		if q.Until != nil {
			b.WriteString(" until ")
			dumpStage(&b, q.Until)
		}
		b.WriteByte(')')
	case *ir.Sample:
		b.WriteString("(sample")
		dumpBy(&b, q.By)
		for _, s := range q.Stages {
			b.WriteByte(' ')
			dumpStage(&b, s)
		}
		b.WriteByte(')')
	case nil:
		return "<nil>"
	}
	for _, p := range q.PipeList() {
		fmt.Fprintf(&b, " | %s %d", p.Kind, p.N)
	}
	return b.String()
}

func dumpEvent(b *strings.Builder, q *ir.EventQuery) {
	fmt.Fprintf(b, "%s[%s] where %s", q.Category, q.CategoryField, dumpExpr(q.Cond))
}

func dumpBy(b *strings.Builder, by []ir.Expr) {
	if len(by) == 0 {
		return
	}
	b.WriteString(" by")
	for _, k := range by {
		b.WriteString(" " + dumpExpr(k))
	}
}

func dumpStage(b *strings.Builder, s *ir.Stage) {
	if s.Missing {
		b.WriteByte('!')
	}
	b.WriteByte('[')
	dumpEvent(b, s.Query)
	b.WriteByte(']')
	dumpBy(b, s.By)
	if s.Runs != 1 {
		fmt.Fprintf(b, " runs=%d", s.Runs)
	}
}

func dumpExpr(e ir.Expr) string {
	switch e := e.(type) {
	case *ir.And:
		return "(and " + dumpList(e.Terms) + ")"
	case *ir.Or:
		return "(or " + dumpList(e.Terms) + ")"
	case *ir.Not:
		return "(not " + dumpExpr(e.X) + ")"
	case *ir.In:
		op := "in"
		if e.CaseInsensitive {
			op = "in~"
		}
		vs := make([]string, len(e.Values))
		for i, v := range e.Values {
			vs[i] = v.String()
		}
		return "(" + op + " " + dumpExpr(e.X) + " " + strings.Join(vs, " ") + ")"
	case *ir.Match:
		op := e.Kind.String()
		if e.CaseInsensitive {
			op += "~"
		}
		ps := make([]string, len(e.Patterns))
		for i, p := range e.Patterns {
			ps[i] = ir.Quote(p)
		}
		return "(" + op + " " + dumpExpr(e.X) + " " + strings.Join(ps, " ") + ")"
	case *ir.IsNull:
		return "(isnull " + dumpExpr(e.X) + ")"
	case *ir.Compare:
		return "(" + e.Op.String() + " " + dumpExpr(e.Left) + " " + dumpExpr(e.Right) + ")"
	case *ir.Arith:
		return "(" + e.Op.String() + " " + dumpExpr(e.Left) + " " + dumpExpr(e.Right) + ")"
	case *ir.Call:
		name := e.Name
		if e.CaseInsensitive {
			name += "~"
		}
		if len(e.Args) == 0 {
			return "(" + name + ")"
		}
		return "(" + name + " " + dumpList(e.Args) + ")"
	case *ir.Field:
		if e.Optional {
			return "?" + e.Path
		}
		return e.Path
	case *ir.Literal:
		if e.Value.Kind == ir.KindFloat {
			return "float:" + e.Value.String()
		}
		return e.Value.String()
	case nil:
		return "<nil>"
	}
	return fmt.Sprintf("<%T>", e)
}

func dumpList(es []ir.Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = dumpExpr(e)
	}
	return strings.Join(parts, " ")
}

// dumpSpans renders every expression node with its span, for tests of
// positions: one "Type start-end" per node, in pre-order.
func dumpSpans(e ir.Expr) []string {
	var out []string
	var walk func(ir.Expr)
	walk = func(e ir.Expr) {
		sp := e.Loc()
		out = append(out, fmt.Sprintf("%T %d:%d-%d:%d@%d", e, sp.Start.Line, sp.Start.Col, sp.End.Line, sp.End.Col, sp.Start.Offset))
		switch e := e.(type) {
		case *ir.And:
			for _, t := range e.Terms {
				walk(t)
			}
		case *ir.Or:
			for _, t := range e.Terms {
				walk(t)
			}
		case *ir.Not:
			walk(e.X)
		case *ir.In:
			walk(e.X)
		case *ir.Match:
			walk(e.X)
		case *ir.IsNull:
			walk(e.X)
		case *ir.Compare:
			walk(e.Left)
			walk(e.Right)
		case *ir.Arith:
			walk(e.Left)
			walk(e.Right)
		case *ir.Call:
			for _, a := range e.Args {
				walk(a)
			}
		}
	}
	walk(e)
	return out
}
