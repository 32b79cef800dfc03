package gogen

import (
	"fmt"
	"math"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/eqlx/eqlx/ir"
	"github.com/eqlx/eqlx/ir/ecs"
)

// check returns why r cannot be generated, or nil.
func check(r *ir.Rule) []ir.Finding {
	var fs []ir.Finding
	add := func(span ir.Span, code, format string, args ...any) {
		fs = append(fs, ir.Finding{Span: span, Code: code, Reason: fmt.Sprintf(format, args...)})
	}
	if r.Query == nil {
		add(ir.Span{Start: ir.Pos{File: r.Meta.File}}, "go/no-query", "the rule has no query")
		return fs
	}
	var cond func(e ir.Expr)
	cond = func(e ir.Expr) {
		// script reports e as a script predicate, which is three-valued
		// and evaluated by the interpreter only; what names its kind.
		script := func(what string) {
			add(e.Loc(), "go/script", "%s: %s (script predicates) are not generated; run the rule with `eqlx eval`", ir.PrintExpr(e), what)
		}
		switch x := e.(type) {
		case nil:
		case *ir.And:
			for _, t := range x.Terms {
				cond(t)
			}
		case *ir.Or:
			for _, t := range x.Terms {
				cond(t)
			}
		case *ir.Not:
			cond(x.X)
		case *ir.Literal:
			if x.Value.IsNull() {
				add(x.Span, "go/null-condition", "a null constant used as a condition is three-valued; the Go backend generates two-valued conditions only")
			}
		case *ir.In, *ir.IsNull:
			if !ir.IsQueryPredicate(e) {
				script("predicates on function calls or arithmetic")
			}
		case *ir.Match:
			if !ir.IsQueryPredicate(e) {
				script("predicates on function calls or arithmetic")
				return
			}
			if x.Kind == ir.Regex {
				for _, p := range x.Patterns {
					if _, err := translateLucene(p, x.CaseInsensitive); err != nil {
						add(x.Span, "go/regex", "regex %s cannot be translated to RE2: %v", ir.Quote(p), err)
					}
				}
			}
		case *ir.Compare:
			if !ir.IsQueryPredicate(e) || x.Op == ir.Eq || x.Op == ir.Ne {
				script("comparisons between computed values")
			}
		case *ir.Call:
			// startsWith(f, "x") and its kin are queries in Elasticsearch,
			// two-valued as the generated conditions are (ir.IsQueryCall).
			if !ir.IsQueryCall(e) {
				script("function calls and arithmetic used as conditions")
				return
			}
			if x.Name == "cidrmatch" {
				for _, a := range x.Args[1:] {
					if _, err := ir.ParseCIDR(a.(*ir.Literal).Value.Str); err != nil {
						add(a.Loc(), "go/cidr", "invalid CIDR %s: %v", ir.Quote(a.(*ir.Literal).Value.Str), err)
					}
				}
			}
		default:
			script("function calls and arithmetic used as conditions")
		}
	}
	keys := func(by []ir.Expr) {
		for _, k := range by {
			if _, ok := k.(*ir.Field); !ok {
				add(k.Loc(), "go/computed-key", "join key %s is computed; the Go backend joins on plain fields only", ir.PrintExpr(k))
			}
		}
	}
	switch q := r.Query.(type) {
	case *ir.EventQuery:
		cond(q.Cond)
	case *ir.Sequence:
		keys(q.By)
		positive, missing := 0, false
		for _, st := range q.Stages {
			cond(st.Query.Cond)
			keys(st.By)
			if st.Missing {
				missing = true
			} else {
				positive++
			}
		}
		if q.Until != nil {
			cond(q.Until.Query.Cond)
			keys(q.Until.By)
		}
		if positive == 0 {
			add(q.Span, "go/sequence", "a sequence needs at least one stage that is not missing (![...])")
		}
		if missing && q.MaxSpan == nil {
			add(q.Span, "go/sequence", "missing events (![...]) need `with maxspan`")
		}
	case *ir.Sample:
		keys(q.By)
		for _, st := range q.Stages {
			cond(st.Query.Cond)
			keys(st.By)
		}
	default:
		add(r.Query.Loc(), "go/query", "unsupported query type %T", r.Query)
	}
	return fs
}

// fieldType mirrors the runtime's: what the ECS catalogue says a field holds.
type fieldType uint8

const (
	ftUnknown fieldType = iota
	ftString
	ftNumber
	ftDate
	ftIP
)

var ftNames = [...]string{"ftUnknown", "ftString", "ftNumber", "ftDate", "ftIP"}

func typeOf(path string) fieldType {
	f, ok := ecs.Lookup(path)
	switch {
	case !ok:
		return ftUnknown
	case f.Type == ecs.IP:
		return ftIP
	case f.Type == ecs.Date:
		return ftDate
	case f.Type.IsNumeric():
		return ftNumber
	case f.Type.IsString():
		return ftString
	}
	return ftUnknown
}

// cost is a static estimate used to evaluate the cheapest terms first (the
// evaluator's); conditions are two-valued and pure, so order is free.
func cost(e ir.Expr) int {
	switch x := e.(type) {
	case *ir.IsNull:
		return 1
	case *ir.In:
		if len(x.Values) == 1 && x.Values[0].Kind == ir.KindBool {
			return 2
		}
		if x.CaseInsensitive {
			return 6
		}
		return 3
	case *ir.Compare:
		return 4
	case *ir.Match:
		n := 8 + len(x.Patterns)
		if x.Kind == ir.Regex {
			n += 30
		}
		if x.CaseInsensitive {
			n += 4
		}
		return n
	case *ir.Not:
		return cost(x.X)
	case *ir.And:
		n := 0
		for _, t := range x.Terms {
			n += cost(t)
		}
		return n
	case *ir.Or:
		n := 0
		for _, t := range x.Terms {
			n += cost(t)
		}
		return n
	}
	return 40
}

// expr writes a condition as a Go boolean expression over ev. top leaves
// out the outer parentheses.
func (g *gen) expr(e ir.Expr, top bool) string {
	switch x := e.(type) {
	case nil:
		return "true"
	case *ir.And, *ir.Or:
		var terms []ir.Expr
		op := " &&\n"
		if a, ok := x.(*ir.And); ok {
			terms = a.Terms
		} else {
			terms = x.(*ir.Or).Terms
			op = " ||\n"
		}
		if len(terms) == 0 {
			_, isAnd := x.(*ir.And)
			return strconv.FormatBool(isAnd)
		}
		terms = slices.Clone(terms)
		sort.SliceStable(terms, func(a, b int) bool { return cost(terms[a]) < cost(terms[b]) })
		parts := make([]string, len(terms))
		for i, t := range terms {
			parts[i] = g.expr(t, false)
		}
		if len(parts) == 1 {
			return parts[0]
		}
		s := strings.Join(parts, op)
		if top {
			return s
		}
		return "(" + s + ")"
	case *ir.Not:
		return "!" + g.expr(x.X, false)
	case *ir.Literal:
		return strconv.FormatBool(x.Value.Kind == ir.KindBool && x.Value.Bool)
	}
	return g.leaf(e)
}

// leaf returns a call of the function that tests predicate e, writing the
// function the first time its body is seen.
func (g *gen) leaf(e ir.Expr) string {
	var body string
	switch x := e.(type) {
	case *ir.In:
		body = g.inBody(x.X.(*ir.Field), x)
	case *ir.Match:
		body = g.matchBody(x.X.(*ir.Field), x)
	case *ir.IsNull:
		body = fmt.Sprintf("return len(ev.slots[%d]) == 0\n", g.slots[x.X.(*ir.Field).Path])
	case *ir.Compare:
		body = g.compareBody(x)
	case *ir.Call:
		body = g.callBody(x)
	}
	name, ok := g.leafByID[body]
	if !ok {
		name = fmt.Sprintf("p%d", len(g.leafByID))
		g.leafByID[body] = name
		g.leafText[name] = oneLine(ir.PrintExpr(e))
		fmt.Fprintf(&g.leaves, "// %s: %s\n%sfunc %s(ev *event) bool {\n%s}\n\n", name, g.leafText[name], leafDocMark+name+leafDocEnd, name, body)
	}
	if g.leafUsers[name] == nil {
		g.leafUsers[name] = map[string]bool{}
	}
	if !g.leafUsers[name][g.curFunc] {
		g.leafUsers[name][g.curFunc] = true
		g.leafOrder[g.curFunc] = append(g.leafOrder[g.curFunc], name)
	}
	// A marker: resolved by memoize once every condition is written,
	// when it is known which predicates several conditions share.
	return leafMark + name + leafEnd
}

// Markers of predicate calls and of their doc lines in the generated text,
// resolved by memoize.
const (
	leafMark    = "\x01"
	leafEnd     = "\x02"
	leafDocMark = "\x03"
	leafDocEnd  = "\x04"
)

// memoize resolves the predicate markers: a predicate that two or more
// conditions use is evaluated at most once per event, through a memo
// function (mN) that records its result in the event; the others are
// called directly. It returns the conditions and predicates texts and the
// number of memo entries.
func (g *gen) memoize(conds, leaves string) (string, string, int) {
	users := func(name string) []string {
		var out []string
		for f := range g.leafUsers[name] {
			out = append(out, f)
		}
		sort.Slice(out, func(a, b int) bool { return funcLess(out[a], out[b]) })
		return out
	}
	memo := map[string]int{}
	var order []string
	for _, f := range g.funcs {
		for _, name := range g.leafOrder[f] {
			if _, ok := memo[name]; !ok && len(g.leafUsers[name]) > 1 {
				memo[name] = len(order)
				order = append(order, name)
			}
		}
	}
	var memoFuncs strings.Builder
	for k, name := range order {
		us := users(name)
		who := strings.Join(us, ", ")
		if len(us) > 4 {
			who = fmt.Sprintf("%s and %d more", strings.Join(us[:3], ", "), len(us)-3)
		}
		fmt.Fprintf(&memoFuncs, "// m%d is %s (%s) evaluated once per event: %s share it.\nfunc m%d(ev *event) bool {\nif m := ev.memo[%d]; m != 0 {\nreturn m == 2\n}\nreturn ev.memoize(%d, %s(ev))\n}\n\n", k, name, g.leafText[name], who, k, k, k, name)
	}
	call := func(s string) string {
		var b strings.Builder
		for {
			i := strings.Index(s, leafMark)
			if i < 0 {
				b.WriteString(s)
				return b.String()
			}
			j := strings.Index(s[i:], leafEnd) + i
			name := s[i+len(leafMark) : j]
			b.WriteString(s[:i])
			if k, ok := memo[name]; ok {
				fmt.Fprintf(&b, "m%d(ev)", k)
			} else {
				b.WriteString(name + "(ev)")
			}
			s = s[j+len(leafEnd):]
		}
	}
	doc := func(s string) string {
		var b strings.Builder
		for {
			i := strings.Index(s, leafDocMark)
			if i < 0 {
				b.WriteString(s)
				return b.String()
			}
			j := strings.Index(s[i:], leafDocEnd) + i
			name := s[i+len(leafDocMark) : j]
			b.WriteString(s[:i])
			if k, ok := memo[name]; ok {
				fmt.Fprintf(&b, "//\n// Shared: called through m%d.\n", k)
			}
			s = s[j+len(leafDocEnd):]
		}
	}
	return call(conds), memoFuncs.String() + doc(leaves), len(order)
}

// funcLess orders condition function names as they were written (rule2
// before rule10, rule2 before rule2Stage0).
func funcLess(a, b string) bool {
	na, ra := splitNum(strings.TrimPrefix(a, "rule"))
	nb, rb := splitNum(strings.TrimPrefix(b, "rule"))
	if na != nb {
		return na < nb
	}
	return ra < rb
}

func splitNum(s string) (int, string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	n, _ := strconv.Atoi(s[:i])
	return n, s[i:]
}

// foldString is the runtime's case folding (appendFold), applied to
// constants when generating.
func foldString(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteByte(c)
		} else {
			b.WriteRune(foldRune(r))
		}
		i += n
	}
	return b.String()
}

// litText is a numeric constant's decimal text, as a keyword field sees it.
func litText(v ir.Value) string {
	if v.Kind == ir.KindInt {
		return strconv.FormatInt(v.Int, 10)
	}
	return strconv.FormatFloat(v.Float, 'f', -1, 64)
}

// numberIn is the runtime's reading of a numeric field's string.
func numberIn(s string) (float64, bool) {
	t := strings.TrimSpace(s)
	if n, ok := parseInt(t); ok {
		return float64(n), true
	}
	if len(t) == 0 || !(t[0] == '-' || t[0] == '+' || t[0] == '.' || t[0] >= '0' && t[0] <= '9') {
		return 0, false
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil && !math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

func parseInt(s string) (int64, bool) {
	neg := false
	if len(s) > 0 && s[0] == '-' {
		neg, s = true, s[1:]
	}
	if len(s) == 0 || len(s) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// floatLit writes f as a Go expression of type float64 (or an untyped
// constant); "" for NaN, which equals nothing.
func floatLit(f float64) string {
	switch {
	case math.IsNaN(f):
		return ""
	case math.IsInf(f, 1):
		return "math.Inf(1)"
	case math.IsInf(f, -1):
		return "math.Inf(-1)"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// quoteCases writes strings as the cases of a switch.
func quoteCases(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

// inBody is `field in (values)` (==, in, in~): true when any element of
// the field equals any value, after the field type's coercions; the same
// steps as the evaluator's fieldIn.
func (g *gen) inBody(f *ir.Field, x *ir.In) string {
	s := g.slots[f.Path]
	ft := typeOf(f.Path)
	ci := x.CaseInsensitive
	var strs []string
	var nums []string
	var ips []string
	var hasTrue, hasFalse bool
	seenS, seenN, seenIP := map[string]bool{}, map[string]bool{}, map[string]bool{}
	addNum := func(v float64) {
		if l := floatLit(v); l != "" && !seenN[l] {
			seenN[l] = true
			nums = append(nums, l)
		}
	}
	for _, v := range x.Values {
		switch {
		case ft == ftString && (v.Kind == ir.KindInt || v.Kind == ir.KindFloat):
			v = ir.StringValue(litText(v))
		case ft == ftNumber && v.Kind == ir.KindString:
			if n, ok := numberIn(v.Str); ok {
				addNum(n)
				continue
			}
		}
		switch v.Kind {
		case ir.KindString:
			k := v.Str
			if ci {
				k = foldString(k)
			}
			if !seenS[k] {
				seenS[k] = true
				strs = append(strs, k)
			}
			if ft == ftIP {
				if a, err := netip.ParseAddr(v.Str); err == nil {
					t := a.Unmap().String()
					if !seenIP[t] {
						seenIP[t] = true
						ips = append(ips, t)
					}
				}
			}
		case ir.KindInt:
			addNum(float64(v.Int))
		case ir.KindFloat:
			addNum(v.Float)
		case ir.KindBool:
			if v.Bool {
				hasTrue = true
			} else {
				hasFalse = true
			}
		}
	}
	var cases []string
	if ft == ftString && !ci && len(strs) > 0 {
		// A number in a keyword field stands for its text.
		cases = append(cases, fmt.Sprintf("case kStr, kInt, kFloat:\nswitch v.s {\ncase %s:\nreturn true\n}\n", quoteCases(strs)))
	} else if len(strs) > 0 || len(ips) > 0 {
		var c strings.Builder
		c.WriteString("case kStr:\n")
		if len(ips) > 0 {
			var tests []string
			for _, ip := range ips {
				tests = append(tests, "a == "+g.addrVar(ip))
			}
			fmt.Fprintf(&c, "if a, ok := parseIP(v.s); ok {\nif %s {\nreturn true\n}\ncontinue\n}\n", strings.Join(tests, " || "))
		}
		if len(strs) > 0 {
			subject := "v.s"
			if ci {
				subject = "ev.folded(v.s)"
			}
			fmt.Fprintf(&c, "switch %s {\ncase %s:\nreturn true\n}\n", subject, quoteCases(strs))
		}
		cases = append(cases, c.String())
	}
	switch {
	case ft == ftString && ci && len(strs) > 0:
		// A number in a keyword field stands for its text (not folded:
		// digits have no case).
		cases = append(cases, fmt.Sprintf("case kInt, kFloat:\nswitch v.s {\ncase %s:\nreturn true\n}\n", quoteCases(strs)))
	case ft != ftString && len(nums) > 0:
		var tests []string
		for _, n := range nums {
			if strings.HasPrefix(n, "math.") {
				g.imports["math"] = true
			}
			tests = append(tests, "v.f == "+n)
		}
		cases = append(cases, fmt.Sprintf("case kInt, kFloat:\nif %s {\nreturn true\n}\n", strings.Join(tests, " || ")))
	}
	switch {
	case hasTrue && hasFalse:
		cases = append(cases, "case kBool:\nreturn true\n")
	case hasTrue:
		cases = append(cases, "case kBool:\nif v.b {\nreturn true\n}\n")
	case hasFalse:
		cases = append(cases, "case kBool:\nif !v.b {\nreturn true\n}\n")
	}
	if len(cases) == 0 {
		return "return false\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "for _, v := range ev.slots[%d] {\n", s)
	switch ft {
	case ftNumber:
		b.WriteString("if v.k == kStr {\nv = coerce(ftNumber, v)\n}\n")
	}
	b.WriteString("switch v.k {\n")
	for _, c := range cases {
		b.WriteString(c)
	}
	b.WriteString("}\n}\nreturn false\n")
	return b.String()
}

// callBody tests a query call (ir.IsQueryCall) as the evaluator computes
// the function: over each value of the field, true when one makes it
// true; a number in a keyword field stands for its text. On an absent
// field it is false, which is what the call means under not (must_not).
func (g *gen) callBody(x *ir.Call) string {
	f := x.Args[0].(*ir.Field)
	s := g.slots[f.Path]
	if x.Name == "cidrmatch" {
		g.imports["net/netip"] = true
		var tests []string
		for _, a := range x.Args[1:] {
			p, _ := ir.ParseCIDR(a.(*ir.Literal).Value.Str) // checked by check
			name := g.declVar("prefix", fmt.Sprintf("= netip.MustParsePrefix(%s)", strconv.Quote(p.String())))
			tests = append(tests, name+".Contains(a)")
		}
		// An ip field's values are strings; only an address is in a network.
		return fmt.Sprintf("for _, v := range ev.slots[%d] {\nif v.k != kStr {\ncontinue\n}\nif a, ok := parseIP(v.s); ok && (%s) {\nreturn true\n}\n}\nreturn false\n",
			s, strings.Join(tests, " || "))
	}
	kinds := "v.k == kStr"
	if typeOf(f.Path) == ftString {
		kinds = "(v.k == kStr || v.k == kInt || v.k == kFloat)"
	}
	lit := x.Args[1].(*ir.Literal).Value.Str
	subject := "v.s"
	if x.CaseInsensitive {
		lit, subject = foldString(lit), "ev.folded(v.s)"
	}
	g.imports["strings"] = true
	var test string
	switch x.Name {
	case "startswith":
		test = fmt.Sprintf("strings.HasPrefix(%s, %s)", subject, strconv.Quote(lit))
	case "endswith":
		test = fmt.Sprintf("strings.HasSuffix(%s, %s)", subject, strconv.Quote(lit))
	default: // stringcontains, false for "" as in Elasticsearch
		if lit == "" {
			return "return false\n"
		}
		test = fmt.Sprintf("strings.Contains(%s, %s)", subject, strconv.Quote(lit))
	}
	return fmt.Sprintf("for _, v := range ev.slots[%d] {\nif %s && %s {\nreturn true\n}\n}\nreturn false\n", s, kinds, test)
}

// addrVar declares a package-level address constant and returns its name.
func (g *gen) addrVar(ip string) string {
	decl := fmt.Sprintf("= mustAddr(%s)", strconv.Quote(ip))
	return g.declVar("addr", decl)
}

// declVar declares `name = ...` once per distinct initialiser.
func (g *gen) declVar(prefix, init string) string {
	for _, v := range g.vars {
		if i := strings.IndexByte(v, ' '); i >= 0 && v[i+1:] == init && strings.HasPrefix(v, prefix) {
			return v[:i]
		}
	}
	name := fmt.Sprintf("%s%d", prefix, len(g.vars))
	g.vars = append(g.vars, name+" "+init)
	return name
}

// matchBody is `field like/regex patterns`: string values only (a number or
// boolean never matches, an ip field never does), any element, any pattern.
func (g *gen) matchBody(f *ir.Field, x *ir.Match) string {
	s := g.slots[f.Path]
	if typeOf(f.Path) == ftIP {
		return "return false // an ip is not a string: no pattern matches it\n"
	}
	var tests []string
	if x.Kind == ir.Regex {
		for _, p := range x.Patterns {
			t, err := translateLucene(p, x.CaseInsensitive)
			if err != nil {
				continue // check() reported it; never reached
			}
			re := g.declVar("re", fmt.Sprintf("= mustRegexp(%s) // %s", strconv.Quote(t), oneLine(ir.Quote(p))))
			tests = append(tests, re+".MatchString(s)")
		}
		return fmt.Sprintf("for _, v := range ev.slots[%d] {\nif v.k != kStr {\ncontinue\n}\ns := v.s\nif %s {\nreturn true\n}\n}\nreturn false\n", s, strings.Join(tests, " ||\n"))
	}
	var exact []string
	seen := map[string]bool{}
	for _, p := range x.Patterns {
		if x.CaseInsensitive {
			p = foldString(p)
		}
		stars := strings.Count(p, "*")
		q := strings.IndexByte(p, '?') >= 0
		switch {
		case stars > 0 && strings.Trim(p, "*") == "":
			// Only '*': any string matches.
			return fmt.Sprintf("for _, v := range ev.slots[%d] {\nif v.k == kStr {\nreturn true\n}\n}\nreturn false\n", s)
		case stars == 0 && !q:
			if !seen[p] {
				seen[p] = true
				exact = append(exact, p)
			}
		case stars == 1 && !q && strings.HasSuffix(p, "*"):
			g.imports["strings"] = true
			tests = append(tests, fmt.Sprintf("strings.HasPrefix(s, %s)", strconv.Quote(p[:len(p)-1])))
		case stars == 1 && !q && strings.HasPrefix(p, "*"):
			g.imports["strings"] = true
			tests = append(tests, fmt.Sprintf("strings.HasSuffix(s, %s)", strconv.Quote(p[1:])))
		case stars == 2 && !q && len(p) > 2 && p[0] == '*' && p[len(p)-1] == '*':
			g.imports["strings"] = true
			tests = append(tests, fmt.Sprintf("strings.Contains(s, %s)", strconv.Quote(p[1:len(p)-1])))
		case !q:
			g.imports["strings"] = true
			tests = append(tests, planStars(p).code())
		default:
			tests = append(tests, fmt.Sprintf("wildMatch(s, %s)", strconv.Quote(p)))
		}
	}
	var b strings.Builder
	if x.CaseInsensitive {
		// The folded strings are computed once per event per field.
		fmt.Fprintf(&b, "for _, s := range ev.foldedStrs(%d) {\n", s)
	} else {
		fmt.Fprintf(&b, "for _, v := range ev.slots[%d] {\nif v.k != kStr {\ncontinue\n}\ns := v.s\n", s)
	}
	if len(exact) > 0 {
		fmt.Fprintf(&b, "switch s {\ncase %s:\nreturn true\n}\n", quoteCases(exact))
	}
	if len(tests) > 0 {
		fmt.Fprintf(&b, "if %s {\nreturn true\n}\n", strings.Join(tests, " ||\n"))
	}
	b.WriteString("}\nreturn false\n")
	return b.String()
}

// starPlan is a like pattern whose only wildcard is '*' (two or more of
// them), folded to string calls: the prefix before the first '*', the
// suffix after the last, and the non-empty parts between, found in order,
// leftmost first, in what lies between. That is what the runtime's
// wildMatch does with such a pattern, without reading the pattern at run
// time.
type starPlan struct {
	pre, suf string
	mids     []string
	min      int // the shortest string that can match
}

func planStars(p string) starPlan {
	parts := strings.Split(p, "*")
	sp := starPlan{pre: parts[0], suf: parts[len(parts)-1]}
	sp.min = len(sp.pre) + len(sp.suf)
	for _, m := range parts[1 : len(parts)-1] {
		if m != "" {
			sp.mids = append(sp.mids, m)
			sp.min += len(m)
		}
	}
	return sp
}

// code is the plan as a Go expression over s.
func (sp starPlan) code() string {
	var t []string
	if sp.min > 0 {
		t = append(t, fmt.Sprintf("len(s) >= %d", sp.min))
	}
	if sp.pre != "" {
		t = append(t, fmt.Sprintf("strings.HasPrefix(s, %s)", strconv.Quote(sp.pre)))
	}
	if sp.suf != "" {
		t = append(t, fmt.Sprintf("strings.HasSuffix(s, %s)", strconv.Quote(sp.suf)))
	}
	inner := "s"
	switch {
	case sp.pre != "" && sp.suf != "":
		inner = fmt.Sprintf("s[%d:len(s)-%d]", len(sp.pre), len(sp.suf))
	case sp.pre != "":
		inner = fmt.Sprintf("s[%d:]", len(sp.pre))
	case sp.suf != "":
		inner = fmt.Sprintf("s[:len(s)-%d]", len(sp.suf))
	}
	switch len(sp.mids) {
	case 0:
	case 1:
		t = append(t, fmt.Sprintf("strings.Contains(%s, %s)", inner, strconv.Quote(sp.mids[0])))
	default:
		t = append(t, fmt.Sprintf("inOrder(%s, %s)", inner, quoteCases(sp.mids)))
	}
	if len(t) == 0 {
		return "true"
	}
	return "(" + strings.Join(t, " && ") + ")"
}

// match is what code computes, step for step (for tests).
func (sp starPlan) match(s string) bool {
	if len(s) < sp.min || !strings.HasPrefix(s, sp.pre) || !strings.HasSuffix(s, sp.suf) {
		return false
	}
	s = s[len(sp.pre) : len(s)-len(sp.suf)]
	for _, m := range sp.mids {
		at := strings.Index(s, m)
		if at < 0 {
			return false
		}
		s = s[at+len(m):]
	}
	return true
}

// compareBody is `field < constant` (and <=, >, >=): a range predicate
// planned at init by the runtime, exactly as the evaluator plans it.
func (g *gen) compareBody(x *ir.Compare) string {
	f, isField := x.Left.(*ir.Field)
	lit, _ := x.Right.(*ir.Literal)
	op := x.Op
	if !isField {
		f = x.Right.(*ir.Field)
		lit = x.Left.(*ir.Literal)
		switch op {
		case ir.Lt:
			op = ir.Gt
		case ir.Le:
			op = ir.Ge
		case ir.Gt:
			op = ir.Lt
		case ir.Ge:
			op = ir.Le
		}
	}
	ops := map[ir.CmpOp]string{ir.Lt: "opLt", ir.Le: "opLe", ir.Gt: "opGt", ir.Ge: "opGe"}
	v := lit.Value
	kind, num, str := "kNull", "0", `""`
	switch v.Kind {
	case ir.KindBool:
		kind = "kBool"
	case ir.KindInt:
		kind, num = "kInt", floatLit(float64(v.Int))
	case ir.KindFloat:
		kind, num = "kFloat", floatLit(v.Float)
		if num == "" {
			kind, num = "kNull", "0" // NaN orders against nothing
		}
	case ir.KindString:
		kind, str = "kStr", strconv.Quote(v.Str)
	}
	if strings.HasPrefix(num, "math.") {
		g.imports["math"] = true
	}
	init := fmt.Sprintf("= newRange(%s, %s, %s, %s, %s)", ftNames[typeOf(f.Path)], ops[op], kind, num, str)
	name := g.declVar("range", init)
	return fmt.Sprintf("return %s.test(ev.slots[%d])\n", name, g.slots[f.Path])
}

// foldRune is the runtime's: the ASCII lower-case letter of r's simple
// folding orbit when it has one, else the orbit's smallest rune.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	best := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < utf8.RuneSelf {
			if 'A' <= f && f <= 'Z' {
				return f + 'a' - 'A'
			}
			return f
		}
		if f < best {
			best = f
		}
	}
	return best
}
