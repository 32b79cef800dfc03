package ir

import "testing"

func TestIsQueryPredicate(t *testing.T) {
	tests := []struct {
		name string
		e    Expr
		want bool
	}{
		{"== on a field", in(fld("a"), "x"), true},
		{"like on an optional field", like(opt("a"), true, "x*"), true},
		{"== null on a field", isNull(fld("a")), true},
		{"range on a field", cmpx(Lt, fld("n"), num(5)), true},
		{"range with the constant on the left", cmpx(Lt, num(5), fld("n")), true},
		{"== on a function", in(call("length", fld("a")), "x"), false},
		{"like on arithmetic", like(arith(Add, fld("a"), num(1)), false, "1"), false},
		{"field against field", cmpx(Eq, fld("a"), fld("b")), false},
		{"a function call itself", call("startswith", fld("a"), str("x")), false},
		{"a negation is not a predicate", not(in(fld("a"), "x")), false},
		{"a literal", boolean(true), false},
	}
	for _, tt := range tests {
		if got := IsQueryPredicate(tt.e); got != tt.want {
			t.Errorf("%s: IsQueryPredicate(%s) = %v", tt.name, PrintExpr(tt.e), got)
		}
	}
}
