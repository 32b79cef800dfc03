package eql

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// Token types of the EQL lexer. The lexer is written by hand: a regular
// expression lexer cost most of the parse time on the corpus, and a hand
// lexer can say precisely what is wrong (an unterminated nested comment, a
// python string) at the right column.
const (
	tokIdent      lexer.TokenType = iota + 1 // process, cidrMatch, @timestamp, maxspan
	tokKeyword                               // and or not where by with until sequence sample join of
	tokTildeIdent                            // startsWith~ (a function name with its case-insensitive mark)
	tokField                                 // process.name, `a b`.c, ?process.parent.name
	tokString                                // "..." or """...""" (Value is the raw text, quotes included)
	tokInt                                   // 42
	tokFloat                                 // 4.2, 1e3
	tokConst                                 // true false null
	tokCmpOp                                 // == != < <= > >= = (python's =, rejected when lowering)
	tokInOp                                  // in in~
	tokMatchOp                               // : like like~ regex regex~
	tokPunct                                 // ( ) [ ![ ] , | + - * / %
)

// The operators have token types of their own, not only values: participle
// tries the alternatives of `"==" | "!=" | ...` one branch each, while one
// token type is a single test.

// symbols names the token types for participle (grammar references such as
// @Ident). It is a function, not a variable, because participle asks for it
// while the package's variables are still being initialised.
func symbols() map[string]lexer.TokenType {
	return map[string]lexer.TokenType{
		"EOF":        lexer.EOF,
		"Ident":      tokIdent,
		"Keyword":    tokKeyword,
		"TildeIdent": tokTildeIdent,
		"Field":      tokField,
		"String":     tokString,
		"Int":        tokInt,
		"Float":      tokFloat,
		"Const":      tokConst,
		"CmpOp":      tokCmpOp,
		"InOp":       tokInOp,
		"MatchOp":    tokMatchOp,
		"Punct":      tokPunct,
	}
}

// keywords are the reserved words of Elasticsearch EQL (lower case only, as
// in its grammar), plus the python-only words that eqlx recognises in order
// to reject them with a clear message (join, of).
var keywords = map[string]lexer.TokenType{
	"and": tokKeyword, "or": tokKeyword, "not": tokKeyword, "where": tokKeyword,
	"by": tokKeyword, "with": tokKeyword, "until": tokKeyword, "sequence": tokKeyword,
	"sample": tokKeyword, "join": tokKeyword, "of": tokKeyword,
	"true": tokConst, "false": tokConst, "null": tokConst,
	"in": tokInOp, "like": tokMatchOp, "regex": tokMatchOp,
}

// lexError is a positioned lexing problem.
type lexError struct {
	pos  lexer.Position
	code string
	msg  string
}

func (e *lexError) Error() string { return fmt.Sprintf("%s: %s", e.pos, e.msg) }

// scanner is the lexer's state: the input, the offset of the next byte, and
// the line and rune column of that byte.
type scanner struct {
	src  string
	off  int
	line int
	col  int
}

func (s *scanner) pos() lexer.Position {
	return lexer.Position{Offset: s.off, Line: s.line, Column: s.col}
}

// advance moves over n bytes that hold no newline, counting runes.
func (s *scanner) advance(n int) {
	end := s.off + n
	for i := s.off; i < end; i++ {
		if s.src[i]&0xC0 != 0x80 {
			s.col++
		}
	}
	s.off = end
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '@'
}

func isIdentPart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= '0' && c <= '9'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// lex splits src into tokens, skipping blanks and comments, and ends the
// list with an EOF token. src must be valid UTF-8 (Parse checks it first).
func lex(src string) ([]lexer.Token, *lexError) {
	s := &scanner{src: src, line: 1, col: 1}
	toks := make([]lexer.Token, 0, len(src)/8+16) // the corpus averages 9.6 bytes a token
	end := s.pos()
	for {
		if err := s.skip(); err != nil {
			return nil, err
		}
		if s.off >= len(src) {
			// The end of the query sits right after its last token, so that
			// "found end of query" points at the line that needs more, not at
			// the blank lines or the closing quotes of a TOML string below it.
			if len(toks) == 0 {
				end = s.pos()
			}
			return append(toks, lexer.Token{Type: lexer.EOF, Pos: end}), nil
		}
		tok, err := s.next()
		if err != nil {
			return nil, err
		}
		toks = append(toks, tok)
		end = s.pos()
	}
}

// skip moves over blanks and comments; block comments nest, as in the
// Elasticsearch grammar.
func (s *scanner) skip() *lexError {
	for s.off < len(s.src) {
		c := s.src[s.off]
		switch {
		case c == '\n':
			s.off++
			s.line++
			s.col = 1
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			s.off++
			s.col++
		case c == '/' && s.off+1 < len(s.src) && s.src[s.off+1] == '/':
			end := strings.IndexByte(s.src[s.off:], '\n')
			if end < 0 {
				end = len(s.src) - s.off
			}
			s.advance(end)
		case c == '/' && s.off+1 < len(s.src) && s.src[s.off+1] == '*':
			if err := s.blockComment(); err != nil {
				return err
			}
		default:
			return nil
		}
	}
	return nil
}

func (s *scanner) blockComment() *lexError {
	start := s.pos()
	depth := 0
	for s.off < len(s.src) {
		switch {
		case strings.HasPrefix(s.src[s.off:], "/*"):
			depth++
			s.off += 2
			s.col += 2
		case strings.HasPrefix(s.src[s.off:], "*/"):
			depth--
			s.off += 2
			s.col += 2
			if depth == 0 {
				return nil
			}
		case s.src[s.off] == '\n':
			s.off++
			s.line++
			s.col = 1
		default:
			s.advance(1)
		}
	}
	return &lexError{pos: start, code: codeSyntax, msg: `unterminated comment: "/*" has no matching "*/"`}
}

// next scans one token at s.off (not a blank, not a comment).
func (s *scanner) next() (lexer.Token, *lexError) {
	start := s.pos()
	src := s.src
	c := src[s.off]
	tok := func(t lexer.TokenType, n int) (lexer.Token, *lexError) {
		v := src[s.off : s.off+n]
		s.advance(n)
		return lexer.Token{Type: t, Value: v, Pos: start}, nil
	}
	switch {
	case isIdentStart(c) || c == '`':
		return s.name(start, false)
	case c == '?':
		if s.off+1 < len(src) && (isIdentStart(src[s.off+1]) || src[s.off+1] == '`') {
			return s.name(start, true)
		}
		if s.off+1 < len(src) && (src[s.off+1] == '"' || src[s.off+1] == '\'') {
			return lexer.Token{}, &lexError{pos: start, code: codeSyntax, msg: `raw strings ?"..." are python eql syntax; use """...""" or double quotes`}
		}
		return lexer.Token{}, &lexError{pos: start, code: codeSyntax, msg: `expected a field name after "?"`}
	case c == '"':
		return s.str(start)
	case c == '\'':
		return lexer.Token{}, &lexError{pos: start, code: codeSyntax, msg: "single-quoted strings are python eql syntax; use double quotes"}
	case isDigit(c) || c == '.' && s.off+1 < len(src) && isDigit(src[s.off+1]):
		return s.number(start)
	}
	two := ""
	if s.off+1 < len(src) {
		two = src[s.off : s.off+2]
	}
	switch two {
	case "==", "!=", "<=", ">=":
		return tok(tokCmpOp, 2)
	case "![":
		return tok(tokPunct, 2)
	}
	switch c {
	case '=', '<', '>':
		return tok(tokCmpOp, 1)
	case ':':
		return tok(tokMatchOp, 1)
	case '(', ')', '[', ']', ',', '|', '+', '-', '*', '/', '%':
		return tok(tokPunct, 1)
	}
	r, _ := utf8.DecodeRuneInString(src[s.off:])
	found := fmt.Sprintf("%q", r)
	if r < 0x20 || r == 0x7f || r >= 0x80 {
		found = fmt.Sprintf("%q (U+%04X)", r, r)
	}
	return lexer.Token{}, &lexError{pos: start, code: codeSyntax, msg: "unexpected character " + found}
}

// name scans an identifier, a keyword, a function name with '~', or a field
// path: dotted segments, each plain or backquoted (“ doubles a backquote),
// with an optional leading '?'.
func (s *scanner) name(start lexer.Position, optional bool) (lexer.Token, *lexError) {
	src := s.src
	i := s.off
	if optional {
		i++
	}
	segments := 0
	quoted := false
	for {
		if i < len(src) && src[i] == '`' {
			quoted = true
			j := i + 1
			for {
				k := strings.IndexAny(src[j:], "`\n")
				if k < 0 || src[j+k] == '\n' {
					at := s.pos()
					at.Offset = i
					at.Column += utf8.RuneCountInString(src[s.off:i])
					return lexer.Token{}, &lexError{pos: at, code: codeSyntax, msg: "unterminated backquoted name: \"`\" has no matching \"`\" on its line"}
				}
				j += k + 1
				if j < len(src) && src[j] == '`' {
					j++
					continue
				}
				break
			}
			i = j
		} else {
			j := i + 1
			for j < len(src) && isIdentPart(src[j]) {
				j++
			}
			i = j
		}
		segments++
		if i+1 < len(src) && src[i] == '.' && (isIdentStart(src[i+1]) || src[i+1] == '`') {
			i++
			continue
		}
		break
	}
	v := src[s.off:i]
	s.advance(i - s.off)
	if optional || quoted || segments > 1 {
		return lexer.Token{Type: tokField, Value: v, Pos: start}, nil
	}
	typ, reserved := keywords[v]
	if s.off < len(src) && src[s.off] == '~' {
		s.advance(1)
		if typ == tokInOp || typ == tokMatchOp {
			return lexer.Token{Type: typ, Value: v + "~", Pos: start}, nil
		}
		return lexer.Token{Type: tokTildeIdent, Value: v + "~", Pos: start}, nil
	}
	if reserved {
		return lexer.Token{Type: typ, Value: v, Pos: start}, nil
	}
	return lexer.Token{Type: tokIdent, Value: v, Pos: start}, nil
}

// str scans "..." (escapes are checked when the value is decoded) or a raw
// """...""" string, which may end in up to two extra quotes that belong to
// the value. Neither may span lines.
func (s *scanner) str(start lexer.Position) (lexer.Token, *lexError) {
	src := s.src
	if strings.HasPrefix(src[s.off:], `"""`) {
		rest := src[s.off+3:]
		end := strings.Index(rest, `"""`)
		if nl := strings.IndexByte(rest, '\n'); end < 0 || (nl >= 0 && nl < end) {
			return lexer.Token{}, &lexError{pos: start, code: codeSyntax, msg: `unterminated raw string: """ has no matching """ on its line`}
		}
		n := 3 + end + 3
		for extra := 0; extra < 2 && s.off+n < len(src) && src[s.off+n] == '"'; extra++ {
			n++
		}
		v := src[s.off : s.off+n]
		s.advance(n)
		return lexer.Token{Type: tokString, Value: v, Pos: start}, nil
	}
	i := s.off + 1
	for i < len(src) {
		switch src[i] {
		case '\\':
			if i+1 < len(src) && (src[i+1] == '\n' || src[i+1] == '\r') {
				i = len(src)
				continue
			}
			i += 2
			continue
		case '"':
			v := src[s.off : i+1]
			s.advance(i + 1 - s.off)
			return lexer.Token{Type: tokString, Value: v, Pos: start}, nil
		case '\n', '\r':
			i = len(src)
			continue
		}
		i++
	}
	return lexer.Token{}, &lexError{pos: start, code: codeSyntax, msg: `unterminated string: '"' has no matching '"' on its line`}
}

// number scans an integer or a float (digits, an optional fraction, an
// optional exponent). Letters right after the digits are left for the next
// token, so that `5m` in `maxspan=5m` is a number and a unit.
func (s *scanner) number(start lexer.Position) (lexer.Token, *lexError) {
	src := s.src
	i := s.off
	for i < len(src) && isDigit(src[i]) {
		i++
	}
	typ := tokInt
	if i < len(src) && src[i] == '.' && !(i+1 < len(src) && (isIdentStart(src[i+1]) || src[i+1] == '`')) {
		typ = tokFloat
		i++
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		j := i + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if j < len(src) && isDigit(src[j]) {
			typ = tokFloat
			for j < len(src) && isDigit(src[j]) {
				j++
			}
			i = j
		}
	}
	v := src[s.off:i]
	s.advance(i - s.off)
	return lexer.Token{Type: typ, Value: v, Pos: start}, nil
}

// lexDef is the lexer as participle sees it: the grammar's token names and a
// way to lex a reader, used by participle's own entry points. Parse lexes
// with lex directly and hands participle the finished token list.
type lexDef struct{}

func (lexDef) Symbols() map[string]lexer.TokenType { return symbols() }

func (d lexDef) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return d.LexString(filename, string(b))
}

func (lexDef) LexString(filename string, src string) (lexer.Lexer, error) {
	if !utf8.ValidString(src) {
		return nil, fmt.Errorf("%s: invalid UTF-8", filename)
	}
	toks, lerr := lex(src)
	if lerr != nil {
		pos := lerr.pos
		pos.Filename = filename
		return nil, &lexer.Error{Msg: lerr.msg, Pos: pos}
	}
	return &tokenList{toks: toks}, nil
}

// tokenList replays lexed tokens to participle.
type tokenList struct {
	toks []lexer.Token
	i    int
}

func (l *tokenList) Next() (lexer.Token, error) {
	t := l.toks[l.i]
	if l.i < len(l.toks)-1 {
		l.i++
	}
	return t, nil
}
