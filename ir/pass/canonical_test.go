package pass

import (
	"testing"

	"github.com/eqlx/eqlx/ir"
)

func TestCanonicalCompare(t *testing.T) {
	runExprCases(t, canonicalQuery, []exprCase{
		{"== constant is In", cmpx(ir.Eq, fld("f"), str("x")), `f == "x"`},
		{"constant on the left moves right", cmpx(ir.Eq, num(4), fld("f")), `f == 4`},
		{"!= constant is Not In", cmpx(ir.Ne, fld("f"), str("x")), `f != "x"`},
		{"== null is IsNull", cmpx(ir.Eq, fld("f"), null()), `f == null`},
		{"!= null is Not IsNull", cmpx(ir.Ne, null(), fld("f")), `f != null`},
		{"computed subject too", cmpx(ir.Eq, call("length", fld("f")), num(3)), `length(f) == 3`},
		{"field to field stays a Compare", cmpx(ir.Eq, fld("f"), fld("g")), `f == g`},
		{"two constants are left to folding", cmpx(ir.Eq, num(1), num(1)), `1 == 1`},
		{"ordering stays a Compare", cmpx(ir.Lt, num(4), fld("f")), `4 < f`},
	})
	// The rewritten shapes are the lowered ones, not just the same text.
	q := ev(cmpx(ir.Ne, fld("f"), str("x")))
	canonicalQuery(q, nil)
	if !ir.EqualExpr(q.Cond, not(in(fld("f"), "x"))) {
		t.Errorf("got %#v", q.Cond)
	}
}
