package main

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/eqlx/eqlx/ir"
)

// window is how many characters of a long source line are shown on each
// side of the caret.
const window = 80

// render shows a diagnostic as ir.Diagnostic.Render does ("file:line:col:
// message", the source line, a caret under the column), with "warning: "
// before a warning's message. A line longer than 2*window characters (a
// minified query, a 10 MB test input) is cut to a window around the column,
// marked with "...", so one diagnostic never floods the terminal.
func render(d ir.Diagnostic, src []byte) string {
	if d.Severity == ir.Warning {
		d.Msg = "warning: " + d.Msg // keeps "file:line:col:" first, where editors look
	}
	line, ok := sourceLine(src, d.Span.Start)
	if !ok {
		return d.Error()
	}
	runes := []rune(line)
	if len(runes) <= 2*window {
		return d.Render(src)
	}
	col := d.Span.Start.Col - 1 // runes before the caret
	from, to := max(0, col-window), min(len(runes), col+window)
	prefix, suffix := "", ""
	if from > 0 {
		prefix = "..."
	}
	if to < len(runes) {
		suffix = "..."
	}
	shown := prefix + string(runes[from:to]) + suffix
	return d.Error() + "\n | " + shown + "\n | " + strings.Repeat(".", col-from+len(prefix)) + "^"
}

// sourceLine returns line p.Line of src with tabs shown as one space (so the
// caret lines up) and control characters as '?'. ok is false when there is no
// such line, the column is past its end, or it is not UTF-8.
func sourceLine(src []byte, p ir.Pos) (string, bool) {
	if !p.IsValid() || p.Col < 1 {
		return "", false
	}
	start := 0
	for n := 1; n < p.Line; n++ {
		i := bytes.IndexByte(src[start:], '\n')
		if i < 0 {
			return "", false
		}
		start += i + 1
	}
	end := bytes.IndexByte(src[start:], '\n')
	if end < 0 {
		end = len(src) - start
	}
	raw := bytes.TrimRight(src[start:start+end], "\r")
	if !utf8.Valid(raw) || utf8.RuneCount(raw)+1 < p.Col {
		return "", false
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return ' '
		case r < 0x20 || r == 0x7f:
			return '?'
		}
		return r
	}, string(raw)), true
}

// count is "1 rule", "2 rules": the summary lines' numbers with their noun.
func count[N ~int | ~int64](n N, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.FormatInt(int64(n), 10) + " " + noun + "s"
}
