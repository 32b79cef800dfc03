package sigma

import (
	"strings"
)

// tok is one element of a Sigma string: a literal rune or a wildcard.
type tok struct {
	r    rune
	wild bool // r is '*' or '?' as a wildcard
}

// pattern is a Sigma string before escaping: literals and wildcards, the
// form in which field mappings add `*/` or `*...*` around a value.
type pattern []tok

// literalPattern is an EQL constant: every character is literal.
func literalPattern(s string) pattern {
	p := make(pattern, 0, len(s))
	for _, r := range s {
		p = append(p, tok{r: r})
	}
	return p
}

// wildcardPattern is an EQL wildcard pattern: `*` and `?` are wildcards and
// there is no escape (a backslash is literal).
func wildcardPattern(s string) pattern {
	p := make(pattern, 0, len(s))
	for _, r := range s {
		p = append(p, tok{r: r, wild: r == '*' || r == '?'})
	}
	return p
}

func (p pattern) runes() []rune {
	rs := make([]rune, len(p))
	for i, t := range p {
		rs[i] = t.r
	}
	return rs
}

func (p pattern) isStar(i int) bool { return i >= 0 && i < len(p) && p[i].wild && p[i].r == '*' }

// collapse merges runs of `*` (a run means the same as one, and SigmaHQ
// flags `**`).
func (p pattern) collapse() pattern {
	out := make(pattern, 0, len(p))
	for i, t := range p {
		if p.isStar(i) && len(out) > 0 && out[len(out)-1].wild && out[len(out)-1].r == '*' {
			continue
		}
		out = append(out, t)
	}
	return out
}

// hasLetters reports whether case can matter for p (a literal with a cased
// letter), so `|cased` is needed only then.
func (p pattern) hasLetters() bool {
	for _, t := range p {
		if !t.wild && strings.ToLower(string(t.r)) != strings.ToUpper(string(t.r)) {
			return true
		}
	}
	return false
}

// shape splits p into the modifier SigmaHQ prefers and the value left once
// the modifier's wildcards are taken off: `*x*` contains x, `*x` endswith x,
// `x*` startswith x; a lone `*` and everything else stay plain.
func (p pattern) shape() (mod string, core pattern) {
	p = p.collapse()
	n := len(p)
	switch {
	case n >= 3 && p.isStar(0) && p.isStar(n-1):
		return "contains", p[1 : n-1]
	case n >= 2 && p.isStar(0):
		return "endswith", p[1:]
	case n >= 2 && p.isStar(n-1):
		return "startswith", p[:n-1]
	}
	return "", p
}

// sigma renders p as a Sigma string value (rules specification, "Escape
// Character"): wildcards as they are, and every literal `\`, `*` and `?`
// escaped with a backslash, so the value reads back unambiguously.
func (p pattern) sigma() string {
	var b strings.Builder
	for _, t := range p {
		if !t.wild && (t.r == '\\' || t.r == '*' || t.r == '?') {
			b.WriteByte('\\')
		}
		b.WriteRune(t.r)
	}
	return b.String()
}

// hasEscapedWildcard reports whether the rendered value holds `\*` or `\?`
// (SigmaHQ's escaped_wildcard issue).
func (p pattern) hasEscapedWildcard() bool {
	for _, t := range p {
		if !t.wild && (t.r == '*' || t.r == '?') {
			return true
		}
	}
	return false
}

// regexResult is a Lucene regular expression translated for Sigma `|re`.
type regexResult struct {
	body     string // the translated pattern, not yet anchored
	dot      bool   // it uses `.` outside a class (needs the s flag)
	alt      bool   // it has a top-level `|`
	operator string // a Lucene-only operator found (@ & ~ < > # "), or ""
}

// translateLucene rewrites a Lucene RegExp for a PCRE-style engine:
// `^` and `$`, literal in Lucene, are escaped; a quoted string "..." becomes
// its escaped contents; `\x` escapes and character classes are kept.
// Lucene's optional operators (@ & ~ <n-m> #) have no PCRE meaning: they
// are kept as escaped literals and named in operator, so the caller reports
// the rule as approximate.
func translateLucene(src string) regexResult {
	var res regexResult
	var b strings.Builder
	rs := []rune(src)
	depth := 0
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\\' && i+1 < len(rs):
			b.WriteRune(r)
			b.WriteRune(rs[i+1])
			i++
		case r == '[':
			// copy a class up to its closing bracket (a `]` first is literal)
			j := i + 1
			if j < len(rs) && rs[j] == '^' {
				j++
			}
			if j < len(rs) && rs[j] == ']' {
				j++
			}
			for j < len(rs) && rs[j] != ']' {
				if rs[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(rs) {
				j = len(rs) - 1
			}
			b.WriteString(string(rs[i : j+1]))
			i = j
		case r == '"':
			j := i + 1
			for j < len(rs) && rs[j] != '"' {
				j++
			}
			b.WriteString(quoteMeta(string(rs[i+1 : min(j, len(rs))])))
			i = j
		case r == '(':
			depth++
			b.WriteRune(r)
		case r == ')':
			depth--
			b.WriteRune(r)
		case r == '|':
			if depth == 0 {
				res.alt = true
			}
			b.WriteRune(r)
		case r == '.':
			res.dot = true
			b.WriteRune(r)
		case r == '^' || r == '$':
			b.WriteByte('\\')
			b.WriteRune(r)
		case strings.ContainsRune("@&~<>#", r):
			if res.operator == "" {
				res.operator = string(r)
			}
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	res.body = b.String()
	return res
}

// quoteMeta escapes the PCRE metacharacters of a literal.
func quoteMeta(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\.+*?()|[]{}^$`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// anchor wraps a translated regex so that Sigma's substring `re` matches the
// whole value, as EQL's regex does.
func anchor(r regexResult) string {
	if r.alt {
		return "^(" + r.body + ")$"
	}
	return "^" + r.body + "$"
}
