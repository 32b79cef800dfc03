package native

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// foldRune maps r to the representative of its Unicode simple case-folding
// orbit: the ASCII lower-case letter when the orbit holds an ASCII letter
// ('K', 'k' and the Kelvin sign all give 'k'), else the smallest member.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	best := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < utf8.RuneSelf {
			if 'A' <= f && f <= 'Z' {
				return f + 'a' - 'A'
			}
			return f
		}
		if f < best {
			best = f
		}
	}
	return best
}

// appendFold appends the case-folded form of s to dst.
func appendFold(dst, s []byte) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, c) // keep invalid bytes as they are
		} else {
			dst = utf8.AppendRune(dst, foldRune(r))
		}
		i += n
	}
	return dst
}

func foldString(s string) string { return string(appendFold(nil, []byte(s))) }

// wildcard is one compiled wildcard pattern: the literal segments between
// '*'s. '?' inside a segment matches exactly one character (rune).
type wildcard struct {
	segs      [][]byte // split on '*'
	hasQ      []bool   // segs[i] contains '?'
	anchorEnd bool     // the pattern does not end in '*'
	anyOnly   bool     // the pattern is only '*'s
	// plain: the pattern has a '*' and no '?', so that every segment is
	// compared byte for byte (pre*mids...*suf, each part possibly empty):
	// the common shapes, "-*l*" or "*/*sh", cost a length check, a byte
	// compare or two and an IndexByte, not the general walk.
	plain    bool
	pre, suf []byte
	mids     [][]byte // the non-empty middle segments
	minLen   int
}

func compileWildcard(p string) *wildcard {
	w := &wildcard{}
	parts := strings.Split(p, "*")
	for _, s := range parts {
		w.segs = append(w.segs, []byte(s))
		w.hasQ = append(w.hasQ, strings.IndexByte(s, '?') >= 0)
	}
	w.anchorEnd = !strings.HasSuffix(p, "*")
	w.anyOnly = strings.Trim(p, "*") == "" && strings.Contains(p, "*")
	if len(w.segs) >= 2 && !strings.Contains(p, "?") {
		w.plain = true
		w.pre, w.suf = w.segs[0], w.segs[len(w.segs)-1]
		w.minLen = len(w.pre) + len(w.suf)
		for _, m := range w.segs[1 : len(w.segs)-1] {
			if len(m) > 0 {
				w.mids = append(w.mids, m)
				w.minLen += len(m)
			}
		}
	}
	return w
}

// headIs reports whether s, at least as long as p, starts with p.
func headIs(s, p []byte) bool {
	switch len(p) {
	case 0:
		return true
	case 1:
		return s[0] == p[0]
	}
	return string(s[:len(p)]) == string(p)
}

// tailIs reports whether s, at least as long as p, ends with p.
func tailIs(s, p []byte) bool {
	switch len(p) {
	case 0:
		return true
	case 1:
		return s[len(s)-1] == p[0]
	}
	return string(s[len(s)-len(p):]) == string(p)
}

// matchPlain is match for a plain pattern.
func (w *wildcard) matchPlain(s []byte) bool {
	if len(s) < w.minLen || !headIs(s, w.pre) || !tailIs(s, w.suf) {
		return false
	}
	s = s[len(w.pre) : len(s)-len(w.suf)]
	for _, m := range w.mids {
		var i int
		if len(m) == 1 {
			i = bytes.IndexByte(s, m[0])
		} else {
			i = bytes.Index(s, m)
		}
		if i < 0 {
			return false
		}
		s = s[i+len(m):]
	}
	return true
}

// segAt reports whether seg matches s at its start, returning the bytes used.
func segAt(s, seg []byte, hasQ bool) (int, bool) {
	if !hasQ {
		if bytes.HasPrefix(s, seg) {
			return len(seg), true
		}
		return 0, false
	}
	j := 0
	for _, c := range seg {
		if j >= len(s) {
			return 0, false
		}
		if c == '?' {
			_, n := utf8.DecodeRune(s[j:])
			j += n
			continue
		}
		if s[j] != c {
			return 0, false
		}
		j++
	}
	return j, true
}

// segFind finds the leftmost match of seg in s (at a rune boundary when seg
// holds '?'), returning its start and length.
func segFind(s, seg []byte, hasQ bool) (int, int) {
	if !hasQ {
		i := bytes.Index(s, seg)
		return i, len(seg)
	}
	for i := 0; i <= len(s); {
		if n, ok := segAt(s[i:], seg, true); ok {
			return i, n
		}
		if i == len(s) {
			break
		}
		_, n := utf8.DecodeRune(s[i:])
		i += n
	}
	return -1, 0
}

// suffixAt reports whether seg matches the end of s, and where that match
// starts.
func suffixAt(s, seg []byte, hasQ bool) (int, bool) {
	if !hasQ {
		if bytes.HasSuffix(s, seg) {
			return len(s) - len(seg), true
		}
		return 0, false
	}
	// Walk back: literal bytes compare, each '?' takes one rune.
	j := len(s)
	for k := len(seg) - 1; k >= 0; k-- {
		c := seg[k]
		if j <= 0 {
			return 0, false
		}
		if c == '?' {
			_, n := utf8.DecodeLastRune(s[:j])
			j -= n
			continue
		}
		if s[j-1] != c {
			return 0, false
		}
		j--
	}
	return j, true
}

// match runs in time linear in len(s) times the segment lengths. The
// anchored ends are checked first (cheap, and they reject most values),
// then each middle segment is placed at its leftmost match between them,
// which is optimal when segments are separated by '*' (a later placement
// never helps).
func (w *wildcard) match(s []byte) bool {
	if w.plain {
		return w.matchPlain(s)
	}
	if w.anyOnly {
		return true
	}
	segs := w.segs
	if len(segs) == 1 {
		n, ok := segAt(s, segs[0], w.hasQ[0])
		return ok && n == len(s)
	}
	n, ok := segAt(s, segs[0], w.hasQ[0])
	if !ok {
		return false
	}
	s = s[n:]
	last := len(segs) - 1
	if len(segs[last]) > 0 {
		at, ok := suffixAt(s, segs[last], w.hasQ[last])
		if !ok {
			return false
		}
		s = s[:at]
	}
	for i := 1; i < last; i++ {
		if len(segs[i]) == 0 {
			continue
		}
		at, l := segFind(s, segs[i], w.hasQ[i])
		if at < 0 {
			return false
		}
		s = s[at+l:]
	}
	return true
}

// patternSet is a list of wildcard patterns planned for speed: patterns
// without wildcards go into a set, pure prefixes ("abc*") and suffixes
// ("*abc") into sorted tables, the rest are matched one by one.
type patternSet struct {
	any      bool // a pattern that is only '*'
	exact    map[string]struct{}
	exactTab strTable // exact, for match
	prefixes []string // sorted
	suffixes []string // reversed strings, sorted
	general  []*wildcard
}

func newPatternSet(patterns []string) *patternSet {
	ps := &patternSet{exact: map[string]struct{}{}}
	for _, p := range patterns {
		star := strings.Count(p, "*")
		q := strings.IndexByte(p, '?') >= 0
		switch {
		case star > 0 && strings.Trim(p, "*") == "":
			ps.any = true
		case star == 0 && !q:
			ps.exact[p] = struct{}{}
		case star == 1 && !q && strings.HasSuffix(p, "*"):
			ps.prefixes = append(ps.prefixes, p[:len(p)-1])
		case star == 1 && !q && strings.HasPrefix(p, "*"):
			ps.suffixes = append(ps.suffixes, reverse(p[1:]))
		default:
			ps.general = append(ps.general, compileWildcard(p))
		}
	}
	sort.Strings(ps.prefixes)
	sort.Strings(ps.suffixes)
	ps.prefixes = pruneCovered(ps.prefixes)
	ps.suffixes = pruneCovered(ps.suffixes)
	if len(ps.exact) > 0 {
		ps.exactTab = setTable(ps.exact)
	}
	return ps
}

func reverse(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

// pruneCovered drops entries that have an earlier entry as prefix: "ab"
// covers "abc" as a prefix pattern.
func pruneCovered(sorted []string) []string {
	var out []string
	for _, p := range sorted {
		if len(out) > 0 && strings.HasPrefix(p, out[len(out)-1]) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// hasPrefixIn reports whether some entry of sorted (pruned) is a prefix of s.
func hasPrefixIn(sorted []string, s []byte) bool {
	// The only candidate is the greatest entry <= s.
	i := sort.Search(len(sorted), func(i int) bool { return sorted[i] > string(s) })
	return i > 0 && bytes.HasPrefix(s, []byte(sorted[i-1]))
}

func hasSuffixIn(rev []string, s []byte) bool {
	for _, r := range rev {
		if len(r) <= len(s) {
			ok := true
			for k := 0; k < len(r); k++ {
				if s[len(s)-1-k] != r[k] {
					ok = false
					break
				}
			}
			if ok {
				return true
			}
		}
	}
	return false
}

// exactOnly reports whether every pattern is a literal string (ps.exact).
func (ps *patternSet) exactOnly() bool {
	return !ps.any && len(ps.prefixes) == 0 && len(ps.suffixes) == 0 && len(ps.general) == 0
}

func (ps *patternSet) match(s []byte) bool {
	if ps.any {
		return true
	}
	if ps.exactTab.mayHold(s) && ps.exactTab.lookup(s) >= 0 {
		return true
	}
	if len(ps.prefixes) > 0 && hasPrefixIn(ps.prefixes, s) {
		return true
	}
	if len(ps.suffixes) > 0 && hasSuffixIn(ps.suffixes, s) {
		return true
	}
	for _, w := range ps.general {
		if w.match(s) {
			return true
		}
	}
	return false
}

// luceneError is a regex construct that Go's RE2 cannot express with
// Lucene's meaning, at a byte offset of the pattern.
type luceneError struct {
	off int
	msg string
}

func (e *luceneError) Error() string { return fmt.Sprintf("offset %d: %s", e.off, e.msg) }

// translateLucene turns a Lucene regular expression (Elasticsearch's regexp
// query syntax) into an RE2 pattern that matches the same whole values:
// anchored ^(?:...)$, '.' matching newlines too, '^' and '$' literal (Lucene
// has no anchors), '"..."' a literal string, '\c' a literal c except the
// classes \d \D \s \S \w \W. The operators of Lucene's optional syntax
// (@ & ~ < > # and intervals <1-5>) have no RE2 equivalent and are rejected.
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
	return b.String(), nil
}

// translateClass copies the bracket expression at p[i] ('[') and returns the
// index after its ']'.
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
