package eql

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/eqlx/eqlx/ir"
)

// Diagnostic codes. They are stable: reports, JSON output and tests match on
// them.
const (
	codeSyntax      = "eql/syntax"           // lexing and parsing, nesting, size, encoding
	codeBadEscape   = "eql/bad-escape"       // an escape EQL does not define in "..."
	codeBadNumber   = "eql/bad-number"       // an integer beyond int64, a float beyond float64
	codeBadRegex    = "eql/bad-regex"        // a regex pattern that cannot be valid
	codeUnknownFunc = "eql/unknown-function" // a function Elasticsearch EQL does not have
	codeArity       = "eql/arity"            // a known function with the wrong number of arguments
	codeUnsupported = "eql/unsupported"      // python eql syntax Elasticsearch rejects (join, lineage, macros, ...)
	codePipe        = "eql/unsupported-pipe" // a pipe other than head and tail
	codeSequence    = "eql/sequence"         // sequence and sample rules (keys, runs, maxspan, missing events)
	codeType        = "eql/type"             // a value where a constant, a string or a condition is needed
	codeInternal    = "eql/internal"         // a bug in eqlx, reported instead of crashing
)

// Limits that keep hostile input from exhausting the stack or the heap. The
// corpus's largest query is 47 KB and nests 6 deep.
const (
	maxQueryBytes = 1 << 20
	maxDepth      = 512
)

// Options says where the query sits in its file and how to lower it.
type Options struct {
	// Base is the position of the query's first character in its file; the
	// zero value means File "", Line 1, Col 1, Offset 0.
	Base ir.Pos
	// CategoryField is the field tested by the category word before `where`;
	// "" means ir.CategoryField (a rule's event_category_override sets it).
	CategoryField string
	// QuotePos, when set, maps the positions that messages quote (the
	// opening bracket of `expected ")" to close "(" at 1:40`), for a caller
	// that maps Spans into its file itself because the query was decoded
	// (a JSON string with escapes): the message then names the file's
	// line:col, as the diagnostic's own position does.
	QuotePos func(ir.Pos) ir.Pos
}

// Parse reads one Elasticsearch EQL query and lowers it to the IR, with every
// node's Span in file coordinates (opt.Base). On error it returns a nil
// query and the diagnostics, each an ir.Error with a position and a stable
// code; the result is not normalised (see ir/pass).
func Parse(src string, opt Options) (q ir.Query, ds ir.Diagnostics) {
	base := opt.Base
	if base.Line == 0 {
		base.Line, base.Col = 1, 1
	}
	if base.Col == 0 {
		base.Col = 1
	}
	p := &parseState{src: src, base: base, catField: opt.CategoryField, quotePos: opt.QuotePos}
	if p.catField == "" {
		p.catField = ir.CategoryField
	}
	defer func() {
		// Last resort only: the parser is written not to panic, and the
		// fuzz test holds it to that. A panic here is a bug in eqlx, and
		// one broken rule must not stop the others.
		if r := recover(); r != nil {
			q = nil
			ds = ir.Diagnostics{{
				Span:     ir.Span{Start: base, End: base},
				Severity: ir.Error,
				Code:     codeInternal,
				Msg:      fmt.Sprintf("internal error while parsing (please report it): %v", r),
			}}
		}
	}()
	ast := p.parse()
	if ast == nil {
		return nil, p.diags
	}
	q = p.lowerQuery(ast)
	if p.diags.HasErrors() {
		return nil, p.diags
	}
	return q, p.diags
}

// parseState carries one Parse call: the input, its tokens, where it sits in
// its file, and the diagnostics found so far.
type parseState struct {
	src      string
	toks     []lexer.Token
	base     ir.Pos
	catField string
	quotePos func(ir.Pos) ir.Pos
	diags    ir.Diagnostics
}

// parse lexes and parses src into the grammar tree, or records why not.
func (p *parseState) parse() *query {
	src := p.src
	if len(src) > maxQueryBytes {
		p.errorAt(lexer.Position{Line: 1, Column: 1}, codeSyntax,
			"query is too long: %d bytes (the limit is %d)", len(src), maxQueryBytes)
		return nil
	}
	if !utf8.ValidString(src) {
		p.errorAt(p.positionOf(firstInvalidUTF8(src)), codeSyntax, "invalid UTF-8: the query must be UTF-8 text")
		return nil
	}
	toks, lerr := lex(src)
	if lerr != nil {
		p.errorAt(lerr.pos, lerr.code, "%s", lerr.msg)
		return nil
	}
	p.toks = toks
	if len(toks) == 1 {
		p.errorAt(toks[0].Pos, codeSyntax, "empty query: expected an event query such as `process where true`, a sequence or a sample")
		return nil
	}
	if !p.prescan() {
		return nil
	}
	peeker, err := lexer.Upgrade(&tokenList{toks: toks})
	if err != nil {
		p.errorAt(lexer.Position{Line: 1, Column: 1}, codeInternal, "%v", err)
		return nil
	}
	ast, err := parser.ParseFromLexer(peeker)
	if err != nil {
		p.syntaxError(err)
		return nil
	}
	return ast
}

// firstInvalidUTF8 returns the byte offset of the first invalid sequence.
func firstInvalidUTF8(s string) int {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(s)
}

// positionOf computes the line and rune column of a byte offset of src.
func (p *parseState) positionOf(off int) lexer.Position {
	before := p.src[:off]
	line := 1 + strings.Count(before, "\n")
	lineStart := strings.LastIndexByte(before, '\n') + 1
	col := 1
	for i := lineStart; i < off; i++ {
		if p.src[i]&0xC0 != 0x80 {
			col++
		}
	}
	return lexer.Position{Offset: off, Line: line, Column: col}
}

// prescan checks what participle would report badly or not survive: brackets
// that do not match (reported with the opening bracket's position), nesting
// deep enough to exhaust the stack (the parser recurses once per level), and
// python eql's macro and const definitions.
func (p *parseState) prescan() bool {
	toks := p.toks
	if len(toks) > 2 && toks[0].Type == tokIdent && (toks[0].Value == "macro" || toks[0].Value == "const") && toks[1].Type == tokIdent {
		p.errorAt(toks[0].Pos, codeUnsupported, "%q definitions are python eql syntax, not supported by Elasticsearch EQL", toks[0].Value)
		return false
	}
	type open struct {
		tok  int
		runs int // prefix operators in front of the bracket
	}
	var stack []open
	depth := 0 // brackets plus prefix operators (`not`, unary minus) open at this point
	run := 0   // consecutive prefix operators since the last operand
	operandEnd := false
	for i, t := range toks {
		switch {
		case t.Type == tokPunct && (t.Value == "(" || t.Value == "[" || t.Value == "!["):
			stack = append(stack, open{tok: i, runs: run})
			depth += run + 1
			run = 0
			operandEnd = false
		case t.Type == tokPunct && (t.Value == ")" || t.Value == "]"):
			want := "("
			if t.Value == "]" {
				want = "["
			}
			if len(stack) == 0 {
				p.errorAt(t.Pos, codeSyntax, "unexpected %q: there is no %q to close", t.Value, want)
				return false
			}
			top := toks[stack[len(stack)-1].tok]
			if strings.TrimPrefix(top.Value, "!") != want {
				p.errorAt(t.Pos, codeSyntax, "expected %q to close %q at %s, found %q", closer(top.Value), top.Value, p.at(top.Pos), t.Value)
				return false
			}
			depth -= stack[len(stack)-1].runs + 1
			stack = stack[:len(stack)-1]
			run = 0
			operandEnd = true
		case t.Type == lexer.EOF:
			if len(stack) > 0 {
				top := toks[stack[len(stack)-1].tok]
				p.errorAt(t.Pos, codeSyntax, "expected %q to close %q at %s, found end of query", closer(top.Value), top.Value, p.at(top.Pos))
				return false
			}
		case t.Type == tokKeyword && t.Value == "not",
			t.Type == tokPunct && (t.Value == "-" || t.Value == "+") && !operandEnd:
			run++
			operandEnd = false
		default:
			run = 0
			operandEnd = endsOperand(t)
		}
		if depth+run > maxDepth {
			p.errorAt(t.Pos, codeSyntax, "expression nested too deeply: more than %d levels of brackets and prefix operators", maxDepth)
			return false
		}
	}
	return true
}

// endsOperand reports whether t can be the last token of a value.
func endsOperand(t lexer.Token) bool {
	switch t.Type {
	case tokIdent, tokField, tokString, tokInt, tokFloat, tokConst:
		return true
	case tokPunct:
		return t.Value == ")"
	}
	return false
}

func closer(open string) string {
	if open == "(" {
		return ")"
	}
	return "]"
}

// at renders a position of the query as "line:col" in the file.
func (p *parseState) at(lp lexer.Position) string {
	ip := p.pos(lp)
	if p.quotePos != nil {
		ip = p.quotePos(ip)
	}
	return fmt.Sprintf("%d:%d", ip.Line, ip.Col)
}

// syntaxError turns a participle error into one eqlx diagnostic: what was
// expected, in EQL's words, and what was found. It is the only place that
// reads participle's errors.
func (p *parseState) syntaxError(err error) {
	var perr participle.Error
	if !errors.As(err, &perr) {
		p.errorAt(lexer.Position{Line: 1, Column: 1}, codeSyntax, "%v", err)
		return
	}
	i := p.tokenAt(perr.Position().Offset)
	if i >= len(p.toks) {
		p.errorAt(perr.Position(), codeSyntax, "%s", perr.Message())
		return
	}
	toks := p.toks
	// participle backs out of an optional `by ...` or `with ...` that does
	// not complete and reports the keyword itself; the problem is after it.
	if t := toks[i]; t.Type == tokKeyword && (t.Value == "by" || t.Value == "with") && i+1 < len(toks) {
		if t.Value == "by" {
			p.errorAt(toks[i+1].Pos, codeSyntax, `expected a join key (a field) after "by", found %s`, describe(toks[i+1]))
			return
		}
		switch {
		case toks[i+1].Type != tokIdent:
			p.errorAt(toks[i+1].Pos, codeSyntax, `expected "maxspan=" or "runs=" after "with", found %s`, describe(toks[i+1]))
			return
		case i+2 < len(toks) && toks[i+2].Value != "=":
			p.errorAt(toks[i+2].Pos, codeSyntax, `expected "=" after "with %s", found %s`, toks[i+1].Value, describe(toks[i+2]))
			return
		case i+3 < len(toks) && toks[i+3].Type != tokInt:
			p.errorAt(toks[i+3].Pos, codeSyntax, `expected a whole number after "%s=", found %s`, toks[i+1].Value, describe(toks[i+3]))
			return
		}
	}
	msg := p.expected(i)
	if _, reserved := keywords[strings.ToLower(toks[i].Value)]; reserved && toks[i].Type == tokIdent {
		msg += fmt.Sprintf(" (keywords are lower case: %q)", strings.ToLower(toks[i].Value))
	}
	p.errorAt(toks[i].Pos, codeSyntax, "%s", msg)
}

// tokenAt returns the index of the first token at or after byte offset off.
func (p *parseState) tokenAt(off int) int {
	return sort.Search(len(p.toks), func(i int) bool { return p.toks[i].Pos.Offset >= off })
}

// describe names a token for a message: `"=="`, `string "a"`, `end of query`.
func describe(t lexer.Token) string {
	switch t.Type {
	case lexer.EOF:
		return "end of query"
	case tokString:
		v := t.Value
		if utf8.RuneCountInString(v) > 40 {
			v = string([]rune(v)[:37]) + "..."
		}
		return "string " + v
	case tokInt, tokFloat:
		return "number " + t.Value
	case tokField, tokIdent:
		return "name " + fmt.Sprintf("%q", t.Value)
	}
	return fmt.Sprintf("%q", t.Value)
}

// expected says what the grammar wanted at token i, judging by the token
// before it.
func (p *parseState) expected(i int) string {
	toks := p.toks
	found := describe(toks[i])
	if i == 0 {
		return `expected an event category (such as process, or any) followed by "where", "sequence" or "sample", found ` + found
	}
	prev := toks[i-1]
	v := prev.Value
	isCategory := (prev.Type == tokIdent || prev.Type == tokString) &&
		(i == 1 || toks[i-2].Type == tokPunct && (toks[i-2].Value == "[" || toks[i-2].Value == "!["))
	switch {
	case isCategory:
		if prev.Type == tokIdent {
			v = strconv.Quote(v)
		}
		return fmt.Sprintf(`expected "where" after the event category %s, found %s`, v, found)
	case prev.Type == tokKeyword && v == "not" && i >= 2 && endsOperand(toks[i-2]):
		return `expected "in" or "in~" after "not" (to negate another test, put "not" in front of it), found ` + found
	case prev.Type == tokKeyword && v == "where":
		return `expected a condition after "where", found ` + found
	case prev.Type == tokInOp:
		return fmt.Sprintf(`expected "(" and a list of values after %q, found %s`, v, found)
	case prev.Type == tokKeyword && (v == "sequence" || v == "sample" || v == "join"):
		return fmt.Sprintf(`expected "by", "with" or "[" after %q, found %s`, v, found)
	case prev.Type == tokKeyword && v == "until":
		return `expected "[" after "until", found ` + found
	case prev.Type == tokKeyword && v == "by":
		return `expected a join key (a field) after "by", found ` + found
	case prev.Type == tokKeyword && v == "with":
		return `expected "maxspan=" or "runs=" after "with", found ` + found
	case prev.Type == tokKeyword && v == "of":
		return fmt.Sprintf(`expected "[" after %q, found %s`, v, found)
	case prev.Type == tokPunct && (v == "[" || v == "!["):
		return fmt.Sprintf(`expected an event category after %q, found %s`, v, found)
	case prev.Type == tokPunct && v == "|":
		return `expected a pipe name (head or tail) after "|", found ` + found
	case prev.Type == tokCmpOp && v == "=" && i >= 3 && toks[i-3].Value == "with":
		return fmt.Sprintf(`expected a whole number after "%s=", found %s`, toks[i-2].Value, found)
	case prev.Type == tokIdent && i >= 2 && toks[i-2].Value == "with":
		return fmt.Sprintf(`expected "=" after "with %s", found %s`, v, found)
	case prev.Type == tokPunct && v == "(" && i >= 2 && (toks[i-2].Type == tokIdent || toks[i-2].Type == tokTildeIdent):
		return fmt.Sprintf(`expected an argument or ")" after "%s(", found %s`, toks[i-2].Value, found)
	case prev.Type == tokPunct && v != ")" && v != "]", prev.Type == tokCmpOp, prev.Type == tokMatchOp,
		prev.Type == tokKeyword && (v == "and" || v == "or" || v == "not"):
		return fmt.Sprintf("expected a value after %q, found %s", v, found)
	case prev.Type == tokTildeIdent:
		return fmt.Sprintf(`expected "(" after the function name %q, found %s`, v, found)
	}
	// After a complete operand: what may follow depends on the innermost
	// open bracket.
	inner := ""
	depth := 0
	for j := i - 1; j >= 0; j-- {
		t := toks[j]
		if t.Type != tokPunct {
			continue
		}
		switch t.Value {
		case ")", "]":
			depth++
		case "(", "[", "![":
			if depth == 0 {
				inner = t.Value
			}
			depth--
		}
		if inner != "" {
			break
		}
	}
	switch inner {
	case "(":
		return `expected an operator, "," or ")", found ` + found
	case "[", "![":
		return `expected an operator, "and", "or" or "]", found ` + found
	}
	if prev.Type == tokPunct && prev.Value == "]" {
		return `expected "by", "with", "[", "until", "|" or the end of the query, found ` + found
	}
	return `expected an operator, "and", "or", "|" or the end of the query, found ` + found
}

// pos maps a position in the query to the file.
func (p *parseState) pos(lp lexer.Position) ir.Pos {
	return ir.Pos{Offset: lp.Offset, Line: lp.Line, Col: lp.Column}.Within(p.base)
}

// tokEnd is the position just past token t (tokens never span lines).
func tokEnd(t lexer.Token) lexer.Position {
	end := t.Pos
	end.Offset += len(t.Value)
	end.Column += utf8.RuneCountInString(t.Value)
	return end
}

// span is the range from start to the end of the last token before next
// (participle's EndPos is the start of the following token).
func (p *parseState) span(start, next lexer.Position) ir.Span {
	i := p.tokenAt(next.Offset)
	end := start
	if i > 0 && i <= len(p.toks) {
		end = tokEnd(p.toks[i-1])
	}
	if end.Offset < start.Offset {
		end = start
	}
	return ir.Span{Start: p.pos(start), End: p.pos(end)}
}

// tokSpan is the range of one token.
func (p *parseState) tokSpan(t lexer.Token) ir.Span {
	return ir.Span{Start: p.pos(t.Pos), End: p.pos(tokEnd(t))}
}

func (p *parseState) errorAt(lp lexer.Position, code, format string, args ...any) {
	at := p.pos(lp)
	p.diags.Errorf(ir.Span{Start: at, End: at}, code, format, args...)
}

func (p *parseState) errorSpan(sp ir.Span, code, format string, args ...any) {
	p.diags.Errorf(sp, code, format, args...)
}
