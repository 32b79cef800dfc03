package pass

import (
	"math"
	"testing"

	"github.com/eqlx/eqlx/ir"
)

func TestFoldConstants(t *testing.T) {
	x := in(fld("process.name"), "nc")
	s := call("startswith", fld("process.name"), str("n")) // a script predicate: may be null
	runExprCases(t, foldQuery, []exprCase{
		{"int arithmetic", cmpx(ir.Gt, fld("a"), arith(ir.Add, num(1), num(2))), `a > 3`},
		{"nested arithmetic", cmpx(ir.Gt, fld("a"), arith(ir.Mul, arith(ir.Sub, num(10), num(4)), num(2))), `a > 12`},
		{"int division truncates toward zero", cmpx(ir.Gt, fld("a"), arith(ir.Div, num(-7), num(2))), `a > -3`},
		{"modulo takes the dividend's sign", cmpx(ir.Gt, fld("a"), arith(ir.Mod, num(-7), num(2))), `a > -1`},
		{"float arithmetic", cmpx(ir.Gt, fld("a"), arith(ir.Div, flt(1), num(4))), `a > 0.25`},
		{"division by zero is left alone", cmpx(ir.Gt, fld("a"), arith(ir.Div, num(1), num(0))), `a > 1 / 0`},
		{"overflow is left alone", cmpx(ir.Gt, fld("a"), arith(ir.Add, num(math.MaxInt64), num(1))), `a > 9223372036854775807 + 1`},
		{"string in arithmetic is left alone", cmpx(ir.Gt, fld("a"), arith(ir.Add, str("x"), num(1))), `a > "x" + 1`},
		{"null in arithmetic is null", cmpx(ir.Gt, fld("a"), arith(ir.Add, null(), num(1))), `a > null`},
		{"equal strings", in(str("a"), "a"), `true`},
		{"== is case-sensitive", in(str("a"), "A"), `false`},
		{"in~ folds case", inCI(str("straße"), "STRAßE"), `true`},
		{"int equals float", in(num(1), 1.0), `true`},
		{"a string never equals a number", in(str("1"), 1), `false`},
		{"booleans equal only booleans", in(boolean(true), "true"), `false`},
		{"null in a set is null", &ir.In{X: null(), Values: vals("a")}, `null`},
		{"literal is null", isNull(null()), `true`},
		{"literal is not null", isNull(str("")), `false`},
		{"wildcard on a literal", like(str("nc.traditional"), false, "nc.*"), `true`},
		{"wildcard ? is one character", like(str("ab"), false, "a??"), `false`},
		{"wildcard~ folds", like(str("ABC"), true, "a*c"), `true`},
		{"regex is never folded", regex(str("abc"), false, "a.c"), `"abc" regex "a.c"`},
		{"ordering compare", cmpx(ir.Le, num(2), flt(2.5)), `true`},
		{"string ordering by code point", cmpx(ir.Lt, str("B"), str("a")), `true`},
		{"mixed ordering is left alone", cmpx(ir.Lt, str("1"), num(2)), `"1" < 2`},
		{"length in UTF-16 units", cmpx(ir.Eq, call("length", str("a😀")), num(3)), `true`},
		{"length folds inside a predicate", in(call("length", str("abc")), 3), `true`},
		{"startsWith~", callCI("startswith", str("Bash"), str("ba")), `true`},
		{"endsWith is case-sensitive", call("endswith", str("ab.SH"), str(".sh")), `false`},
		{"stringContains", call("stringcontains", str("abc"), str("b")), `true`},
		{"stringContains of empty is left to the evaluator", call("stringcontains", str("abc"), str("")), `stringContains("abc", "")`},
		{"concat of strings", in(call("concat", str("a"), str("b")), "ab"), `true`},
		{"function of null is null", call("cidrmatch", null(), str("10.0.0.0/8")), `null`},
		{"unknown function is left alone", call("frob", null()), `frob(null)`},
		{"add()", cmpx(ir.Eq, call("add", num(2), num(3)), num(5)), `true`},
		{"not true", not(boolean(true)), `false`},
		{"not null", not(null()), `null`},
		{"x and false is false", and(s, boolean(false)), `false`},
		{"x or true is true", or(s, boolean(true)), `true`},
		{"x and true is x", and(x, boolean(true), s), `process.name == "nc" and startsWith(process.name, "n")`},
		{"x or false is x", or(boolean(false), x), `process.name == "nc"`},
		{"x and null stays (Kleene)", and(x, null()), `process.name == "nc" and null`},
		{"x or null stays (Kleene)", or(x, null()), `process.name == "nc" or null`},
		{"folding cascades upward", and(x, not(in(arith(ir.Add, num(1), num(1)), 2))), `false`},
		{"fields are never folded", cmpx(ir.Gt, fld("a"), fld("b")), `a > b`},
	})
}
