package gogen

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// luceneError is a regex construct that RE2 cannot express with Lucene's
// meaning, at a byte offset of the pattern.
type luceneError struct {
	off int
	msg string
}

func (e *luceneError) Error() string { return fmt.Sprintf("offset %d: %s", e.off, e.msg) }

// translateLucene turns a Lucene regular expression (Elasticsearch's regexp
// query) into an RE2 pattern matching the same whole values, as the native
// evaluator does: anchored ^(?:...)$; '.' matches newlines too; '^' and '$'
// are literal (Lucene has no anchors); "..." is a literal string; \c is a
// literal c except the classes \d \D \s \S \w \W. Lucene's optional
// operators (@ & ~ < > #, intervals) have no RE2 equivalent: an error. The
// result is checked by compiling it.
func translateLucene(p string, ci bool) (string, error) {
	var b strings.Builder
	b.WriteString("(?s")
	if ci {
		b.WriteString("i")
	}
	b.WriteString(")^(?:")
	for i := 0; i < len(p); {
		c := p[i]
		switch c {
		case '\\':
			if i+1 >= len(p) {
				return "", &luceneError{i, "the pattern ends with a lone backslash"}
			}
			r, n := utf8.DecodeRuneInString(p[i+1:])
			if strings.ContainsRune("dDsSwW", r) {
				b.WriteByte('\\')
				b.WriteRune(r)
			} else {
				b.WriteString(regexp.QuoteMeta(string(r)))
			}
			i += 1 + n
		case '"':
			j := strings.IndexByte(p[i+1:], '"')
			if j < 0 {
				return "", &luceneError{i, `unterminated "..." literal`}
			}
			b.WriteString(regexp.QuoteMeta(p[i+1 : i+1+j]))
			i += j + 2
		case '^', '$':
			b.WriteByte('\\')
			b.WriteByte(c)
			i++
		case '@', '&', '~', '<', '>', '#':
			return "", &luceneError{i, fmt.Sprintf("Lucene operator %q has no RE2 equivalent; escape it (\\%c) to match it literally", c, c)}
		case '(':
			if i+1 < len(p) && p[i+1] == '?' {
				return "", &luceneError{i, `"(?" opens an empty group in Lucene, not a flag group; escape the '?'`}
			}
			b.WriteByte(c)
			i++
		case '[':
			j, err := translateClass(&b, p, i)
			if err != nil {
				return "", err
			}
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	b.WriteString(")$")
	out := b.String()
	if _, err := regexp.Compile(out); err != nil {
		return "", err
	}
	return out, nil
}

// translateClass copies the bracket expression at p[i] ('[') and returns
// the index after its ']'.
func translateClass(b *strings.Builder, p string, i int) (int, error) {
	start := i
	b.WriteByte('[')
	i++
	if i < len(p) && p[i] == '^' {
		b.WriteByte('^')
		i++
	}
	first := true
	for i < len(p) {
		c := p[i]
		switch {
		case c == ']' && !first:
			b.WriteByte(']')
			return i + 1, nil
		case c == '\\':
			if i+1 >= len(p) {
				return 0, &luceneError{i, "the pattern ends with a lone backslash"}
			}
			r, n := utf8.DecodeRuneInString(p[i+1:])
			if strings.ContainsRune("dDsSwW", r) {
				b.WriteByte('\\')
				b.WriteRune(r)
			} else {
				writeClassLit(b, r)
			}
			i += 1 + n
		case c == '-':
			b.WriteByte('-')
			i++
		default:
			r, n := utf8.DecodeRuneInString(p[i:])
			writeClassLit(b, r)
			i += n
		}
		first = false
	}
	return 0, &luceneError{start, "unterminated character class"}
}

func writeClassLit(b *strings.Builder, r rune) {
	if r < utf8.RuneSelf && !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
		b.WriteByte('\\')
	}
	b.WriteRune(r)
}
