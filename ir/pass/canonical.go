package pass

import "github.com/eqlx/eqlx/ir"

// canonicalQuery gives `==` and `!=` against a constant the shape the
// lowering gives them (ir.Compare's doc): `x == v` is In{x, v}, `x != v` is
// Not{In}, `x == null` is IsNull and `x != null` is Not{IsNull}, with the
// constant on the right. Backends and the printer then see one form per
// meaning, however the IR was built. Two constants are left to
// FoldConstants.
func canonicalQuery(q ir.Query, _ *ir.Diagnostics) {
	rewriteQuery(q, canonicalNode)
}

func canonicalNode(e ir.Expr) ir.Expr {
	c, ok := e.(*ir.Compare)
	if !ok || (c.Op != ir.Eq && c.Op != ir.Ne) {
		return e
	}
	x, v := c.Left, ir.Value{}
	switch {
	case isLit(c.Left) && isLit(c.Right):
		return e
	case isLit(c.Right):
		v = c.Right.(*ir.Literal).Value
	case isLit(c.Left):
		x, v = c.Right, c.Left.(*ir.Literal).Value
	default:
		return e
	}
	var p ir.Expr = &ir.In{Span: c.Span, X: x, Values: []ir.Value{v}}
	if v.IsNull() {
		p = &ir.IsNull{Span: c.Span, X: x}
	}
	if c.Op == ir.Ne {
		return &ir.Not{Span: c.Span, X: p}
	}
	return p
}

func isLit(e ir.Expr) bool {
	_, ok := e.(*ir.Literal)
	return ok
}
