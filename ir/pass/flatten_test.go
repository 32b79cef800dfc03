package pass

import "testing"

func TestFlatten(t *testing.T) {
	a, b, c, d := in(fld("a"), "1"), in(fld("b"), "2"), in(fld("c"), "3"), in(fld("d"), "4")
	runExprCases(t, flattenQuery, []exprCase{
		{"nested and is spliced", and(a, and(b, and(c, d))), `a == "1" and b == "2" and c == "3" and d == "4"`},
		{"nested or is spliced", or(or(a, b), c), `a == "1" or b == "2" or c == "3"`},
		{"and under or stays", or(and(a, b), c), `a == "1" and b == "2" or c == "3"`},
		{"one-term and is its term", and(or(a)), `a == "1"`},
		{"one-term or inside and is spliced after unwrapping", and(a, or(and(b, c))), `a == "1" and b == "2" and c == "3"`},
		{"empty and is true", and(), `true`},
		{"empty or is false", or(), `false`},
		{"flattening reaches under not and into calls", not(and(a, and(b, c))), `not (a == "1" and b == "2" and c == "3")`},
		{"already flat is unchanged", and(a, or(b, c)), `a == "1" and (b == "2" or c == "3")`},
	})
}
