package ir

// IsQueryPredicate reports whether e is a query predicate in the sense of
// the contract (package doc, "Two kinds of predicate"): an In, Match or
// IsNull whose subject is a plain *Field, or a Compare between a plain
// *Field and a *Literal. Query predicates are two-valued (false on an
// absent field, any element of an array) and Not flips them. Every other
// predicate is a script predicate, three-valued.
func IsQueryPredicate(e Expr) bool {
	switch e := e.(type) {
	case *In:
		return isPlainField(e.X)
	case *Match:
		return isPlainField(e.X)
	case *IsNull:
		return isPlainField(e.X)
	case *Compare:
		_, lc := e.Left.(*Literal)
		_, rc := e.Right.(*Literal)
		return (isPlainField(e.Left) && rc) || (lc && isPlainField(e.Right))
	}
	return false
}

func isPlainField(e Expr) bool {
	_, ok := e.(*Field)
	return ok
}
