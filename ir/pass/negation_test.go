package pass

import (
	"testing"

	"github.com/eqlx/eqlx/ir"
)

func TestPushNot(t *testing.T) {
	a, b, c := in(fld("a"), "1"), like(fld("b"), true, "x*"), isNull(fld("c"))
	s := call("startswith", fld("d"), str("x"))
	runExprCases(t, pushNotQuery, []exprCase{
		{"double negation", not(not(a)), `a == "1"`},
		{"quadruple negation", not(not(not(not(a)))), `a == "1"`},
		{"not of a boolean literal", not(boolean(false)), `true`},
		{"de morgan over and", not(and(a, b)), `a != "1" or not b like~ "x*"`},
		{"de morgan over or", not(or(a, c)), `a != "1" and c != null`},
		{"de morgan recurses and cancels double negations", not(and(a, not(or(b, c)))), `a != "1" or b like~ "x*" or c == null`},
		{"result is flattened into its parent", and(a, not(or(b, c))), `a == "1" and not b like~ "x*" and c != null`},
		{"ordering predicates keep their not", not(cmpx(ir.Lt, fld("n"), num(5))), `not n < 5`},
		{"an ordering compare in the group blocks de morgan (Elasticsearch would flip its not)", not(and(a, cmpx(ir.Lt, fld("n"), num(5)))), `not (a == "1" and n < 5)`},
		{"a script predicate in the group blocks de morgan", not(and(a, s)), `not (a == "1" and startsWith(d, "x"))`},
		{"a script predicate alone keeps its not", not(s), `not startsWith(d, "x")`},
		{"double negation of a script predicate cancels", not(not(s)), `startsWith(d, "x")`},
		{"field-to-field compare is a script predicate", not(or(a, cmpx(ir.Eq, fld("x"), fld("y")))), `not (a == "1" or x == y)`},
		{"not of a lone field stays", not(fld("process.interactive")), `not process.interactive`},
	})
}
