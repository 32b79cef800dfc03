package ir

import (
	"net/netip"
	"strings"
)

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

// IsQueryCall reports whether e is a function call that Elasticsearch runs
// as a query instead of a script (EQL's QueryTranslator): startsWith of a
// plain *Field and a string *Literal is a prefix query; endsWith and
// stringContains of the same are wildcard queries; cidrMatch of a plain
// *Field and string *Literals is a terms query on an ip field. The `~`
// forms alike. Such a call is evaluated as a function (package doc,
// "Functions"), but under Not it behaves as a query predicate does: an
// absent field makes `not startsWith(f, "x")` TRUE.
func IsQueryCall(e Expr) bool {
	c, ok := e.(*Call)
	if !ok || len(c.Args) < 2 || !isPlainField(c.Args[0]) {
		return false
	}
	switch c.Name {
	case "startswith", "endswith", "stringcontains":
		return len(c.Args) == 2 && isStringLit(c.Args[1])
	case "cidrmatch":
		for _, a := range c.Args[1:] {
			if !isStringLit(a) {
				return false
			}
		}
		return true
	}
	return false
}

func isStringLit(e Expr) bool {
	l, ok := e.(*Literal)
	return ok && l.Value.Kind == KindString
}

// IsScript reports whether Elasticsearch evaluates the condition e as one
// painless script, with null propagation: a predicate that is neither a
// query predicate nor a query call, or a Not of one (the translator folds
// such a negation into the script). And and Or are bool queries whatever
// they hold, so they are not scripts, nor is a Not of them.
//
// It decides what Not means (package doc, "Not"): Not{X} is Kleene's
// negation when IsScript(X), and Lucene's must_not otherwise: TRUE unless
// X is TRUE, a null inside X counting as false.
func IsScript(e Expr) bool {
	switch x := e.(type) {
	case *And, *Or:
		return false
	case *Literal:
		// Elasticsearch folds constants first: not null is null.
		return x.Value.Kind != KindBool
	case *Not:
		return IsScript(x.X)
	}
	return !IsQueryPredicate(e) && !IsQueryCall(e)
}

// ParseCIDR reads a cidrMatch network, masked. Elasticsearch also accepts
// a bare address there and treats it as a network of that one address
// (/32, /128).
func ParseCIDR(s string) (netip.Prefix, error) {
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return p.Masked(), nil
}
