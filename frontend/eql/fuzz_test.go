package eql

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2"

	"github.com/eqlx/eqlx/ir"
)

// edgeCases seed the fuzzer with the inputs that once were, or could be,
// hard: deep nesting, unterminated comments and strings, invalid UTF-8, raw
// strings, backquotes.
var edgeCases = []string{
	"",
	"process where " + strings.Repeat("(", 600) + "a" + strings.Repeat(")", 600),
	"process where " + strings.Repeat("not ", 600) + "a",
	"process where /* a /* b */",
	"process where a == \"abc",
	"process where a == \"\xff\"",
	"\x00\x01\x02\xfe",
	`process where a == """x"""""`,
	`process where a == """x""`,
	"process where a.`b``c`.d == 1 and ?`x`",
	"process where a.`b",
	`process where a == "\u{202E}" and b : "\u{zz"`,
	"sequence by a with maxspan=5m [x where true] by b ![y where true] until [z where true] | head 1",
	"sample by a [x where true] [y where true]",
	"process where -9223372036854775808 == a - -1 * (b % 2)",
	"process where f~(a) and startsWith~(a, \"b\") : (\"x\", 1, null)",
}

// FuzzParse checks that no input panics, and that every error has a valid
// position inside the input.
func FuzzParse(f *testing.F) {
	for _, s := range edgeCases {
		f.Add(s)
	}
	// Without the corpus (a checkout without ../shared) the edge cases
	// still seed the fuzzer.
	rules, _ := readCorpus()
	for _, r := range rules {
		f.Add(r.query)
	}
	f.Fuzz(func(t *testing.T, src string) {
		q, ds := Parse(src, Options{})
		if ds.HasErrors() != (q == nil) {
			t.Fatalf("query %v with diagnostics %v", q != nil, ds)
		}
		for _, d := range ds {
			p := d.Span.Start
			if p.Line < 1 || p.Col < 1 || p.Offset < 0 || p.Offset > len(src) {
				t.Fatalf("diagnostic without a valid position: %+v", d)
			}
			if d.Code == codeInternal {
				t.Fatalf("internal error: %v", d)
			}
			if d.Msg == "" || !utf8.ValidString(d.Msg) && utf8.ValidString(src) {
				t.Fatalf("bad message: %q", d.Msg)
			}
		}
	})
}

// TestRoundTrip prints every corpus query's IR and parses the text again:
// the printer and the parser must agree on every node.
func TestRoundTrip(t *testing.T) {
	for _, r := range loadCorpus(t) {
		q, ds := Parse(r.query, r.opt)
		if ds.HasErrors() {
			continue // TestCorpus reports it
		}
		text := ir.Print(q)
		back, ds := Parse(text, Options{CategoryField: r.opt.CategoryField})
		if ds.HasErrors() {
			t.Errorf("%s: printed IR does not parse: %v\n%s", r.path, ds, text)
			continue
		}
		if !ir.Equal(q, back) {
			t.Errorf("%s: printed IR reads back differently\n%s\n---\n%s", r.path, dump(q), dump(back))
		}
	}
}

// predicateParser parses the general Predicate production only, to check
// the hand-written fast path against it.
var predicateParser = func() *participle.Parser[predicate] {
	p, err := participle.ParserForProduction[predicate](parser)
	if err != nil {
		panic(err)
	}
	return p
}()

// TestSimpleAgreesWithGrammar reads every predicate that the fast path
// (simplePred) took in the corpus again with the general grammar, and
// requires the same IR, spans included.
func TestSimpleAgreesWithGrammar(t *testing.T) {
	checked := 0
	for _, r := range loadCorpus(t) {
		p := &parseState{src: r.query, base: r.opt.Base, catField: ir.CategoryField}
		ast := p.parse()
		if ast == nil {
			continue
		}
		var simples []*simplePred
		collectSimple(ast, &simples)
		for _, s := range simples {
			fast := p.simple(s)
			start, end := s.Subject.Pos.Offset, tokEnd(s.Last).Offset
			sub := &parseState{src: r.query[start:end], base: p.pos(s.Subject.Pos)}
			toks, lerr := lex(sub.src)
			if lerr != nil {
				t.Fatalf("%s: %v", r.path, lerr)
			}
			sub.toks = toks
			tree, err := predicateParser.ParseString("", sub.src)
			if err != nil {
				t.Errorf("%s: the general grammar rejects %q: %v", r.path, sub.src, err)
				continue
			}
			general := sub.predicate(tree)
			if !ir.EqualExpr(fast, general) || strings.Join(dumpSpans(fast), " ") != strings.Join(dumpSpans(general), " ") {
				t.Errorf("%s: %q\nfast    %s %v\ngeneral %s %v", r.path, sub.src, dumpExpr(fast), dumpSpans(fast), dumpExpr(general), dumpSpans(general))
			}
			checked++
		}
	}
	if checked < 9000 {
		t.Errorf("checked only %d predicates", checked)
	}
}

// collectSimple finds the fast-path predicates of a grammar tree.
func collectSimple(q *query, out *[]*simplePred) {
	var visit func(e *expr)
	event := func(e *eventQuery) { visit(e.Cond) }
	var not func(n *notExpr)
	not = func(n *notExpr) {
		switch {
		case n.Not != nil:
			not(n.Not)
		case n.Simple != nil:
			*out = append(*out, n.Simple)
		case n.Pred != nil:
			collectPrimaries(n.Pred, visit)
		}
	}
	visit = func(e *expr) {
		for _, a := range e.Terms {
			for _, n := range a.Terms {
				not(n)
			}
		}
	}
	if q.Event != nil {
		event(q.Event)
	}
	if q.Multi != nil {
		for _, s := range q.Multi.Stages {
			event(s.Query)
		}
		if q.Multi.Until != nil {
			event(q.Multi.Until.Query)
		}
	}
}

// collectPrimaries visits the parenthesised groups and call arguments of a
// general predicate, where more fast-path predicates may sit.
func collectPrimaries(pr *predicate, visit func(*expr)) {
	var visitUnary func(u *unary)
	visitUnary = func(u *unary) {
		for u.X != nil {
			u = u.X
		}
		if u.Primary == nil {
			return
		}
		if u.Primary.Group != nil {
			visit(u.Primary.Group)
		}
		if u.Primary.Call != nil {
			for _, a := range u.Primary.Call.Args {
				visit(a)
			}
		}
	}
	visitSum := func(s *sum) {
		for _, p := range append([]*product{s.Left}, productsOf(s)...) {
			visitUnary(p.Left)
			for _, op := range p.Ops {
				visitUnary(op.Right)
			}
		}
	}
	visitSum(pr.Left)
	if pr.Cmp != nil {
		visitSum(pr.Cmp.Right)
	}
}

func productsOf(s *sum) []*product {
	out := make([]*product, len(s.Ops))
	for i, op := range s.Ops {
		out[i] = op.Right
	}
	return out
}
