package ir

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// Render returns the human form of d (Error) followed, when src holds the
// text that d.Span points into, by the offending source line and a caret
// under the start of the span, in cel-go's style:
//
//	rules/x.toml:3:31: expected a value after "=="
//	 | process where process.name ==
//	 | ..............................^
//
// The caret line is drawn with dots (tabs are kept as tabs, so the caret
// stays aligned) so that tools which trim leading spaces keep it in place.
// src is the whole file that Span.Start.Offset indexes. When src is nil,
// the span has no position, or the offset is outside src, Render returns
// only the first line.
func (d Diagnostic) Render(src []byte) string {
	head := d.Error()
	off := d.Span.Start.Offset
	if src == nil || !d.Span.Start.IsValid() || off < 0 || off > len(src) {
		return head
	}
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	end := len(src)
	if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
		end = off + i
	}
	line := strings.TrimRight(string(src[start:end]), " \t\r")
	var caret strings.Builder
	for _, r := range string(src[start:off]) {
		if r == '\t' {
			caret.WriteByte('\t')
		} else {
			caret.WriteByte('.')
		}
	}
	if !utf8.Valid(src[start:end]) {
		line = strings.ToValidUTF8(line, "\uFFFD")
	}
	return head + "\n | " + line + "\n | " + caret.String() + "^"
}
