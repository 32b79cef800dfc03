package falco

import (
	"strings"

	"github.com/eqlx/eqlx/ir"
)

// node is a Falco condition under construction. Constants are folded away
// before rendering; a bad node is a part of the rule that has no Falco form
// (it makes the rule unsupported unless folding removes it).
type node interface{ isNode() }

type andN struct{ xs []node }
type orN struct{ xs []node }
type notN struct{ x node }
type constN bool

// checkN is one Falco check: `field op value`, `field in (v, ...)` or
// `field exists`. Values are already encoded (quoted or bare).
type checkN struct {
	field string
	op    string
	vals  []string
	// why holds the approximation reasons of this check; since is the
	// first Falco minor release that accepts it (0: every engine).
	why   []ir.Finding
	since int
}

type badN struct{ f ir.Finding }

func (andN) isNode()    {}
func (orN) isNode()     {}
func (notN) isNode()    {}
func (constN) isNode()  {}
func (*checkN) isNode() {}
func (badN) isNode()    {}

var (
	trueN  = constN(true)
	falseN = constN(false)
)

// mkAnd builds a conjunction, folding constants and flattening.
func mkAnd(xs ...node) node {
	var out []node
	for _, x := range xs {
		switch v := x.(type) {
		case constN:
			if !v {
				return falseN
			}
		case andN:
			out = append(out, v.xs...)
		default:
			out = append(out, x)
		}
	}
	switch len(out) {
	case 0:
		return trueN
	case 1:
		return out[0]
	}
	return andN{out}
}

// mkOr builds a disjunction, folding constants and flattening.
func mkOr(xs ...node) node {
	var out []node
	for _, x := range xs {
		switch v := x.(type) {
		case constN:
			if v {
				return trueN
			}
		case orN:
			out = append(out, v.xs...)
		default:
			out = append(out, x)
		}
	}
	switch len(out) {
	case 0:
		return falseN
	case 1:
		return out[0]
	}
	return orN{out}
}

// mkNot negates x. Falco checks are two-valued, so `not not x` is x; the
// legacy engine reads `not not x` as `not x`, so it must never be written.
func mkNot(x node) node {
	switch v := x.(type) {
	case constN:
		return !v
	case notN:
		return v.x
	}
	return notN{x}
}

func check(field, op string, since int, why []ir.Finding, vals ...string) *checkN {
	return &checkN{field: field, op: op, vals: vals, since: since, why: why}
}

// walk calls fn on every node of n.
func walk(n node, fn func(node)) {
	fn(n)
	switch v := n.(type) {
	case andN:
		for _, x := range v.xs {
			walk(x, fn)
		}
	case orN:
		for _, x := range v.xs {
			walk(x, fn)
		}
	case notN:
		walk(v.x, fn)
	}
}

// render writes n on one line. Every and/or group below the top is
// parenthesised (the legacy engine refuses to mix and/or without
// parentheses, and readers need them anyway); `not` is followed by a
// single check or a parenthesised group.
func render(n node) string {
	var b strings.Builder
	renderTo(&b, n, true)
	return b.String()
}

func renderTo(b *strings.Builder, n node, top bool) {
	switch v := n.(type) {
	case andN:
		group(b, v.xs, " and ", top)
	case orN:
		group(b, v.xs, " or ", top)
	case notN:
		b.WriteString("not ")
		renderTo(b, v.x, false)
	case *checkN:
		b.WriteString(v.field)
		b.WriteByte(' ')
		b.WriteString(v.op)
		switch {
		case v.op == "exists":
		case v.op == "in":
			b.WriteString(" (")
			b.WriteString(strings.Join(v.vals, ", "))
			b.WriteByte(')')
		default:
			b.WriteByte(' ')
			b.WriteString(v.vals[0])
		}
	case constN:
		// Never reached: Convert folds constants away before rendering.
		if v {
			b.WriteString("evt.num >= 0")
		} else {
			b.WriteString("evt.num = 0")
		}
	case badN:
		b.WriteString("<unsupported>")
	}
}

func group(b *strings.Builder, xs []node, sep string, top bool) {
	if !top {
		b.WriteByte('(')
	}
	for i, x := range xs {
		if i > 0 {
			b.WriteString(sep)
		}
		renderTo(b, x, false)
	}
	if !top {
		b.WriteByte(')')
	}
}

// renderPretty writes n for a rules file: the top-level terms of a
// conjunction or disjunction one per line, each on one line.
func renderPretty(n node) string {
	var terms []node
	sep := ""
	switch v := n.(type) {
	case andN:
		terms, sep = v.xs, "and "
	case orN:
		terms, sep = v.xs, "or "
	default:
		return render(n)
	}
	var b strings.Builder
	for i, x := range terms {
		if i > 0 {
			b.WriteByte('\n')
			b.WriteString(sep)
		}
		renderTo(&b, x, false)
	}
	return b.String()
}
