package falco

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Strings are always written double-quoted (notes §4.4): `\` becomes `\\`
// and `"` becomes `\"` in both dialects. What else a literal may hold
// differs:
//
//   - Current Falco also reads \t \n \r \b \f, but no other escape (\xHH is
//     unreleased), and a literal whose last character is an escaped
//     backslash does not end ("a\\" is a parse error);
//   - sysdig 0.29.3 ends a quoted string at the first unescaped ' as well as
//     at ", and keeps \n, \t, ... as two characters.
//
// A value that a dialect cannot write as a literal is matched by a glob
// instead, where a backslash is the class [\\] and any other awkward byte
// the one-byte wildcard ? (approximate).

// quote writes s as a double-quoted literal. The caller has checked
// literalOK(s, v).
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// byteOK says whether a byte may appear in a literal of dialect v (with the
// escapes quote writes).
func byteOK(c byte, v Version) bool {
	switch {
	case c == '\t' || c == '\n' || c == '\r' || c == '\b' || c == '\f':
		return v == Current
	case c < 0x20 || c == 0x7f:
		return false
	case c == '\'':
		return v == Current
	}
	return true
}

// literalOK says whether s can be written as a literal in dialect v.
func literalOK(s string, v Version) bool {
	if s == "" || strings.HasSuffix(s, `\`) || !utf8.ValidString(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !byteOK(s[i], v) {
			return false
		}
	}
	return true
}

// tok is one element of a pattern: a literal run, '*' or '?'.
type tok struct {
	star, one bool
	lit       string
}

// pattern is a string pattern with literal runs, so that a literal '*'
// (from an exact value) and a wildcard '*' never mix.
type pattern []tok

func litPat(s string) pattern { return pattern{{lit: s}} }

// wildPat reads an EQL wildcard pattern: '*' and '?' are wildcards, there
// is no escape.
func wildPat(p string) pattern {
	var out pattern
	start := 0
	flush := func(i int) {
		if i > start {
			out = append(out, tok{lit: p[start:i]})
		}
	}
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '*':
			flush(i)
			if len(out) == 0 || !out[len(out)-1].star {
				out = append(out, tok{star: true})
			}
			start = i + 1
		case '?':
			flush(i)
			out = append(out, tok{one: true})
			start = i + 1
		}
	}
	flush(len(p))
	return out
}

// concat joins patterns, merging adjacent literals and stars.
func concat(ps ...pattern) pattern {
	var out pattern
	for _, p := range ps {
		for _, t := range p {
			n := len(out)
			switch {
			case t.lit == "" && !t.star && !t.one:
			case t.star && n > 0 && out[n-1].star:
			case !t.star && !t.one && n > 0 && !out[n-1].star && !out[n-1].one:
				out[n-1].lit += t.lit
			default:
				out = append(out, t)
			}
		}
	}
	return out
}

func (p pattern) startsStar() bool { return len(p) > 0 && p[0].star }
func (p pattern) endsStar() bool   { return len(p) > 0 && p[len(p)-1].star }

// oneDiffers says whether a '?' of p can match differently in Falco (one
// byte) and in EQL (one character): not when it stands next to a '*',
// which takes the rest of a character's bytes either way.
func (p pattern) oneDiffers() bool {
	for i, t := range p {
		if t.one && !(i > 0 && p[i-1].star) && !(i+1 < len(p) && p[i+1].star) {
			return true
		}
	}
	return false
}

// shape classifies p: "eq" (one literal), "prefix" (lit*), "suffix" (*lit),
// "infix" (*lit*), "any" (*), "empty" or "glob"; lit is the literal part.
func (p pattern) shape() (string, string) {
	switch {
	case len(p) == 0:
		return "empty", ""
	case len(p) == 1 && p[0].star:
		return "any", ""
	case len(p) == 1 && !p[0].one:
		return "eq", p[0].lit
	case len(p) == 2 && !p[0].star && !p[0].one && p[1].star:
		return "prefix", p[0].lit
	case len(p) == 2 && p[0].star && !p[1].star && !p[1].one:
		return "suffix", p[1].lit
	case len(p) == 3 && p[0].star && p[2].star && !p[1].star && !p[1].one:
		return "infix", p[1].lit
	}
	return "glob", ""
}

// literal returns the literal text a pattern stands for, if it has no
// wildcard.
func (p pattern) literal() (string, bool) {
	switch len(p) {
	case 0:
		return "", true
	case 1:
		if !p[0].star && !p[0].one {
			return p[0].lit, true
		}
	}
	return "", false
}

// globText renders p as an fnmatch pattern for dialect v. Metacharacters
// of literal runs become classes ([*] [?] [[] and [\\] for a backslash);
// with fold, ASCII letters become [aA] classes. Bytes the dialect cannot
// write become '?', and lossy reports it; foldLoss reports non-ASCII
// letters that have other case forms (fnmatch folds ASCII only).
func globText(p pattern, v Version, fold bool) (text string, lossy, foldLoss bool) {
	var b strings.Builder
	for _, t := range p {
		switch {
		case t.star:
			b.WriteByte('*')
		case t.one:
			b.WriteByte('?')
		default:
			for _, r := range t.lit {
				switch {
				case r == '*':
					b.WriteString("[*]")
				case r == '?':
					b.WriteString("[?]")
				case r == '[':
					b.WriteString("[[]")
				case r == '\\':
					// fnmatch reads [\\] as a class holding a backslash;
					// quote doubles both: [\\\\] in the condition.
					b.WriteString(`[\\]`)
				case r == utf8.RuneError:
					b.WriteByte('?')
					lossy = true
				case r < utf8.RuneSelf && !byteOK(byte(r), v):
					b.WriteByte('?')
					lossy = true
				case fold && r < utf8.RuneSelf && unicode.IsLetter(r):
					b.WriteByte('[')
					b.WriteRune(unicode.ToLower(r))
					b.WriteRune(unicode.ToUpper(r))
					b.WriteByte(']')
				default:
					if fold && unicode.SimpleFold(r) != r {
						foldLoss = true
					}
					b.WriteRune(r)
				}
			}
		}
	}
	return b.String(), lossy, foldLoss
}
