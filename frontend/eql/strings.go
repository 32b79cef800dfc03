package eql

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// unquote decodes a string token: a raw """...""" string is taken as is (its
// extra closing quotes belong to the value); a "..." string has the escapes
// of Elasticsearch EQL: \b \t \n \f \r \" \' \\ and \u{X...} with 2 to 8 hex
// digits. Any other escape is an error at its backslash.
func (p *parseState) unquote(t lexer.Token) (string, bool) {
	raw := t.Value
	if strings.HasPrefix(raw, `"""`) && len(raw) >= 6 {
		return raw[3 : len(raw)-3], true
	}
	body := raw[1 : len(raw)-1]
	if strings.IndexByte(body, '\\') < 0 {
		return body, true
	}
	var b strings.Builder
	b.Grow(len(body))
	for i := 0; i < len(body); {
		c := body[i]
		if c != '\\' {
			b.WriteByte(c)
			i++
			continue
		}
		bad := func(msg string) (string, bool) {
			at := t.Pos
			at.Offset += 1 + i
			at.Column += 1 + utf8.RuneCountInString(body[:i])
			p.errorAt(at, codeBadEscape, "%s", msg)
			return "", false
		}
		if i+1 >= len(body) {
			return bad(`a backslash must start an escape (\b \t \n \f \r \" \' \\ \u{...}); write \\ for a backslash`)
		}
		switch e := body[i+1]; e {
		case 'b':
			b.WriteByte('\b')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'f':
			b.WriteByte('\f')
		case 'r':
			b.WriteByte('\r')
		case '"', '\'', '\\':
			b.WriteByte(e)
		case 'u':
			if i+2 >= len(body) || body[i+2] != '{' {
				return bad(`expected "{" after \u: unicode escapes are written \u{XXXX} (2 to 8 hex digits)`)
			}
			end := strings.IndexByte(body[i+3:], '}')
			if end < 0 {
				return bad(`unterminated unicode escape: expected \u{XXXX} with 2 to 8 hex digits and a closing "}"`)
			}
			hex := body[i+3 : i+3+end]
			n, err := strconv.ParseUint(hex, 16, 32)
			if err != nil || len(hex) < 2 || len(hex) > 8 {
				return bad(`bad unicode escape \u{` + hex + `}: expected 2 to 8 hex digits`)
			}
			r := rune(n)
			if n > utf8.MaxRune || !utf8.ValidRune(r) {
				return bad(`bad unicode escape \u{` + hex + `}: not a Unicode code point`)
			}
			b.WriteRune(r)
			i += 3 + end + 1
			continue
		default:
			r, _ := utf8.DecodeRuneInString(body[i+1:])
			return bad(`unknown escape \` + string(r) + ` in a string: EQL has \b \t \n \f \r \" \' \\ and \u{...}; write \\ for a backslash`)
		}
		i += 2
	}
	return b.String(), true
}
