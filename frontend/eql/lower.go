package eql

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/eqlx/eqlx/ir"
)

// lowerQuery turns the grammar tree into IR, recording errors as it goes.
// After an error it goes on with a placeholder, so that one Parse reports
// every independent problem; Parse drops the result when any error exists.
func (p *parseState) lowerQuery(q *query) ir.Query {
	pipes := p.pipes(q.Pipes)
	sp := p.span(q.Pos, q.EndPos)
	if q.Event != nil {
		e := p.eventQuery(q.Event)
		e.Span, e.Pipes = sp, pipes
		return e
	}
	return p.multiQuery(q.Multi, sp, pipes)
}

func (p *parseState) eventQuery(e *eventQuery) *ir.EventQuery {
	cat := e.Category.Value
	if e.Category.Type == tokString {
		cat, _ = p.unquote(e.Category)
	}
	return &ir.EventQuery{
		Span:          p.span(e.Pos, e.EndPos),
		Category:      cat,
		CategoryField: p.catField,
		Cond:          p.expr(e.Cond, true),
	}
}

func (p *parseState) pipes(ps []*pipe) []ir.Pipe {
	var out []ir.Pipe
	for _, pp := range ps {
		sp := p.span(pp.Pos, pp.EndPos)
		var kind ir.PipeKind
		switch pp.Name.Value {
		case "head":
			kind = ir.PipeHead
		case "tail":
			kind = ir.PipeTail
		default:
			p.errorSpan(sp, codePipe, "%q is not supported by Elasticsearch EQL (only head and tail)", "| "+pp.Name.Value)
			continue
		}
		var n int64
		var err error = strconv.ErrSyntax
		if len(pp.Args) == 1 && pp.Args[0].Type == tokInt {
			n, err = strconv.ParseInt(pp.Args[0].Value, 10, 64)
		}
		if err != nil {
			p.errorSpan(sp, codeSyntax, `"| %s" takes one whole number, as in "| %s 10"`, pp.Name.Value, pp.Name.Value)
			continue
		}
		out = append(out, ir.Pipe{Span: sp, Kind: kind, N: n})
	}
	return out
}

// multiQuery lowers sequence and sample (join is python eql only).
func (p *parseState) multiQuery(m *multiQuery, sp ir.Span, pipes []ir.Pipe) ir.Query {
	kind := m.Kind.Value
	errorsBefore := len(p.diags)
	if kind == "join" {
		p.errorSpan(p.tokSpan(m.Kind), codeUnsupported, `"join" is python eql syntax, not supported by Elasticsearch EQL (use a sequence)`)
		return nil
	}
	var by []ir.Expr
	var maxspan *ir.Duration
	seenBy, seenWith := false, false
	for _, prm := range m.Params {
		psp := p.span(prm.Pos, prm.EndPos)
		if prm.With == nil {
			if seenBy {
				p.errorSpan(psp, codeSequence, "%s has two \"by\" clauses; list every join key in one", kind)
			}
			seenBy = true
			by = p.keys(prm.By)
			continue
		}
		w := prm.With
		switch {
		case kind == "sample":
			p.errorSpan(psp, codeSequence, `a sample takes no "with" parameters (no maxspan, runs or until)`)
		case w.Key.Value != "maxspan":
			p.errorSpan(p.tokSpan(w.Key), codeSequence, `expected "maxspan" after "with" in a sequence header, found %q (runs goes after a stage)`, w.Key.Value)
		case seenWith:
			p.errorSpan(psp, codeSequence, `a sequence has one "with maxspan="`)
		default:
			seenWith = true
			maxspan = p.duration(w)
		}
	}
	var stages []*ir.Stage
	events, positives := 0, 0
	for _, s := range m.Stages {
		st := p.stage(s, kind)
		stages = append(stages, st)
		events += st.Runs
		if !st.Missing {
			positives++
		}
		if st.Missing && maxspan == nil && kind == "sequence" {
			p.errorSpan(p.tokSpan(s.Open), codeSequence, `a missing event "![...]" needs the sequence to have "with maxspan="`)
		}
	}
	var until *ir.Stage
	if m.Until != nil {
		until = p.stage(m.Until, kind)
		if kind == "sample" {
			p.errorSpan(until.Span, codeSequence, `a sample has no "until"`)
		}
		if until.Missing {
			p.errorSpan(p.tokSpan(m.Until.Open), codeSequence, `"until" takes an event query "[...]", not a missing event "![...]"`)
		}
	}
	// Every stage, until included, joins on as many keys as the first.
	for _, st := range append(stages[1:len(stages):len(stages)], until) {
		if st != nil && len(st.By) != len(stages[0].By) {
			p.errorSpan(st.Span, codeSequence, "every stage needs the same number of join keys: the first has %d, this one has %d", len(stages[0].By), len(st.By))
			break
		}
	}
	if kind == "sample" {
		return &ir.Sample{Span: sp, By: by, Stages: stages, Pipes: pipes}
	}
	// Counting events after a bad stage would only repeat the problem.
	if len(p.diags) == errorsBefore {
		switch {
		case positives == 0:
			p.errorSpan(sp, codeSequence, "a sequence needs at least one stage that is not a missing event")
		case events < 2:
			p.errorSpan(sp, codeSequence, `a sequence needs at least two events: add a stage or "with runs=N"`)
		}
	}
	return &ir.Sequence{Span: sp, By: by, MaxSpan: maxspan, Stages: stages, Until: until, Pipes: pipes}
}

func (p *parseState) keys(es []*expr) []ir.Expr {
	out := make([]ir.Expr, len(es))
	for i, e := range es {
		out[i] = p.expr(e, false)
	}
	return out
}

// duration reads `maxspan=N unit`.
func (p *parseState) duration(w *withParam) *ir.Duration {
	n, err := strconv.ParseInt(w.Value.Value, 10, 64)
	if err != nil {
		p.errorSpan(p.tokSpan(w.Value), codeBadNumber, "maxspan %s is out of range", w.Value.Value)
		return nil
	}
	switch w.Unit.Value {
	case "ms", "s", "m", "h", "d":
		return &ir.Duration{Value: n, Unit: w.Unit.Value}
	case "":
		p.errorSpan(p.tokSpan(w.Value), codeSequence, "expected a time unit (ms, s, m, h or d) after maxspan=%s, as in maxspan=%ss", w.Value.Value, w.Value.Value)
	default:
		p.errorSpan(p.tokSpan(w.Unit), codeSequence, "unknown time unit %q: expected ms, s, m, h or d", w.Unit.Value)
	}
	return nil
}

func (p *parseState) stage(s *stage, kind string) *ir.Stage {
	st := &ir.Stage{
		Span:    p.span(s.Pos, s.EndPos),
		Query:   p.eventQuery(s.Query),
		Runs:    1,
		Missing: s.Open.Value == "![",
	}
	if st.Missing && kind == "sample" {
		p.errorSpan(p.tokSpan(s.Open), codeSequence, `a sample has no missing events "![...]"`)
	}
	seenBy, seenRuns := false, false
	for _, prm := range s.Params {
		psp := p.span(prm.Pos, prm.EndPos)
		if prm.With == nil {
			if seenBy {
				p.errorSpan(psp, codeSequence, `a stage has two "by" clauses; list every join key in one`)
			}
			seenBy = true
			st.By = p.keys(prm.By)
			continue
		}
		w := prm.With
		switch {
		case kind == "sample":
			p.errorSpan(psp, codeSequence, `a sample takes no "with" parameters (no maxspan, runs or until)`)
		case w.Key.Value != "runs":
			p.errorSpan(p.tokSpan(w.Key), codeSequence, `expected "runs" after "with" on a stage, found %q (maxspan goes after "sequence")`, w.Key.Value)
		case seenRuns:
			p.errorSpan(psp, codeSequence, `a stage has one "with runs="`)
		case w.Unit.Value != "":
			p.errorSpan(p.tokSpan(w.Unit), codeSequence, "runs is a count, not a duration: expected runs=%s", w.Value.Value)
		default:
			seenRuns = true
			n, err := strconv.Atoi(w.Value.Value)
			if err != nil || n < 1 || n > 100 {
				p.errorSpan(p.tokSpan(w.Value), codeSequence, "runs must be between 1 and 100, found %s", w.Value.Value)
				continue
			}
			st.Runs = n
		}
	}
	return st
}

// placeholder stands in for a node that failed to lower.
func placeholder(sp ir.Span) ir.Expr { return &ir.Literal{Span: sp, Value: ir.Null} }

// expr lowers a disjunction. cond says whether the value is used as a
// condition (a bare field there means `field == true`).
func (p *parseState) expr(e *expr, cond bool) ir.Expr {
	if len(e.Terms) == 1 {
		return p.and(e.Terms[0], cond)
	}
	terms := make([]ir.Expr, len(e.Terms))
	for i, t := range e.Terms {
		terms[i] = p.and(t, true)
	}
	return &ir.Or{Span: p.span(e.Pos, e.EndPos), Terms: terms}
}

func (p *parseState) and(e *andExpr, cond bool) ir.Expr {
	if len(e.Terms) == 1 {
		return p.not(e.Terms[0], cond)
	}
	terms := make([]ir.Expr, len(e.Terms))
	for i, t := range e.Terms {
		terms[i] = p.not(t, true)
	}
	return &ir.And{Span: p.span(e.Pos, e.EndPos), Terms: terms}
}

func (p *parseState) not(e *notExpr, cond bool) ir.Expr {
	sp := p.span(e.Pos, e.EndPos)
	switch {
	case e.Not != nil:
		return &ir.Not{Span: sp, X: p.not(e.Not, true)}
	case e.Lineage != nil:
		p.errorSpan(sp, codeUnsupported, "%q is python eql syntax (lineage), not supported by Elasticsearch EQL", e.Lineage.Relation.Value+" of")
		return placeholder(sp)
	}
	var x ir.Expr
	if e.Simple != nil {
		x = p.simple(e.Simple)
	} else {
		x = p.predicate(e.Pred)
	}
	if cond {
		x = p.asCondition(x)
	}
	return x
}

// asCondition gives a value used as a condition its meaning: a bare field
// tests for true; a number or a string is not a condition.
func (p *parseState) asCondition(x ir.Expr) ir.Expr {
	switch v := x.(type) {
	case *ir.Field:
		return &ir.In{Span: v.Span, X: v, Values: []ir.Value{ir.BoolValue(true)}}
	case *ir.Literal:
		if v.Value.Kind != ir.KindBool && v.Value.Kind != ir.KindNull {
			p.errorSpan(v.Span, codeType, "expected a condition, found the %s %s", v.Value.Kind, v.Value)
		}
	case *ir.Arith:
		p.errorSpan(v.Span, codeType, "expected a condition, found arithmetic (compare it with ==, <, ...)")
	}
	return x
}

func isConst(e ir.Expr) (ir.Value, bool) {
	if l, ok := e.(*ir.Literal); ok {
		return l.Value, true
	}
	return ir.Value{}, false
}

var cmpOps = map[string]ir.CmpOp{"==": ir.Eq, "!=": ir.Ne, "<": ir.Lt, "<=": ir.Le, ">": ir.Gt, ">=": ir.Ge}

func (p *parseState) predicate(pr *predicate) ir.Expr {
	left := p.sum(pr.Left)
	if pr.Cmp == nil && pr.In == nil && pr.Match == nil {
		return left
	}
	sp := p.span(pr.Pos, pr.EndPos)
	switch {
	case pr.Cmp != nil:
		return p.compare(sp, left, pr.Cmp.Op, p.sum(pr.Cmp.Right))
	case pr.In != nil:
		items := make([]ir.Expr, len(pr.In.List.Items))
		for i, it := range pr.In.List.Items {
			items[i] = p.item(it)
		}
		return p.in(sp, left, pr.In.Op.Value, pr.In.Not, items)
	}
	var items []ir.Expr
	if pr.Match.List != nil {
		items = make([]ir.Expr, len(pr.Match.List.Items))
		for i, it := range pr.Match.List.Items {
			items[i] = p.item(it)
		}
	} else {
		items = []ir.Expr{p.unary(pr.Match.One)}
	}
	return p.match(sp, left, pr.Match.Op.Value, items)
}

// simple lowers the fast path's predicates exactly as predicate lowers the
// same text.
func (p *parseState) simple(s *simplePred) ir.Expr {
	sp := ir.Span{Start: p.pos(s.Subject.Pos), End: p.pos(tokEnd(s.Last))}
	left := p.field(s.Subject)
	items := make([]ir.Expr, len(s.Values))
	lits := make([]ir.Literal, len(s.Values))
	for i, v := range s.Values {
		items[i] = &lits[i]
		if !p.literalInto(&lits[i], v) {
			items[i] = placeholder(lits[i].Span)
		}
	}
	switch op := s.Op.Value; op {
	case "in", "in~":
		return p.in(sp, left, op, s.Not, items)
	case ":", "like", "like~", "regex", "regex~":
		return p.match(sp, left, op, items)
	}
	return p.compare(sp, left, s.Op, items[0])
}

// compare lowers `left op right`: == and != against a constant are set
// membership (or a null test), everything else a Compare.
func (p *parseState) compare(sp ir.Span, left ir.Expr, opTok lexer.Token, right ir.Expr) ir.Expr {
	op, ok := cmpOps[opTok.Value]
	if !ok {
		p.errorSpan(p.tokSpan(opTok), codeSyntax, "use == (= is not EQL)")
		return placeholder(sp)
	}
	if op != ir.Eq && op != ir.Ne {
		return &ir.Compare{Span: sp, Op: op, Left: left, Right: right}
	}
	lv, lc := isConst(left)
	rv, rc := isConst(right)
	if lc == rc {
		return &ir.Compare{Span: sp, Op: op, Left: left, Right: right}
	}
	x, c := left, rv
	if lc {
		x, c = right, lv
	}
	var test ir.Expr
	if c.IsNull() {
		test = &ir.IsNull{Span: sp, X: x}
	} else {
		test = &ir.In{Span: sp, X: x, Values: []ir.Value{c}}
	}
	if op == ir.Ne {
		return &ir.Not{Span: sp, X: test}
	}
	return test
}

// in lowers `left [not] in[~] (items)`; a null member is a null test.
func (p *parseState) in(sp ir.Span, left ir.Expr, op string, not bool, items []ir.Expr) ir.Expr {
	ci := op == "in~"
	values := make([]ir.Value, 0, len(items))
	hasNull := false
	for _, x := range items {
		lit, ok := x.(*ir.Literal)
		if !ok {
			p.errorSpan(x.Loc(), codeType, "the values of %q must be constants (strings, numbers, booleans), found %s", op, kindOf(x))
			continue
		}
		if lit.Value.IsNull() {
			hasNull = true
			continue
		}
		values = append(values, lit.Value)
	}
	var test ir.Expr
	if len(values) > 0 {
		test = &ir.In{Span: sp, X: left, Values: values, CaseInsensitive: ci}
	}
	if hasNull {
		isNull := &ir.IsNull{Span: sp, X: left}
		if test == nil {
			test = isNull
		} else {
			test = &ir.Or{Span: sp, Terms: []ir.Expr{test, isNull}}
		}
	}
	if test == nil {
		return placeholder(sp)
	}
	if not {
		return &ir.Not{Span: sp, X: test}
	}
	return test
}

// match lowers `:`, like, like~, regex and regex~. `:` also takes
// non-string constants, which it compares case-insensitively (In~).
func (p *parseState) match(sp ir.Span, left ir.Expr, op string, items []ir.Expr) ir.Expr {
	patterns := make([]string, 0, len(items))
	var others []ir.Value
	hasNull := false
	for _, x := range items {
		lit, ok := x.(*ir.Literal)
		if !ok {
			p.errorSpan(x.Loc(), codeType, "the patterns after %q must be constant strings, found %s", op, kindOf(x))
			continue
		}
		v := lit.Value
		switch {
		case v.Kind == ir.KindString:
			if strings.HasPrefix(op, "regex") && !balanced(v.Str) {
				p.errorSpan(lit.Span, codeBadRegex, "regex %s has unbalanced brackets or parentheses", ir.Quote(v.Str))
				continue
			}
			patterns = append(patterns, v.Str)
		case op != ":":
			p.errorSpan(lit.Span, codeType, "the patterns after %q must be strings, found the %s %s", op, v.Kind, v)
		case v.IsNull():
			hasNull = true
		default:
			others = append(others, v)
		}
	}
	var terms []ir.Expr
	if len(patterns) > 0 {
		m := &ir.Match{Span: sp, X: left, Kind: ir.Wildcard, Patterns: patterns, CaseInsensitive: op != "like" && op != "regex"}
		if strings.HasPrefix(op, "regex") {
			m.Kind = ir.Regex
		}
		terms = append(terms, m)
	}
	if len(others) > 0 {
		terms = append(terms, &ir.In{Span: sp, X: left, Values: others, CaseInsensitive: true})
	}
	if hasNull {
		terms = append(terms, &ir.IsNull{Span: sp, X: left})
	}
	switch len(terms) {
	case 0:
		return placeholder(sp)
	case 1:
		return terms[0]
	}
	return &ir.Or{Span: sp, Terms: terms}
}

// balanced reports whether the parentheses and brackets of a regex pair up
// (outside character classes and Lucene's "quoted" literals, ignoring
// escaped characters). Lucene would reject an unbalanced pattern; the full
// check is the evaluator's.
func balanced(re string) bool {
	depth := 0
	inClass := false
	for i := 0; i < len(re); i++ {
		switch c := re[i]; {
		case c == '\\':
			i++
		case c == '"' && !inClass:
			// An unpaired quote is left to the evaluator.
			if end := strings.IndexByte(re[i+1:], '"'); end >= 0 {
				i += end + 1
			}
		case inClass:
			if c == ']' {
				inClass = false
			}
		case c == '[':
			inClass = true
			if i+1 < len(re) && re[i+1] == ']' {
				i++ // "[]...]": a leading ']' is a member
			}
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth < 0 {
				return false
			}
		}
	}
	return depth == 0 && !inClass
}

// item lowers a list member as a value.
func (p *parseState) item(it *listItem) ir.Expr {
	if it.Lit != nil {
		return p.literal(it.Lit.Tok)
	}
	return p.expr(it.Expr, false)
}

// kindOf names what a non-constant is, for messages.
func kindOf(x ir.Expr) string {
	switch x := x.(type) {
	case *ir.Field:
		return "the field " + ir.FieldText(x.Path, x.Optional)
	case *ir.Call:
		return "a call to " + ir.CallName(x.Name)
	case *ir.Arith:
		return "arithmetic"
	}
	return "a condition"
}

var arithOps = map[string]ir.ArithOp{"+": ir.Add, "-": ir.Sub, "*": ir.Mul, "/": ir.Div, "%": ir.Mod}

func (p *parseState) sum(s *sum) ir.Expr {
	x := p.product(s.Left)
	for _, op := range s.Ops {
		x = &ir.Arith{Span: p.span(s.Pos, op.EndPos), Op: arithOps[op.Op.Value], Left: x, Right: p.product(op.Right)}
	}
	return x
}

func (p *parseState) product(s *product) ir.Expr {
	x := p.unary(s.Left)
	for _, op := range s.Ops {
		x = &ir.Arith{Span: p.span(s.Pos, op.EndPos), Op: arithOps[op.Op.Value], Left: x, Right: p.unary(op.Right)}
	}
	return x
}

func (p *parseState) unary(u *unary) ir.Expr {
	if u.Primary != nil {
		return p.primary(u.Primary)
	}
	sp := p.span(u.Pos, u.EndPos)
	if u.Sign.Value == "+" {
		return p.unary(u.X)
	}
	// -<number> is a negative literal; it is read from the digits with the
	// sign so that the smallest int64 is in range.
	if pr := u.X.Primary; pr != nil && pr.Lit != nil && (pr.Lit.Tok.Type == tokInt || pr.Lit.Tok.Type == tokFloat) {
		v, ok := p.number(pr.Lit.Tok, "-", sp)
		if !ok {
			return placeholder(sp)
		}
		return &ir.Literal{Span: sp, Value: v}
	}
	zero := &ir.Literal{Span: p.tokSpan(u.Sign), Value: ir.IntValue(0)}
	return &ir.Arith{Span: sp, Op: ir.Sub, Left: zero, Right: p.unary(u.X)}
}

func (p *parseState) primary(pr *primary) ir.Expr {
	switch {
	case pr.Lit != nil:
		return p.literal(pr.Lit.Tok)
	case pr.Call != nil:
		return p.call(pr.Call, p.span(pr.Pos, pr.EndPos))
	case pr.Group != nil:
		return p.expr(pr.Group, false)
	case pr.Name.Type != 0:
		return p.field(pr.Name)
	}
	return p.field(pr.Field)
}

func (p *parseState) literal(t lexer.Token) ir.Expr {
	lit := new(ir.Literal)
	if !p.literalInto(lit, t) {
		return placeholder(lit.Span)
	}
	return lit
}

// literalInto fills dst from a constant token; it reports false (with a
// diagnostic) when the token's value is invalid. It lets a list's literals
// share one allocation.
func (p *parseState) literalInto(dst *ir.Literal, t lexer.Token) bool {
	dst.Span = p.tokSpan(t)
	switch t.Type {
	case tokString:
		s, ok := p.unquote(t)
		dst.Value = ir.StringValue(s)
		return ok
	case tokInt, tokFloat:
		v, ok := p.number(t, "", dst.Span)
		dst.Value = v
		return ok
	}
	switch t.Value {
	case "true":
		dst.Value = ir.BoolValue(true)
	case "false":
		dst.Value = ir.BoolValue(false)
	default:
		dst.Value = ir.Null
	}
	return true
}

// number reads a numeric token, with sign ("" or "-") in front of it.
func (p *parseState) number(t lexer.Token, sign string, sp ir.Span) (ir.Value, bool) {
	if t.Type == tokInt {
		n, err := strconv.ParseInt(sign+t.Value, 10, 64)
		if err != nil {
			p.errorSpan(sp, codeBadNumber, "integer %s%s is out of range (64-bit integers go from -9223372036854775808 to 9223372036854775807)", sign, t.Value)
			return ir.Value{}, false
		}
		return ir.IntValue(n), true
	}
	f, err := strconv.ParseFloat(sign+t.Value, 64)
	if err != nil {
		p.errorSpan(sp, codeBadNumber, "number %s%s is out of range for a 64-bit float", sign, t.Value)
		return ir.Value{}, false
	}
	return ir.FloatValue(f), true
}

// field resolves a field token: '?' marks it optional, backquoted segments
// lose their quotes (a doubled backquote stands for one).
func (p *parseState) field(t lexer.Token) ir.Expr {
	v := t.Value
	f := &ir.Field{Span: p.tokSpan(t)}
	if strings.HasPrefix(v, "?") {
		f.Optional = true
		v = v[1:]
	}
	if strings.IndexByte(v, '`') < 0 {
		f.Path = v
		return f
	}
	var b strings.Builder
	for i := 0; i < len(v); {
		if v[i] != '`' {
			b.WriteByte(v[i])
			i++
			continue
		}
		// A backquoted segment: up to the lone closing backquote.
		i++
		for i < len(v) {
			if v[i] == '`' {
				if i+1 < len(v) && v[i+1] == '`' {
					b.WriteByte('`')
					i += 2
					continue
				}
				i++
				break
			}
			b.WriteByte(v[i])
			i++
		}
	}
	f.Path = b.String()
	return f
}

// function describes an Elasticsearch EQL function: its arity (max -1 is
// unbounded) and whether it has a case-insensitive `~` form.
type function struct {
	min, max int
	tilde    bool
}

// functions are Elasticsearch EQL's (EqlFunctionRegistry), by lower-case name.
var functions = map[string]function{
	"add": {2, 2, false}, "between": {3, 4, true}, "cidrmatch": {2, -1, false},
	"concat": {1, -1, false}, "divide": {2, 2, false}, "endswith": {2, 2, true},
	"indexof": {2, 3, true}, "length": {1, 1, false}, "modulo": {2, 2, false},
	"multiply": {2, 2, false}, "number": {1, 2, false}, "startswith": {2, 2, true},
	"string": {1, 1, false}, "stringcontains": {2, 2, true}, "substring": {2, 3, false},
	"subtract": {2, 2, false},
}

// pythonFunctions exist in python eql only; Elasticsearch rejects them.
var pythonFunctions = map[string]bool{
	"wildcard": true, "match": true, "matchlite": true, "arraycontains": true,
	"arraycount": true, "arraysearch": true, "safe": true,
}

const knownFunctions = "add, between, cidrMatch, concat, divide, endsWith, indexOf, length, modulo, multiply, number, startsWith, string, stringContains, substring, subtract"

func (p *parseState) call(c *call, sp ir.Span) ir.Expr {
	written := c.Name.Value
	ci := strings.HasSuffix(written, "~")
	name := strings.ToLower(strings.TrimSuffix(written, "~"))
	args := make([]ir.Expr, len(c.Args))
	for i, a := range c.Args {
		args[i] = p.expr(a, false)
	}
	nameSpan := p.tokSpan(c.Name)
	fn, ok := functions[name]
	switch {
	case pythonFunctions[name]:
		p.errorSpan(nameSpan, codeUnsupported, "function %q is python eql only, not supported by Elasticsearch EQL", strings.TrimSuffix(written, "~"))
		return placeholder(sp)
	case !ok:
		p.errorSpan(nameSpan, codeUnknownFunc, "unknown function %q; Elasticsearch EQL has %s", strings.TrimSuffix(written, "~"), knownFunctions)
		return placeholder(sp)
	case ci && !fn.tilde:
		p.errorSpan(nameSpan, codeUnsupported, "%q has no case-insensitive form: only between~, endsWith~, indexOf~, startsWith~ and stringContains~ exist", written)
		return placeholder(sp)
	case len(args) < fn.min || fn.max >= 0 && len(args) > fn.max:
		p.errorSpan(sp, codeArity, "%s takes %s, found %d", ir.CallName(name), arity(fn), len(args))
		return placeholder(sp)
	}
	return &ir.Call{Span: sp, Name: name, CaseInsensitive: ci, Args: args}
}

func arity(fn function) string {
	plural := func(n int) string {
		if n == 1 {
			return "1 argument"
		}
		return fmt.Sprintf("%d arguments", n)
	}
	switch {
	case fn.max < 0:
		return "at least " + plural(fn.min)
	case fn.min == fn.max:
		return plural(fn.min)
	}
	return fmt.Sprintf("%d to %d arguments", fn.min, fn.max)
}
