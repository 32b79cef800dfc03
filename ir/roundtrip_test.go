package ir

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// This file checks the printer against a small reader of the EQL that Print
// writes, lowering it as the IR documentation says the frontend does
// (`x == v` is In, `x != v` is Not{In}, `== null` is IsNull, `:` and like~
// are wildcard Matches, ...). Random IR goes through Print and back and must
// come out Equal, without any normalisation: that proves the parentheses
// and the layout keep every structure. The real round trip, through
// frontend/eql over the whole corpus, lives in the frontend's tests.

type tok struct {
	kind byte // 'i' ident/field, 's' string, 'n' number, 'p' punctuation, 'e' end
	text string
	str  string // the decoded string of an 's' token
}

func lex(src string) ([]tok, error) {
	var out []tok
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\n' || c == '\t':
			i++
		case c == '"':
			j := i + 1
			var b strings.Builder
			for ; j < len(src) && src[j] != '"'; j++ {
				if src[j] != '\\' {
					b.WriteByte(src[j])
					continue
				}
				j++
				switch src[j] {
				case 't':
					b.WriteByte('\t')
				case 'n':
					b.WriteByte('\n')
				case 'r':
					b.WriteByte('\r')
				case 'b':
					b.WriteByte('\b')
				case 'f':
					b.WriteByte('\f')
				case 'u':
					end := strings.IndexByte(src[j:], '}')
					r, err := strconv.ParseInt(src[j+2:j+end], 16, 32)
					if err != nil {
						return nil, err
					}
					b.WriteRune(rune(r))
					j += end
				default:
					b.WriteByte(src[j])
				}
			}
			out = append(out, tok{kind: 's', text: src[i : j+1], str: b.String()})
			i = j + 1
		case c >= '0' && c <= '9':
			j := i
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '.' || src[j] == 'e' ||
				((src[j] == '+' || src[j] == '-') && src[j-1] == 'e')) {
				j++
			}
			out = append(out, tok{kind: 'n', text: src[i:j]})
			i = j
		case c == '?' || c == '@' || c == '_' || c == '`' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(src) {
				if src[j] == '`' {
					k := j + 1
					for k < len(src) {
						if src[k] == '`' && k+1 < len(src) && src[k+1] == '`' {
							k += 2
							continue
						}
						if src[k] == '`' {
							break
						}
						k++
					}
					j = k + 1
					continue
				}
				d := src[j]
				if d == '?' && j == i || d == '@' || d == '_' || d == '.' || d == '~' ||
					d >= 'a' && d <= 'z' || d >= 'A' && d <= 'Z' || d >= '0' && d <= '9' {
					j++
					continue
				}
				break
			}
			out = append(out, tok{kind: 'i', text: src[i:j]})
			i = j
		default:
			for _, p := range []string{"==", "!=", "<=", ">=", "![", "<", ">", "(", ")", "[", "]", ",", "+", "-", "*", "/", "%", "|", "="} {
				if strings.HasPrefix(src[i:], p) {
					out = append(out, tok{kind: 'p', text: p})
					i += len(p)
					goto next
				}
			}
			return nil, fmt.Errorf("unexpected %q", src[i:])
		next:
		}
	}
	return append(out, tok{kind: 'e'}), nil
}

type reader struct {
	toks []tok
	pos  int
}

type syntaxError string

func (r *reader) peek() tok { return r.toks[r.pos] }
func (r *reader) next() tok { t := r.toks[r.pos]; r.pos++; return t }
func (r *reader) is(text string) bool {
	t := r.peek()
	return t.kind != 's' && t.text == text
}
func (r *reader) accept(text string) bool {
	if r.is(text) {
		r.pos++
		return true
	}
	return false
}
func (r *reader) expect(text string) {
	if !r.accept(text) {
		panic(syntaxError(fmt.Sprintf("expected %q at %q", text, r.peek().text)))
	}
}

func readQuery(src string) (q Query, err error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	r := &reader{toks: toks}
	defer func() {
		if e, ok := recover().(syntaxError); ok {
			err = fmt.Errorf("%s", string(e))
		}
	}()
	var pipes *[]Pipe
	switch {
	case r.accept("sequence"):
		s := &Sequence{}
		if r.accept("by") {
			s.By = r.list()
		}
		if r.accept("with") {
			r.expect("maxspan")
			r.expect("=")
			n, _ := strconv.ParseInt(r.next().text, 10, 64)
			s.MaxSpan = &Duration{Value: n, Unit: r.next().text}
		}
		for r.is("[") || r.is("![") {
			s.Stages = append(s.Stages, r.stage())
		}
		if r.accept("until") {
			s.Until = r.stage()
		}
		q, pipes = s, &s.Pipes
	case r.accept("sample"):
		s := &Sample{}
		if r.accept("by") {
			s.By = r.list()
		}
		for r.is("[") {
			s.Stages = append(s.Stages, r.stage())
		}
		q, pipes = s, &s.Pipes
	default:
		e := r.event()
		q, pipes = e, &e.Pipes
	}
	for r.accept("|") {
		kind := map[string]PipeKind{"head": PipeHead, "tail": PipeTail}[r.next().text]
		n, _ := strconv.ParseInt(r.next().text, 10, 64)
		*pipes = append(*pipes, Pipe{Kind: kind, N: n})
	}
	if r.peek().kind != 'e' {
		return nil, fmt.Errorf("trailing %q", r.peek().text)
	}
	return q, nil
}

func (r *reader) stage() *Stage {
	s := &Stage{Runs: 1}
	if r.accept("![") {
		s.Missing = true
	} else {
		r.expect("[")
	}
	s.Query = r.event()
	r.expect("]")
	if r.accept("by") {
		s.By = r.list()
	}
	if r.accept("with") {
		r.expect("runs")
		r.expect("=")
		s.Runs, _ = strconv.Atoi(r.next().text)
	}
	return s
}

func (r *reader) event() *EventQuery {
	t := r.next()
	cat := t.text
	if t.kind == 's' {
		cat = t.str
	}
	r.expect("where")
	return &EventQuery{Category: cat, CategoryField: CategoryField, Cond: r.or()}
}

func (r *reader) list() []Expr {
	out := []Expr{r.or()}
	for r.accept(",") {
		out = append(out, r.or())
	}
	return out
}

func (r *reader) or() Expr {
	ts := []Expr{r.and()}
	for r.accept("or") {
		ts = append(ts, r.and())
	}
	if len(ts) == 1 {
		return ts[0]
	}
	return &Or{Terms: ts}
}

func (r *reader) and() Expr {
	ts := []Expr{r.not()}
	for r.accept("and") {
		ts = append(ts, r.not())
	}
	if len(ts) == 1 {
		return ts[0]
	}
	return &And{Terms: ts}
}

func (r *reader) not() Expr {
	if r.accept("not") {
		return &Not{X: r.not()}
	}
	return r.pred()
}

func (r *reader) pred() Expr {
	start := r.pos
	x := r.sum()
	op := r.peek().text
	switch op {
	case "==", "!=", "<", "<=", ">", ">=":
		r.next()
		y := r.sum()
		if l, ok := y.(*Literal); ok && (op == "==" || op == "!=") {
			var p Expr = &In{X: x, Values: []Value{l.Value}}
			if l.Value.IsNull() {
				p = &IsNull{X: x}
			}
			if op == "!=" {
				return &Not{X: p}
			}
			return p
		}
		cop := map[string]CmpOp{"==": Eq, "!=": Ne, "<": Lt, "<=": Le, ">": Gt, ">=": Ge}[op]
		return &Compare{Op: cop, Left: x, Right: y}
	case "in", "in~", "like", "like~", "regex", "regex~":
		if r.pos != start+1 && !r.toks[start].isOpenParenGroup(r.toks[start:r.pos]) && !isCall(r.toks[start:r.pos]) {
			panic(syntaxError("the subject of " + op + " must be a primary expression"))
		}
		r.next()
		var vals []tok
		if r.accept("(") {
			for {
				vals = append(vals, r.valueTok())
				if !r.accept(",") {
					break
				}
			}
			r.expect(")")
		} else {
			vals = append(vals, r.valueTok())
		}
		if strings.HasPrefix(op, "in") {
			vs := make([]Value, len(vals))
			for i, t := range vals {
				vs[i] = litValue(t)
			}
			return &In{X: x, Values: vs, CaseInsensitive: op == "in~"}
		}
		ps := make([]string, len(vals))
		for i, t := range vals {
			ps[i] = t.str
		}
		kind := Wildcard
		if strings.HasPrefix(op, "regex") {
			kind = Regex
		}
		return &Match{X: x, Kind: kind, Patterns: ps, CaseInsensitive: strings.HasSuffix(op, "~")}
	}
	return x
}

// isOpenParenGroup reports whether ts is one parenthesised group.
func (t tok) isOpenParenGroup(ts []tok) bool {
	if t.text != "(" || ts[len(ts)-1].text != ")" {
		return false
	}
	depth := 0
	for i, u := range ts {
		if u.kind == 'p' && u.text == "(" {
			depth++
		} else if u.kind == 'p' && u.text == ")" {
			depth--
			if depth == 0 && i != len(ts)-1 {
				return false
			}
		}
	}
	return true
}

func isCall(ts []tok) bool {
	return len(ts) > 2 && ts[0].kind == 'i' && ts[1].isOpenParenGroup(ts[1:])
}

// valueTok reads a constant token, folding a leading minus into a number.
func (r *reader) valueTok() tok {
	if r.accept("-") {
		t := r.next()
		t.text = "-" + t.text
		return t
	}
	return r.next()
}

func litValue(t tok) Value {
	switch {
	case t.kind == 's':
		return StringValue(t.str)
	case t.text == "true" || t.text == "false":
		return BoolValue(t.text == "true")
	case t.text == "null":
		return Null
	case strings.ContainsAny(t.text, ".e"):
		f, _ := strconv.ParseFloat(t.text, 64)
		return FloatValue(f)
	}
	i, _ := strconv.ParseInt(t.text, 10, 64)
	return IntValue(i)
}

func (r *reader) sum() Expr {
	x := r.term()
	for r.is("+") || r.is("-") {
		op := map[string]ArithOp{"+": Add, "-": Sub}[r.next().text]
		x = &Arith{Op: op, Left: x, Right: r.term()}
	}
	return x
}

func (r *reader) term() Expr {
	x := r.unary()
	for r.is("*") || r.is("/") || r.is("%") {
		op := map[string]ArithOp{"*": Mul, "/": Div, "%": Mod}[r.next().text]
		x = &Arith{Op: op, Left: x, Right: r.unary()}
	}
	return x
}

func (r *reader) unary() Expr {
	if r.is("-") {
		return &Literal{Value: litValue(r.valueTok())}
	}
	return r.primary()
}

func (r *reader) primary() Expr {
	t := r.next()
	switch {
	case t.kind == 'p' && t.text == "(":
		e := r.or()
		r.expect(")")
		return e
	case t.kind == 's' || t.kind == 'n' || t.text == "true" || t.text == "false" || t.text == "null":
		return &Literal{Value: litValue(t)}
	case t.kind == 'i' && r.is("("):
		r.next()
		name, ci := strings.CutSuffix(t.text, "~")
		c := &Call{Name: strings.ToLower(name), CaseInsensitive: ci}
		if !r.accept(")") {
			c.Args = r.list()
			r.expect(")")
		}
		return c
	case t.kind == 'i':
		return readField(t.text)
	}
	panic(syntaxError(fmt.Sprintf("unexpected %q", t.text)))
}

func readField(text string) *Field {
	f := &Field{}
	if strings.HasPrefix(text, "?") {
		f.Optional, text = true, text[1:]
	}
	var segs []string
	for text != "" {
		if text[0] == '`' {
			var b strings.Builder
			k := 1
			for ; k < len(text); k++ {
				if text[k] == '`' {
					if k+1 < len(text) && text[k+1] == '`' {
						b.WriteByte('`')
						k++
						continue
					}
					break
				}
				b.WriteByte(text[k])
			}
			segs = append(segs, b.String())
			text = strings.TrimPrefix(text[k+1:], ".")
			continue
		}
		seg, rest, _ := strings.Cut(text, ".")
		segs = append(segs, seg)
		text = rest
	}
	f.Path = strings.Join(segs, ".")
	return f
}

// gen builds random IR in the shapes the lowering produces.
type gen struct{ r *rand.Rand }

func (g gen) pick(n int) int { return g.r.IntN(n) }

func (g gen) field() *Field {
	segs := []string{"process", "args", "@timestamp", "Ext", "0", "display name", "a`b", "sequence", "x_1", "é"}
	n := 1 + g.pick(3)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = segs[g.pick(len(segs))]
	}
	return &Field{Path: strings.Join(parts, "."), Optional: g.pick(4) == 0}
}

func (g gen) value() Value {
	switch g.pick(6) {
	case 0:
		return IntValue(g.r.Int64N(2000) - 1000)
	case 1:
		return FloatValue(math.Round(g.r.NormFloat64()*1e4) / 100)
	case 2:
		return BoolValue(g.pick(2) == 0)
	}
	return StringValue(g.str())
}

func (g gen) str() string {
	parts := []string{"a", "*", "?", `\`, `"`, "\t", "ß", "\u202e", "C:\\Windows", " ", "`", "\x00", "😀"}
	var b strings.Builder
	for n := g.pick(4); n >= 0; n-- {
		b.WriteString(parts[g.pick(len(parts))])
	}
	return b.String()
}

func (g gen) values(n int) []Value {
	vs := make([]Value, n)
	for i := range vs {
		vs[i] = g.value()
	}
	return vs
}

// valueExpr is a field, literal, call or arithmetic.
func (g gen) valueExpr(depth int) Expr {
	switch k := g.pick(6); {
	case depth <= 0 || k < 2:
		return g.field()
	case k == 2:
		return &Literal{Value: g.value()}
	case k == 3:
		names := []string{"length", "startswith", "cidrmatch", "stringcontains", "substring", "concat", "endswith"}
		c := &Call{Name: names[g.pick(len(names))]}
		c.CaseInsensitive = (c.Name == "startswith" || c.Name == "endswith") && g.pick(2) == 0
		for n := g.pick(3); n >= 0; n-- {
			c.Args = append(c.Args, g.valueExpr(depth-1))
		}
		return c
	default:
		return &Arith{Op: ArithOp(1 + g.pick(5)), Left: g.valueExpr(depth - 1), Right: g.valueExpr(depth - 1)}
	}
}

func (g gen) boolExpr(depth int) Expr {
	if depth <= 0 {
		return g.predicate(1)
	}
	switch g.pick(6) {
	case 0:
		n := 2 + g.pick(3)
		ts := make([]Expr, n)
		for i := range ts {
			ts[i] = g.boolExpr(depth - 1)
		}
		return &And{Terms: ts}
	case 1:
		n := 2 + g.pick(3)
		ts := make([]Expr, n)
		for i := range ts {
			ts[i] = g.boolExpr(depth - 1)
		}
		return &Or{Terms: ts}
	case 2:
		return &Not{X: g.boolExpr(depth - 1)}
	}
	return g.predicate(depth)
}

func (g gen) predicate(depth int) Expr {
	x := g.valueExpr(depth)
	switch g.pick(7) {
	case 0:
		return &In{X: x, Values: g.values(1 + g.pick(40)), CaseInsensitive: g.pick(3) == 0}
	case 1:
		ps := make([]string, 1+g.pick(8))
		for i := range ps {
			ps[i] = g.str()
		}
		return &Match{X: x, Kind: MatchKind(1 + g.pick(2)), Patterns: ps, CaseInsensitive: g.pick(2) == 0}
	case 2:
		return &IsNull{X: x}
	case 3:
		// Eq and Ne only between non-constants, as the lowering gives them.
		op := CmpOp(1 + g.pick(6))
		y := g.valueExpr(depth)
		if _, lit := y.(*Literal); lit && op <= Ne {
			op = Lt
		}
		if _, lit := x.(*Literal); lit && op <= Ne {
			op = Ge
		}
		return &Compare{Op: op, Left: x, Right: y}
	case 4:
		return &Literal{Value: BoolValue(g.pick(2) == 0)}
	case 5:
		return &Compare{Op: Gt, Left: g.boolExpr(0), Right: &Literal{Value: IntValue(1)}}
	}
	return &In{X: x, Values: g.values(1)}
}

func (g gen) query() Query {
	ev := func() *EventQuery {
		cats := []string{"process", "any", "file", "my-cat", "where"}
		return &EventQuery{Category: cats[g.pick(len(cats))], CategoryField: CategoryField, Cond: g.boolExpr(3)}
	}
	keys := func() []Expr {
		var ks []Expr
		for n := g.pick(3); n > 0; n-- {
			ks = append(ks, g.field())
		}
		return ks
	}
	stages := func(n int) []*Stage {
		ss := make([]*Stage, n)
		for i := range ss {
			ss[i] = &Stage{Query: ev(), By: keys(), Runs: 1 + g.pick(3)/2*g.pick(9), Missing: g.pick(5) == 0}
		}
		return ss
	}
	var pipes []Pipe
	for n := g.pick(3); n > 0; n-- {
		pipes = append(pipes, Pipe{Kind: PipeKind(1 + g.pick(2)), N: int64(g.pick(20))})
	}
	switch g.pick(3) {
	case 0:
		s := &Sequence{By: keys(), Stages: stages(1 + g.pick(3)), Pipes: pipes}
		if g.pick(2) == 0 {
			s.MaxSpan = &Duration{Value: int64(1 + g.pick(60)), Unit: []string{"ms", "s", "m", "h", "d"}[g.pick(5)]}
		}
		if g.pick(3) == 0 {
			s.Until = stages(1)[0]
			s.Until.Missing, s.Until.Runs = false, 1
		}
		return s
	case 1:
		ss := stages(2 + g.pick(2))
		for _, s := range ss {
			s.Missing, s.Runs = false, 1
		}
		return &Sample{By: keys(), Stages: ss, Pipes: pipes}
	}
	e := ev()
	e.Pipes = pipes
	return e
}

func TestPrintReadsBackToTheSameIR(t *testing.T) {
	g := gen{rand.New(rand.NewPCG(1, 2))}
	for i := range 3000 {
		q := g.query()
		text := Print(q)
		back, err := readQuery(text)
		if err != nil {
			t.Fatalf("case %d: %v in\n%s", i, err, text)
		}
		if !Equal(q, back) {
			t.Fatalf("case %d: read back a different query:\n%s\nreprinted:\n%s", i, text, Print(back))
		}
		if !utf8.ValidString(text) {
			t.Fatalf("case %d: invalid UTF-8", i)
		}
	}
}
