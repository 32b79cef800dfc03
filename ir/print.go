package ir

import (
	"math"
	"strconv"
	"strings"
)

// Print renders q as canonical EQL: the text that frontend/eql parses and
// lowers back to the same IR (after normalisation; Spans aside). The output
// is deterministic and laid out for golden files and review:
//
//	process where
//	  host.os.type == "linux" and
//	  process.name in (
//	    "nc", "ncat", ...
//	  ) and
//	  not process.args like~ ("-*z*", "localhost")
//
// The top-level and/or terms of an event query are on their own lines;
// nested groups and lists that do not fit in 100 columns are broken over
// lines; a sequence or sample puts one stage per line. Each node prints as
// the syntax that lowers to it (see the table in the package doc):
// a one-value In prints `==`, Not{In} prints `!=`, IsNull prints `== null`,
// a wildcard Match prints `like`/`like~`, and so on.
//
// The category field (EventQuery.CategoryField) is not part of the text:
// it comes from the rule's metadata, so reading the text back needs the same
// eql.Options.CategoryField.
func Print(q Query) string {
	var p printer
	p.query(q)
	return strings.TrimRight(p.b.String(), "\n")
}

// PrintExpr renders e as EQL on one line, with the fewest parentheses that
// keep its structure when read back.
func PrintExpr(e Expr) string {
	var b strings.Builder
	writeExpr(&b, e, precLowest)
	return b.String()
}

// width is the column that the layout tries not to pass.
const width = 100

// Precedence levels of EQL, loosest first. Elasticsearch's grammar binds
// `in`, `:`, `like` and `regex` to a primary expression (a field, a call, a
// literal, or a parenthesised expression) while `==` and `<` take
// arithmetic on both sides; hence two predicate levels.
const (
	precLowest = iota
	precOr
	precAnd
	precNot
	precPred  // == != < <= > >= (operands: arithmetic)
	precAdd   // + -
	precMul   // * / %
	precUnary // a negative number literal
	precAtom  // field, call, literal, (expr)
)

// reserved are the words of the EQL grammar that cannot be a bare field
// segment or category name; Print backquotes (or quotes) them.
var reserved = map[string]bool{
	"and": true, "by": true, "false": true, "in": true, "join": true, "like": true,
	"not": true, "null": true, "of": true, "or": true, "regex": true, "sample": true,
	"sequence": true, "true": true, "until": true, "where": true, "with": true,
}

// callNames maps the canonical lower-case function names to the camelCase
// spelling of the Elasticsearch docs, which Print uses.
var callNames = map[string]string{
	"add": "add", "between": "between", "cidrmatch": "cidrMatch", "concat": "concat",
	"divide": "divide", "endswith": "endsWith", "indexof": "indexOf", "length": "length",
	"modulo": "modulo", "multiply": "multiply", "number": "number", "startswith": "startsWith",
	"string": "string", "stringcontains": "stringContains", "substring": "substring",
	"subtract": "subtract",
}

// CallName returns the camelCase spelling of a canonical function name
// ("cidrmatch" -> "cidrMatch"), or name itself when it is not an
// Elasticsearch EQL function.
func CallName(name string) string {
	if n, ok := callNames[strings.ToLower(name)]; ok {
		return n
	}
	return name
}

// isIdent reports whether s is a plain EQL identifier: [A-Za-z_@][A-Za-z0-9_]*.
func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case c == '@' && i == 0:
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// FieldText renders a field path as EQL: segments that are not plain
// identifiers, or are reserved words, are backquoted (a backquote inside is
// doubled), and Optional adds the `?` prefix.
func FieldText(path string, optional bool) string {
	var b strings.Builder
	writeField(&b, path, optional)
	return b.String()
}

func writeField(b *strings.Builder, path string, optional bool) {
	if optional {
		b.WriteByte('?')
	}
	for i, seg := range strings.Split(path, ".") {
		if i > 0 {
			b.WriteByte('.')
		}
		if isIdent(seg) && !reserved[strings.ToLower(seg)] {
			b.WriteString(seg)
			continue
		}
		b.WriteByte('`')
		b.WriteString(strings.ReplaceAll(seg, "`", "``"))
		b.WriteByte('`')
	}
}

// negativeNumber reports whether v prints with a leading minus sign.
func negativeNumber(v Value) bool {
	switch v.Kind {
	case KindInt:
		return v.Int < 0
	case KindFloat:
		return math.Signbit(v.Float)
	}
	return false
}

// notEqualsForm reports whether Not{x} prints as a `!=` comparison.
func notEqualsForm(x Expr) bool {
	switch x := x.(type) {
	case *In:
		return len(x.Values) == 1 && !x.CaseInsensitive
	case *IsNull:
		return true
	}
	return false
}

// prec is the precedence level of e as Print writes it.
func prec(e Expr) int {
	switch e := e.(type) {
	case *Or:
		return precOr
	case *And:
		return precAnd
	case *Not:
		if notEqualsForm(e.X) {
			return precPred
		}
		return precNot
	case *In, *Match, *IsNull, *Compare:
		return precPred
	case *Arith:
		if e.Op == Add || e.Op == Sub {
			return precAdd
		}
		return precMul
	case *Literal:
		if negativeNumber(e.Value) {
			return precUnary
		}
	}
	return precAtom
}

// writeExpr writes e on one line, in parentheses when its precedence is
// below min.
func writeExpr(b *strings.Builder, e Expr, min int) {
	if e == nil {
		b.WriteString("<nil>")
		return
	}
	if prec(e) < min {
		b.WriteByte('(')
		writeExpr(b, e, precLowest)
		b.WriteByte(')')
		return
	}
	switch e := e.(type) {
	case *Or:
		writeTerms(b, e.Terms, " or ", precAnd)
	case *And:
		writeTerms(b, e.Terms, " and ", precNot)
	case *Not:
		switch x := e.X.(type) {
		case *In:
			if notEqualsForm(x) {
				writeExpr(b, x.X, precAdd)
				b.WriteString(" != ")
				b.WriteString(x.Values[0].String())
				return
			}
		case *IsNull:
			writeExpr(b, x.X, precAdd)
			b.WriteString(" != null")
			return
		}
		b.WriteString("not ")
		// `not not x` parses in Elasticsearch, but parentheses make the
		// nesting plain to a reader and to every EQL parser.
		writeExpr(b, e.X, precPred)
	case *In:
		writeIn(b, e, func(vs []string) { writeList(b, vs) })
	case *Match:
		writeMatch(b, e, func(vs []string) { writeList(b, vs) })
	case *IsNull:
		writeExpr(b, e.X, precAdd)
		b.WriteString(" == null")
	case *Compare:
		writeExpr(b, e.Left, precAdd)
		b.WriteString(" " + e.Op.String() + " ")
		writeExpr(b, e.Right, precAdd)
	case *Arith:
		p := prec(e)
		writeExpr(b, e.Left, p)
		b.WriteString(" " + e.Op.String() + " ")
		if l, ok := e.Right.(*Literal); ok && negativeNumber(l.Value) {
			// `x - -1` reads back, but `x - (-1)` is plainer.
			b.WriteByte('(')
			b.WriteString(l.Value.String())
			b.WriteByte(')')
			return
		}
		writeExpr(b, e.Right, p+1)
	case *Call:
		b.WriteString(CallName(e.Name))
		if e.CaseInsensitive {
			b.WriteByte('~')
		}
		b.WriteByte('(')
		for i, a := range e.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			writeExpr(b, a, precLowest)
		}
		b.WriteByte(')')
	case *Field:
		writeField(b, e.Path, e.Optional)
	case *Literal:
		b.WriteString(e.Value.String())
	default:
		b.WriteString("<?>")
	}
}

func writeTerms(b *strings.Builder, terms []Expr, op string, min int) {
	for i, t := range terms {
		if i > 0 {
			b.WriteString(op)
		}
		writeExpr(b, t, min)
	}
}

// writeIn writes an In; list writes a parenthesised value list (on one line
// or wrapped, as the caller lays it out).
func writeIn(b *strings.Builder, e *In, list func([]string)) {
	if len(e.Values) == 1 && !e.CaseInsensitive {
		writeExpr(b, e.X, precAdd)
		b.WriteString(" == ")
		b.WriteString(e.Values[0].String())
		return
	}
	writeExpr(b, e.X, precAtom)
	if e.CaseInsensitive {
		b.WriteString(" in~ ")
	} else {
		b.WriteString(" in ")
	}
	vs := make([]string, len(e.Values))
	for i, v := range e.Values {
		vs[i] = v.String()
	}
	list(vs)
}

func writeMatch(b *strings.Builder, e *Match, list func([]string)) {
	writeExpr(b, e.X, precAtom)
	op := " like"
	if e.Kind == Regex {
		op = " regex"
	}
	if e.CaseInsensitive {
		op += "~"
	}
	b.WriteString(op + " ")
	vs := make([]string, len(e.Patterns))
	for i, p := range e.Patterns {
		vs[i] = Quote(p)
	}
	if len(vs) == 1 {
		b.WriteString(vs[0])
		return
	}
	list(vs)
}

func writeList(b *strings.Builder, vs []string) {
	b.WriteByte('(')
	b.WriteString(strings.Join(vs, ", "))
	b.WriteByte(')')
}

// printer lays out whole queries over several lines.
type printer struct {
	b strings.Builder
}

func (p *printer) line(indent int, s string) {
	p.b.WriteString(strings.Repeat(" ", indent))
	p.b.WriteString(s)
	p.b.WriteByte('\n')
}

func (p *printer) query(q Query) {
	switch q := q.(type) {
	case *EventQuery:
		p.eventQuery(q)
	case *Sequence:
		head := "sequence"
		if len(q.By) > 0 {
			head += " by " + exprList(q.By)
		}
		if q.MaxSpan != nil {
			head += " with maxspan=" + q.MaxSpan.String()
		}
		p.line(0, head)
		for _, s := range q.Stages {
			p.stage(2, "", s)
		}
		if q.Until != nil {
			p.stage(0, "until ", q.Until)
		}
	case *Sample:
		head := "sample"
		if len(q.By) > 0 {
			head += " by " + exprList(q.By)
		}
		p.line(0, head)
		for _, s := range q.Stages {
			p.stage(2, "", s)
		}
	case nil:
		p.line(0, "<nil>")
		return
	}
	for _, pp := range q.PipeList() {
		p.line(0, "| "+pp.Kind.String()+" "+strconv.FormatInt(pp.N, 10))
	}
}

// categoryText renders the word before `where`.
func categoryText(c string) string {
	if c == "any" || (isIdent(c) && !reserved[strings.ToLower(c)]) {
		return c
	}
	return Quote(c)
}

func (p *printer) eventQuery(q *EventQuery) {
	head := categoryText(q.Category) + " where"
	switch q.Cond.(type) {
	case *And, *Or:
		p.line(0, head)
		p.lines(block(q.Cond, 2))
		return
	}
	if room := width - len(head) - 1; measure(q.Cond, room+1) <= room {
		if one := PrintExpr(q.Cond); len(one) <= room {
			p.line(0, head+" "+one)
			return
		}
	}
	p.line(0, head)
	p.lines(block(q.Cond, 2))
}

func (p *printer) lines(ls []string) {
	for _, l := range ls {
		p.b.WriteString(l)
		p.b.WriteByte('\n')
	}
}

// stage writes `[cat where cond] by k with runs=N` at indent, on one line
// when it fits and with the condition's terms on their own lines otherwise.
func (p *printer) stage(indent int, prefix string, s *Stage) {
	open := prefix + "["
	if s.Missing {
		open = prefix + "!["
	}
	tail := "]"
	if len(s.By) > 0 {
		tail += " by " + exprList(s.By)
	}
	if s.Runs > 1 {
		tail += " with runs=" + strconv.Itoa(s.Runs)
	}
	if s.Query == nil {
		p.line(indent, open+"<nil>"+tail)
		return
	}
	head := open + categoryText(s.Query.Category) + " where"
	if room := width - indent - len(head) - 1 - len(tail); measure(s.Query.Cond, room+1) <= room {
		if one := PrintExpr(s.Query.Cond); len(one) <= room {
			p.line(indent, head+" "+one+tail)
			return
		}
	}
	ls := block(s.Query.Cond, indent+2)
	ls[len(ls)-1] += tail
	p.line(indent, head)
	p.lines(ls)
}

func exprList(es []Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = PrintExpr(e)
	}
	return strings.Join(parts, ", ")
}

// block lays e out at indent: the terms of an And or Or one per line, each
// but the last ending in the operator; nested groups and long value lists
// broken over lines when they do not fit.
func block(e Expr, indent int) []string {
	pad := strings.Repeat(" ", indent)
	var terms []Expr
	op := ""
	min := precLowest
	switch e := e.(type) {
	case *And:
		terms, op, min = e.Terms, " and", precNot
	case *Or:
		terms, op, min = e.Terms, " or", precAnd
	default:
		return term(e, indent, precLowest)
	}
	var out []string
	for i, t := range terms {
		ls := term(t, indent, min)
		if i < len(terms)-1 {
			ls[len(ls)-1] += op
		}
		out = append(out, ls...)
	}
	if len(out) == 0 {
		// An And or Or without terms cannot be written in EQL; show it.
		out = append(out, pad+"<empty"+op+">")
	}
	return out
}

// term lays out one term at indent; min is the precedence its context needs.
func term(e Expr, indent int, min int) []string {
	pad := strings.Repeat(" ", indent)
	var b strings.Builder
	if room := width - indent - 4; measure(e, room+1) <= room {
		writeExpr(&b, e, min)
		if one := b.String(); len(one) <= room {
			return []string{pad + one}
		}
	}
	switch x := e.(type) {
	case *And, *Or:
		if prec(e) < min {
			return group(pad+"(", block(e, indent+2), pad+")")
		}
		return block(e, indent)
	case *Not:
		if !notEqualsForm(x.X) {
			switch x.X.(type) {
			case *And, *Or:
				return group(pad+"not (", block(x.X, indent+2), pad+")")
			case *In, *Match:
				ls := term(x.X, indent, precPred)
				ls[0] = pad + "not " + strings.TrimPrefix(ls[0], pad)
				return ls
			}
		}
	case *In:
		if len(x.Values) > 1 || x.CaseInsensitive {
			var head strings.Builder
			head.WriteString(pad)
			var vs []string
			writeIn(&head, x, func(v []string) { vs = v })
			return wrapList(head.String(), vs, indent)
		}
	case *Match:
		if len(x.Patterns) > 1 {
			var head strings.Builder
			head.WriteString(pad)
			var vs []string
			writeMatch(&head, x, func(v []string) { vs = v })
			return wrapList(head.String(), vs, indent)
		}
	}
	b.Reset()
	writeExpr(&b, e, min)
	return []string{pad + b.String()}
}

// measure returns a lower bound of the length of e printed on one line, or
// any number >= limit as soon as it knows the length reaches limit: the
// layout asks "does it fit?" of large trees many times, and this answers
// without building their text.
func measure(e Expr, limit int) int {
	n := 0
	sub := func(x Expr, extra int) bool {
		n += extra
		if n < limit {
			n += measure(x, limit-n)
		}
		return n >= limit
	}
	switch e := e.(type) {
	case *And:
		for _, t := range e.Terms {
			if sub(t, 5) {
				return n
			}
		}
	case *Or:
		for _, t := range e.Terms {
			if sub(t, 4) {
				return n
			}
		}
	case *Not:
		sub(e.X, 3)
	case *In:
		if sub(e.X, 4) {
			return n
		}
		for _, v := range e.Values {
			if n += 2 + len(v.Str); n >= limit {
				return n
			}
		}
	case *Match:
		if sub(e.X, 6) {
			return n
		}
		for _, p := range e.Patterns {
			if n += 2 + len(p); n >= limit {
				return n
			}
		}
	case *IsNull:
		sub(e.X, 8)
	case *Compare:
		_ = sub(e.Left, 2) || sub(e.Right, 2)
	case *Arith:
		_ = sub(e.Left, 2) || sub(e.Right, 1)
	case *Call:
		n += len(e.Name) + 2
		for _, a := range e.Args {
			if sub(a, 1) {
				return n
			}
		}
	case *Field:
		n += len(e.Path)
	case *Literal:
		n += 1 + len(e.Value.Str)
	}
	return n
}

func group(open string, body []string, close string) []string {
	out := append([]string{open}, body...)
	return append(out, close)
}

// wrapList writes `head(` then the values, filled up to the width at
// indent+2, then `)` at indent.
func wrapList(head string, vs []string, indent int) []string {
	pad := strings.Repeat(" ", indent+2)
	out := []string{head + "("}
	cur := ""
	for i, v := range vs {
		item := v
		if i < len(vs)-1 {
			item += ","
		}
		switch {
		case cur == "":
			cur = pad + item
		case len(cur)+1+len(item) <= width:
			cur += " " + item
		default:
			out = append(out, cur)
			cur = pad + item
		}
	}
	if cur != "" {
		out = append(out, cur)
	}
	return append(out, strings.Repeat(" ", indent)+")")
}
