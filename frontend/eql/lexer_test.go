package eql

import (
	"fmt"
	"strings"
	"testing"

	"github.com/alecthomas/participle/v2/lexer"
)

// tokenNames renders token types for test failures.
var tokenNames = func() map[lexer.TokenType]string {
	m := map[lexer.TokenType]string{}
	for name, t := range symbols() {
		m[t] = name
	}
	return m
}()

func renderTokens(toks []lexer.Token) string {
	parts := make([]string, 0, len(toks))
	for _, t := range toks {
		if t.Type == lexer.EOF {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s(%s)", tokenNames[t.Type], t.Value))
	}
	return strings.Join(parts, " ")
}

func TestLexTokenTypes(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"a plain name is an identifier", "process", "Ident(process)"},
		{"@timestamp needs no backquotes", "@timestamp", "Ident(@timestamp)"},
		{"names may hold digits and underscores", "a_1", "Ident(a_1)"},
		{"a dotted name is one field token", "process.parent.name", "Field(process.parent.name)"},
		{"a backquoted segment inside a dotted name", "a.`0`.b", "Field(a.`0`.b)"},
		{"a backquoted last segment with a slash", "k.`authorization_k8s_io/decision`", "Field(k.`authorization_k8s_io/decision`)"},
		{"a doubled backquote stays in the token", "`a``b`", "Field(`a``b`)"},
		{"an optional field", "?process.name", "Field(?process.name)"},
		{"an optional plain name is a field", "?x", "Field(?x)"},
		{"keywords are reserved", "and or not where sequence sample by with until join of", "Keyword(and) Keyword(or) Keyword(not) Keyword(where) Keyword(sequence) Keyword(sample) Keyword(by) Keyword(with) Keyword(until) Keyword(join) Keyword(of)"},
		{"constants are reserved", "true false null", "Const(true) Const(false) Const(null)"},
		{"word operators", "in like regex", "InOp(in) MatchOp(like) MatchOp(regex)"},
		{"contextual words are names", "any maxspan runs head", "Ident(any) Ident(maxspan) Ident(runs) Ident(head)"},
		{"keywords are lower case only", "AND Where", "Ident(AND) Ident(Where)"},
		{"a keyword inside a dotted name is part of the field", "event.sequence", "Field(event.sequence)"},
		{"a name containing a keyword is a name", "android", "Ident(android)"},
		{"tilde operators are one token", "in~ like~ regex~", "InOp(in~) MatchOp(like~) MatchOp(regex~)"},
		{"a function name with a tilde", "startsWith~(", "TildeIdent(startsWith~) Punct(()"},
		{"a string keeps its quotes and escapes", `"a\"b"`, `String("a\"b")`},
		{"a raw string", `"""a"b"""`, `String("""a"b""")`},
		{"a raw string may end in two extra quotes", `"""a"""""`, `String("""a""""")`},
		{"an empty string", `""`, `String("")`},
		{"integers", "0 42", "Int(0) Int(42)"},
		{"floats", "1.5 .5 1e3 2.5E-3 1.", "Float(1.5) Float(.5) Float(1e3) Float(2.5E-3) Float(1.)"},
		{"a duration is a number and a unit", "5m 10ms", "Int(5) Ident(m) Int(10) Ident(ms)"},
		{"comparison operators", "== != <= >= < > =", "CmpOp(==) CmpOp(!=) CmpOp(<=) CmpOp(>=) CmpOp(<) CmpOp(>) CmpOp(=)"},
		{"a comparison needs no blanks", "a<=1", "Ident(a) CmpOp(<=) Int(1)"},
		{"colon is a match operator", "a:\"b\"", `Ident(a) MatchOp(:) String("b")`},
		{"punctuation", "( ) [ ![ ] , | + - * / %", "Punct(() Punct()) Punct([) Punct(![) Punct(]) Punct(,) Punct(|) Punct(+) Punct(-) Punct(*) Punct(/) Punct(%)"},
		{"line comments are skipped", "a // comment\nb", "Ident(a) Ident(b)"},
		{"block comments nest", "a /* x /* y */ z */ b", "Ident(a) Ident(b)"},
		{"a comment needs no blank", "a/**/b", "Ident(a) Ident(b)"},
		{"division is not a comment", "a / b", "Ident(a) Punct(/) Ident(b)"},
		{"non-ASCII text in a string", `"[ʰ-˿]"`, `String("[ʰ-˿]")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			toks, err := lex(tt.src)
			if err != nil {
				t.Fatalf("lex(%q): %v", tt.src, err)
			}
			if got := renderTokens(toks); got != tt.want {
				t.Errorf("lex(%q)\n got %s\nwant %s", tt.src, got, tt.want)
			}
		})
	}
}

func TestLexPositions(t *testing.T) {
	toks, err := lex("a\n  /* x\n y */ \"é\" c")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tk := range toks {
		got = append(got, fmt.Sprintf("%s@%d:%d+%d", tk.Value, tk.Pos.Line, tk.Pos.Column, tk.Pos.Offset))
	}
	// Columns count runes: "é" with its quotes is 3 columns and 4 bytes.
	want := `a@1:1+0 "é"@3:7+15 c@3:11+20 @3:12+21`
	if s := strings.Join(got, " "); s != want {
		t.Errorf("got  %s\nwant %s", s, want)
	}
}

func TestLexErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"unterminated string", `a == "abc`, `1:6: unterminated string: '"' has no matching '"' on its line`},
		{"a string cannot span lines", "a == \"ab\ncd\"", `1:6: unterminated string: '"' has no matching '"' on its line`},
		{"unterminated raw string", `a == """abc""`, `1:6: unterminated raw string: """ has no matching """ on its line`},
		{"unterminated comment", "a /* b", `1:3: unterminated comment: "/*" has no matching "*/"`},
		{"unterminated nested comment", "a /* /* b */", `1:3: unterminated comment: "/*" has no matching "*/"`},
		{"unterminated backquote", "a.`b", "1:3: unterminated backquoted name: \"`\" has no matching \"`\" on its line"},
		{"single quotes are python", "'a'", "1:1: single-quoted strings are python eql syntax; use double quotes"},
		{"?\"\" raw strings are python", `?"a"`, `1:1: raw strings ?"..." are python eql syntax; use """...""" or double quotes`},
		{"a lone question mark", "? a", `1:1: expected a field name after "?"`},
		{"an unknown character", "a $ b", `1:3: unexpected character '$'`},
		{"a control character", "a \x00", `1:3: unexpected character '\x00' (U+0000)`},
		{"a lone bang", "a ! b", `1:3: unexpected character '!'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := lex(tt.src)
			if err == nil {
				t.Fatalf("lex(%q) succeeded", tt.src)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("lex(%q)\n got %s\nwant %s", tt.src, got, tt.want)
			}
		})
	}
}
