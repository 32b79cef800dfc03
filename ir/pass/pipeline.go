// Package pass normalises lowered IR: it rewrites a rule's query into the
// canonical form the backends expect (flat and/or, constants folded,
// negations pushed inward where that is exact, duplicate values removed,
// sibling predicates merged) and checks it against the ECS catalogue.
//
// Every rewrite is exact under the semantics contract of package ir: a
// normalised query matches the same events as the query it came from.
// Passes only ever warn; they never fail a rule.
package pass

import (
	"github.com/eqlx/eqlx/ir"
)

// pipeline is the order of normalisation; read it top to bottom. Each pass
// is in its own file, with a table test of printed IR before and after.
var pipeline = []struct {
	name string
	run  func(q ir.Query, ds *ir.Diagnostics)
}{
	{"CanonicalCompare", canonicalQuery}, // f == "x" as a Compare -> In, f != null -> Not{IsNull}
	{"Flatten", flattenQuery},            // and(and(a,b),c) -> and(a,b,c); one-term and/or -> the term
	{"FoldConstants", foldQuery},         // 1 + 2 -> 3, x and false -> false, not true -> false
	{"PushNot", pushNotQuery},            // not not x -> x; De Morgan where exact
	{"Dedupe", dedupeQuery},              // in ("a", "a") -> in ("a")
	{"MergeSiblings", mergeQuery},        // f == "a" or f == "b" -> f in ("a", "b")
	{"CheckFields", checkFieldsQuery},    // ecs/unknown-field, ecs/type-mismatch
	{"LiteralWildcard", literalWildcard}, // eql/literal-wildcard
}

// Normalize rewrites r.Query in place into canonical form and appends the
// warnings it finds to r.Diags. It is idempotent: normalising a normalised
// rule changes neither its query nor its diagnostics (a warning already in
// r.Diags is not added again).
func Normalize(r *ir.Rule) {
	if r == nil || r.Query == nil {
		return
	}
	var ds ir.Diagnostics
	for _, p := range pipeline {
		p.run(r.Query, &ds)
	}
	for _, d := range ds {
		if !containsDiag(r.Diags, d) {
			r.Diags = append(r.Diags, d)
		}
	}
}

func containsDiag(ds ir.Diagnostics, d ir.Diagnostic) bool {
	for _, x := range ds {
		if x == d {
			return true
		}
	}
	return false
}

// rewriteQuery replaces every condition and join key of q with
// ir.Rewrite(e, fn).
func rewriteQuery(q ir.Query, fn func(ir.Expr) ir.Expr) {
	for _, slot := range ir.Conditions(q) {
		if *slot == nil {
			continue
		}
		if e := ir.Rewrite(*slot, fn); e != nil {
			*slot = e
		}
	}
}
