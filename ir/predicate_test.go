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

func TestIsScript(t *testing.T) {
	tests := []struct {
		name   string
		e      Expr
		script bool
		call   bool
	}{
		{"== on a field", in(fld("a"), "x"), false, false},
		{"startsWith of a field and a string: a prefix query", call("startswith", fld("a"), str("x")), false, true},
		{"endsWith~ of a field: a wildcard query", &Call{Name: "endswith", CaseInsensitive: true, Args: []Expr{fld("a"), str("x")}}, false, true},
		{"stringContains of a field", call("stringcontains", fld("a"), str("x")), false, true},
		{"cidrMatch of a field and strings: a terms query", call("cidrmatch", fld("ip"), str("10.0.0.0/8"), str("::1")), false, true},
		{"startsWith of a computed value", call("startswith", call("string", fld("a")), str("x")), true, false},
		{"startsWith against a field", call("startswith", fld("a"), fld("b")), true, false},
		{"length", in(call("length", fld("a")), "3"), true, false},
		{"a field against a field", cmpx(Eq, fld("a"), fld("b")), true, false},
		{"not of a script", not(in(call("length", fld("a")), "3")), true, false},
		{"not of a query call", not(call("startswith", fld("a"), str("x"))), false, false},
		{"and of scripts: a bool query", and(in(call("length", fld("a")), "3"), in(call("length", fld("b")), "3")), false, false},
		{"not of an or of scripts", not(or(in(call("length", fld("a")), "3"), in(fld("b"), "y"))), false, false},
	}
	for _, tt := range tests {
		if got := IsScript(tt.e); got != tt.script {
			t.Errorf("%s: IsScript(%s) = %v", tt.name, PrintExpr(tt.e), got)
		}
		if got := IsQueryCall(tt.e); got != tt.call {
			t.Errorf("%s: IsQueryCall(%s) = %v", tt.name, PrintExpr(tt.e), got)
		}
	}
}
