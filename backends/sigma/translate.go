package sigma

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/eqlx/eqlx/ir"
)

// item is one Sigma field item: `field|mod|...: values` (values are ORed,
// or ANDed with the `all` modifier).
type item struct {
	field  string
	mods   []string
	values []any // string (escaped Sigma value), int64, float64, bool or nil
	span   ir.Span
	// guard names the field of a script predicate (length(f) > 3): EQL
	// gives it null on a missing field, so its negation must also require
	// the field to exist. Query calls (startsWith(f, "x"), ...) have none.
	guard string
}

// key is the item's map key, "field|mod|mod".
func (it *item) key() string {
	return strings.Join(append([]string{it.field}, it.mods...), "|")
}

func (it *item) has(mod string) bool { return slices.Contains(it.mods, mod) }

// node is the boolean structure between IR and Sigma: items under and/or/not.
type node interface{ isNode() }

type andN struct{ terms []node }
type orN struct{ terms []node }
type notN struct{ x node }

// negGuard is the negation of a script predicate: `not item` and the
// item's field exists. Negating it again gives the item back (Kleene:
// not not p is p, null included).
type negGuard struct{ it *item }

func (*item) isNode()     {}
func (*andN) isNode()     {}
func (*orN) isNode()      {}
func (*notN) isNode()     {}
func (*negGuard) isNode() {}

// translator turns one rule's IR into nodes and collects what it had to
// approximate, what it could not express and what it warns about.
type translator struct {
	mode    FieldMode
	fm      *FieldMap
	reasons []ir.Finding // approximations
	unsup   []ir.Finding // unsupported constructs
	warns   ir.Diagnostics
	seen    map[string]bool
}

func newTranslator(opt Options) *translator {
	fm := opt.FieldMap
	if fm == nil {
		fm = DefaultFieldMap()
	}
	return &translator{mode: opt.Fields, fm: fm, seen: map[string]bool{}}
}

// once reports whether key is new, so a repeated reason is reported once.
func (t *translator) once(key string) bool {
	if t.seen[key] {
		return false
	}
	t.seen[key] = true
	return true
}

func (t *translator) approx(span ir.Span, code, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if t.once("a\x00" + code + "\x00" + msg) {
		t.reasons = append(t.reasons, ir.Finding{Span: span, Code: code, Reason: msg})
	}
}

func (t *translator) unsupported(span ir.Span, code, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if t.once("u\x00" + code + "\x00" + msg) {
		t.unsup = append(t.unsup, ir.Finding{Span: span, Code: code, Reason: msg})
	}
}

func (t *translator) warn(span ir.Span, code, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if t.once("w\x00" + code + "\x00" + msg) {
		t.warns.Warnf(span, code, "%s", msg)
	}
}

// target resolves an ECS field to its Sigma field, reporting lossy or
// missing taxonomy names.
func (t *translator) target(f *ir.Field) Target {
	if t.mode == ECS {
		return Target{Field: f.Path, Kind: Rename}
	}
	tg, ok := t.fm.Lookup(f.Path)
	if !ok {
		t.warn(f.Span, "sigma/non-taxonomy-field", "%s has no Sigma taxonomy name: kept as is (SigmaHQ rejects it)", f.Path)
		return Target{Field: f.Path, Kind: Rename}
	}
	switch tg.Kind {
	case Basename:
		t.approx(f.Span, "sigma/approx-basename", "%s is matched as the end of %s (it differs when a process renames itself)", f.Path, tg.Field)
	case Element:
		t.approx(f.Span, "sigma/approx-element", "%s elements are matched as substrings of %s (element boundaries are lost)", f.Path, tg.Field)
	case Extension:
		t.approx(f.Span, "sigma/approx-extension", "%s is matched as the end of %s after a dot", f.Path, tg.Field)
	}
	return tg
}

var star = tok{r: '*', wild: true}

// place puts a value pattern where the mapping kind says it is inside the
// Sigma field.
func place(tg Target, p pattern) pattern {
	switch tg.Kind {
	case Basename:
		if p.isStar(0) {
			return p
		}
		return append(pattern{star, {r: '/'}}, p...)
	case Element:
		return append(append(pattern{star}, p...), star)
	case Extension:
		return append(pattern{star, {r: '.'}}, p...)
	}
	return p
}

// expr translates a boolean IR expression.
func (t *translator) expr(e ir.Expr) node {
	switch e := e.(type) {
	case *ir.And:
		n := &andN{}
		for _, x := range e.Terms {
			n.terms = append(n.terms, t.expr(x))
		}
		return n
	case *ir.Or:
		n := &orN{}
		for _, x := range e.Terms {
			n.terms = append(n.terms, t.expr(x))
		}
		return n
	case *ir.Not:
		return negate(t.expr(e.X))
	case *ir.In:
		return t.in(e)
	case *ir.Match:
		return t.match(e)
	case *ir.IsNull:
		f, ok := e.X.(*ir.Field)
		if !ok {
			t.unsupported(e.Span, "sigma/unsupported-computed", "a null test of a computed value (%s) has no Sigma form", ir.PrintExpr(e.X))
			return &andN{}
		}
		return &item{field: t.target(f).Field, values: []any{nil}, span: e.Span}
	case *ir.Compare:
		return t.compare(e)
	case *ir.Call:
		return t.call(e)
	}
	t.unsupported(e.Loc(), "sigma/unsupported-expression", "%s has no Sigma form", ir.PrintExpr(e))
	return &andN{}
}

// stringItems builds the items for string patterns on one field: values
// are grouped by the modifier their shape calls for; `|cased` is added to a
// group when the match is case-sensitive and a value has letters.
func (t *translator) stringItems(span ir.Span, tg Target, pats []pattern, cased bool, extra []string) node {
	type group struct {
		mod   string
		cased bool
		vals  []string
	}
	var groups []*group
	var numbers []any
	find := func(mod string) *group {
		for _, g := range groups {
			if g.mod == mod {
				return g
			}
		}
		g := &group{mod: mod}
		groups = append(groups, g)
		return g
	}
	for _, p := range pats {
		mod, core := place(tg, p).shape()
		if core.hasEscapedWildcard() {
			t.warn(span, "sigma/escaped-wildcard", "a literal * or ? is written escaped (SigmaHQ flags escaped wildcards)")
		}
		if mod == "" {
			// A string of digits is written as a number, as SigmaHQ
			// wants (number_as_string); Sigma compares a number with a
			// keyword's text. Leading zeros would change the value.
			if n, ok := canonicalInt(core); ok {
				numbers = append(numbers, n)
				continue
			}
			if isDigits(core) {
				t.warn(span, "sigma/number-as-string", "the string %q has leading zeros: kept quoted (SigmaHQ flags numbers written as strings)", core.sigma())
			}
		}
		g := find(mod)
		g.vals = append(g.vals, core.sigma())
		if cased && core.hasLetters() {
			g.cased = true
		}
	}
	var items []node
	for _, g := range groups {
		var mods []string
		if g.mod != "" {
			mods = append(mods, g.mod)
		}
		mods = append(mods, extra...)
		if g.cased {
			mods = append(mods, "cased")
			t.warn(span, "sigma/cased", "case-sensitive EQL match written with |cased (SigmaHQ rules do not use it; some backends ignore it)")
		}
		it := &item{field: tg.Field, mods: mods, span: span}
		for _, v := range dedupe(g.vals, !g.cased) {
			it.values = append(it.values, v)
		}
		items = append(items, it)
	}
	if len(numbers) > 0 {
		items = append(items, &item{field: tg.Field, values: dedupeAny(numbers, false), span: span})
	}
	if len(items) == 1 {
		return items[0]
	}
	return &orN{terms: items}
}

// isDigits reports whether p is a non-empty run of literal ASCII digits.
func isDigits(p pattern) bool {
	for _, t := range p {
		if t.wild || t.r < '0' || t.r > '9' {
			return false
		}
	}
	return len(p) > 0
}

// canonicalInt reads p as an integer when writing it as a number keeps
// its text: digits, no leading zero, at most 18 of them.
func canonicalInt(p pattern) (int64, bool) {
	if !isDigits(p) || len(p) > 18 || (len(p) > 1 && p[0].r == '0') {
		return 0, false
	}
	n, err := strconv.ParseInt(string(p.runes()), 10, 64)
	return n, err == nil
}

// dedupe drops repeated values (ignoring case when fold), keeping the
// first; SigmaHQ flags duplicates.
func dedupe(vs []string, fold bool) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range vs {
		k := v
		if fold {
			k = strings.ToLower(v)
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	return out
}

func (t *translator) in(e *ir.In) node {
	f, ok := e.X.(*ir.Field)
	if !ok {
		t.unsupported(e.Span, "sigma/unsupported-computed", "a comparison of a computed value (%s) has no Sigma form", ir.PrintExpr(e.X))
		return &andN{}
	}
	tg := t.target(f)
	var pats []pattern
	var others []any
	for _, v := range e.Values {
		switch v.Kind {
		case ir.KindString:
			pats = append(pats, literalPattern(v.Str))
		case ir.KindInt:
			if tg.Kind != Rename {
				pats = append(pats, literalPattern(strconv.FormatInt(v.Int, 10)))
			} else {
				others = append(others, v.Int)
			}
		case ir.KindFloat:
			others = append(others, v.Float)
		case ir.KindBool:
			others = append(others, v.Bool)
		}
	}
	var terms []node
	if len(pats) > 0 {
		terms = append(terms, t.stringItems(e.Span, tg, pats, !e.CaseInsensitive, nil))
	}
	if len(others) > 0 {
		terms = append(terms, &item{field: tg.Field, values: others, span: e.Span})
	}
	if len(terms) == 1 {
		return terms[0]
	}
	return &orN{terms: terms}
}

func (t *translator) match(e *ir.Match) node {
	f, ok := e.X.(*ir.Field)
	if !ok {
		t.unsupported(e.Span, "sigma/unsupported-computed", "a pattern match on a computed value (%s) has no Sigma form", ir.PrintExpr(e.X))
		return &andN{}
	}
	tg := t.target(f)
	if e.Kind == ir.Wildcard {
		pats := make([]pattern, len(e.Patterns))
		for i, p := range e.Patterns {
			pats[i] = wildcardPattern(p)
		}
		return t.stringItems(e.Span, tg, pats, !e.CaseInsensitive, nil)
	}
	mods := []string{"re"}
	if e.CaseInsensitive {
		mods = append(mods, "i")
	}
	var vals []any
	dot := false
	for _, p := range e.Patterns {
		r := translateLucene(p)
		if r.operator != "" {
			t.approx(e.Span, "sigma/approx-regex-operator", "Lucene regex operator %q has no PCRE form: matched as a literal character", r.operator)
		}
		dot = dot || r.dot
		switch tg.Kind {
		case Basename:
			vals = append(vals, "^(.*/)?("+r.body+")$")
		case Element:
			vals = append(vals, "(^| )("+r.body+")( |$)")
		case Extension:
			vals = append(vals, "\\.("+r.body+")$")
		default:
			vals = append(vals, anchor(r))
		}
	}
	if dot {
		mods = append(mods, "s")
	}
	return &item{field: tg.Field, mods: mods, values: vals, span: e.Span}
}

var cmpMods = map[ir.CmpOp]string{ir.Lt: "lt", ir.Le: "lte", ir.Gt: "gt", ir.Ge: "gte"}
var flipOp = map[ir.CmpOp]ir.CmpOp{ir.Lt: ir.Gt, ir.Le: ir.Ge, ir.Gt: ir.Lt, ir.Ge: ir.Le, ir.Eq: ir.Eq, ir.Ne: ir.Ne}

func (t *translator) compare(e *ir.Compare) node {
	f, fok := e.Left.(*ir.Field)
	lit, lok := e.Right.(*ir.Literal)
	op := e.Op
	if !fok || !lok {
		if f2, ok := e.Right.(*ir.Field); ok {
			if l2, ok := e.Left.(*ir.Literal); ok {
				f, lit, op, fok, lok = f2, l2, flipOp[op], true, true
			}
		}
	}
	if !fok || !lok {
		if n, ok := t.length(e); ok {
			return n
		}
		t.unsupported(e.Span, "sigma/unsupported-compare", "comparison %s has no Sigma form (Sigma compares a field with constants only)", ir.PrintExpr(e))
		return &andN{}
	}
	var v any
	switch lit.Value.Kind {
	case ir.KindInt:
		v = lit.Value.Int
	case ir.KindFloat:
		v = lit.Value.Float
	default:
		t.unsupported(e.Span, "sigma/unsupported-compare", "ordering comparison with a %s (%s): Sigma's gt/lt compare numbers only", lit.Value.Kind, ir.PrintExpr(e))
		return &andN{}
	}
	mod, ok := cmpMods[op]
	if !ok {
		t.unsupported(e.Span, "sigma/unsupported-compare", "comparison %s has no Sigma form", ir.PrintExpr(e))
		return &andN{}
	}
	return &item{field: t.target(f).Field, mods: []string{mod}, values: []any{v}, span: e.Span}
}

// length writes `length(f) op n` as a regular expression on the number
// of characters (`|re|s: '^.{n+1,}'` for `> n`). EQL counts UTF-16 code
// units, the regex characters: they differ on characters outside the
// Basic Multilingual Plane, so the rule is approximate.
func (t *translator) length(e *ir.Compare) (node, bool) {
	c, lit, op := e.Left, e.Right, e.Op
	if _, ok := c.(*ir.Literal); ok {
		c, lit, op = e.Right, e.Left, flipOp[op]
	}
	call, ok := c.(*ir.Call)
	l, lok := lit.(*ir.Literal)
	if !ok || !lok || call.Name != "length" || len(call.Args) != 1 || l.Value.Kind != ir.KindInt {
		return nil, false
	}
	f, ok := call.Args[0].(*ir.Field)
	if !ok {
		return nil, false
	}
	n := l.Value.Int
	var re string
	switch op {
	case ir.Gt:
		re = fmt.Sprintf("^.{%d,}", n+1)
	case ir.Ge:
		re = fmt.Sprintf("^.{%d,}", n)
	case ir.Lt:
		re = fmt.Sprintf("^.{0,%d}$", n-1)
	case ir.Le:
		re = fmt.Sprintf("^.{0,%d}$", n)
	}
	// RE2-based engines refuse repetitions over 1000.
	if re == "" || n < 0 || n > 999 || (n == 0 && op == ir.Lt) {
		return nil, false
	}
	if re == "^.{1,}" {
		re = "."
	}
	tg := t.target(f)
	t.approx(e.Span, "sigma/approx-length", "length(%s) counts characters in Sigma, UTF-16 code units in EQL", f.Path)
	return &item{field: tg.Field, mods: []string{"re", "s"}, values: []any{re}, span: e.Span, guard: tg.Field}, true
}

func (t *translator) call(e *ir.Call) node {
	var f *ir.Field
	if len(e.Args) >= 2 {
		f, _ = e.Args[0].(*ir.Field)
	}
	var strs []string
	for _, a := range e.Args[min(1, len(e.Args)):] {
		l, ok := a.(*ir.Literal)
		if !ok || l.Value.Kind != ir.KindString {
			f = nil
			break
		}
		strs = append(strs, l.Value.Str)
	}
	fn := ir.CallName(e.Name)
	if f == nil {
		t.unsupported(e.Span, "sigma/unsupported-function", "%s has no Sigma form (only startsWith, endsWith, stringContains and cidrMatch of a field and constants map to modifiers)", ir.PrintExpr(e))
		return &andN{}
	}
	tg := t.target(f)
	var n node
	switch e.Name {
	case "startswith", "endswith", "stringcontains":
		pats := make([]pattern, len(strs))
		for i, s := range strs {
			p := literalPattern(s)
			switch e.Name {
			case "startswith":
				p = append(p, star)
			case "endswith":
				p = append(pattern{star}, p...)
			default:
				p = append(append(pattern{star}, p...), star)
			}
			pats[i] = p
		}
		n = t.stringItems(e.Span, tg, pats, !e.CaseInsensitive, nil)
	case "cidrmatch":
		it := &item{field: tg.Field, mods: []string{"cidr"}, span: e.Span}
		for _, s := range dedupe(strs, false) {
			it.values = append(it.values, cidr(s))
		}
		n = it
	default:
		t.unsupported(e.Span, "sigma/unsupported-function", "function %s has no Sigma form", fn)
		return &andN{}
	}
	if !ir.IsQueryCall(e) {
		setGuard(n, tg.Field)
	}
	return n
}

// cidr writes a bare address, which cidrMatch accepts, as a one-address
// network: Sigma's cidr modifier asks for CIDR notation.
func cidr(s string) string {
	if strings.Contains(s, "/") {
		return s
	}
	if ip := net.ParseIP(s); ip != nil {
		if ip.To4() != nil {
			return s + "/32"
		}
		return s + "/128"
	}
	return s
}

// setGuard marks the items of a function predicate.
func setGuard(n node, field string) {
	switch n := n.(type) {
	case *item:
		n.guard = field
	case *orN:
		for _, x := range n.terms {
			setGuard(x, field)
		}
	}
}

// negate is `not n`, as ir's contract reads Not: the negation of a script
// predicate (a guarded item: EQL gives it null on a missing field) is
// Kleene's, so it also requires the field; any other negation is
// Elasticsearch's must_not, which a Sigma `not` is, since Sigma items are
// two-valued too.
func negate(n node) node {
	switch n := n.(type) {
	case *notN:
		return n.x
	case *negGuard:
		return n.it
	case *item:
		if n.guard != "" {
			return &negGuard{it: n}
		}
	}
	return &notN{x: n}
}

// expandGuards replaces guarded negations by `not item and field exists`.
func expandGuards(n node) node {
	switch n := n.(type) {
	case *negGuard:
		return &andN{terms: []node{&notN{x: n.it}, &item{field: n.it.guard, mods: []string{"exists"}, values: []any{true}, span: n.it.span}}}
	case *andN:
		for i, x := range n.terms {
			n.terms[i] = expandGuards(x)
		}
	case *orN:
		for i, x := range n.terms {
			n.terms[i] = expandGuards(x)
		}
	case *notN:
		n.x = expandGuards(n.x)
	}
	return n
}

// simplify flattens nested and/or, drops empty ones, merges the values of
// ORed items on the same key, and writes ANDed single `contains` values on
// one field as `contains|all`.
func simplify(n node) node {
	switch n := n.(type) {
	case *andN:
		var terms []node
		for _, x := range n.terms {
			x = simplify(x)
			if a, ok := x.(*andN); ok {
				terms = append(terms, a.terms...)
			} else if x != nil {
				terms = append(terms, x)
			}
		}
		terms = mergeAll(terms)
		switch len(terms) {
		case 0:
			return nil
		case 1:
			return terms[0]
		}
		return &andN{terms: terms}
	case *orN:
		var terms []node
		for _, x := range n.terms {
			x = simplify(x)
			if o, ok := x.(*orN); ok {
				terms = append(terms, o.terms...)
			} else if x != nil {
				terms = append(terms, x)
			}
		}
		terms = mergeAny(terms)
		if len(terms) > 1 && !slices.ContainsFunc(terms, func(x node) bool { _, ok := x.(*notN); return !ok }) {
			// not a or not b reads better as not (a and b).
			a := &andN{}
			for _, x := range terms {
				a.terms = append(a.terms, x.(*notN).x)
			}
			return &notN{x: simplify(a)}
		}
		switch len(terms) {
		case 0:
			return nil
		case 1:
			return terms[0]
		}
		return &orN{terms: terms}
	case *notN:
		x := simplify(n.x)
		if x == nil {
			return nil
		}
		if nn, ok := x.(*notN); ok {
			return nn.x
		}
		return &notN{x: x}
	}
	return n
}

// mergeable reports whether an item's values may be pooled with another's.
func mergeable(it *item) bool {
	if it.has("all") || it.has("exists") {
		return false
	}
	return !slices.Contains(it.values, any(nil))
}

// mergeAny pools the values of ORed items with the same key.
func mergeAny(terms []node) []node {
	var out []node
	byKey := map[string]*item{}
	for _, x := range terms {
		it, ok := x.(*item)
		if !ok || !mergeable(it) {
			out = append(out, x)
			continue
		}
		if prev, ok := byKey[it.key()]; ok {
			prev.values = dedupeAny(append(prev.values, it.values...), !prev.has("cased") && !prev.has("re"))
			continue
		}
		cp := *it
		cp.values = slices.Clone(it.values)
		byKey[it.key()] = &cp
		out = append(out, &cp)
	}
	return out
}

func dedupeAny(vs []any, fold bool) []any {
	seen := map[string]bool{}
	var out []any
	for _, v := range vs {
		k := fmt.Sprintf("%T:%v", v, v)
		if s, ok := v.(string); ok && fold {
			k = "s:" + strings.ToLower(s)
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	return out
}

// mergeAll turns ANDed one-value `contains` items on the same key into one
// `contains|all` item.
func mergeAll(terms []node) []node {
	var out []node
	byKey := map[string]*item{}
	for _, x := range terms {
		it, ok := x.(*item)
		if !ok || !it.has("contains") || it.has("all") || len(it.values) != 1 || it.guard != "" {
			out = append(out, x)
			continue
		}
		if prev, ok := byKey[it.key()]; ok {
			if !prev.has("all") {
				mods := []string{"contains", "all"}
				for _, m := range prev.mods {
					if m != "contains" {
						mods = append(mods, m)
					}
				}
				prev.mods = mods
			}
			prev.values = dedupeAny(append(prev.values, it.values...), !prev.has("cased"))
			continue
		}
		cp := *it
		cp.values = slices.Clone(it.values)
		byKey[it.key()] = &cp
		out = append(out, &cp)
	}
	return out
}
