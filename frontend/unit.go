package frontend

import (
	"bytes"
	"fmt"
	"sort"
	"unicode/utf8"

	"github.com/eqlx/eqlx/ir"
)

// unit is one rule as a loader read it, before its query is parsed.
type unit struct {
	meta  ir.Meta
	query string
	loc   queryLoc
	// skip marks a rule in another language: counted, never parsed.
	skip bool
	// diags holds why the rule could not be read; when it has an error, the
	// rule is a Failure and query is not parsed.
	diags ir.Diagnostics
}

// queryLoc says where a rule's query text lies in its file, so that the
// parser's query-relative positions can be mapped onto the file.
//
// Three cases: the query is a verbatim slice of the file (TOML literal
// strings, raw EQL: the common case), the query was unescaped from a JSON
// string (offsets maps every byte back), or the query was unescaped in a way
// this loader does not track (a TOML basic string with escapes), and only
// the key's position is known.
type queryLoc struct {
	// base is the position of the query's first character (or, when
	// keyOnly, of the key that holds it).
	base ir.Pos
	// offsets, when not nil, maps each byte offset of the decoded query, and
	// len(query), to the byte offset in the file of the text it came from.
	offsets []int
	// lines converts file offsets to positions when offsets is set.
	lines *lineIndex
	// keyOnly: positions cannot be mapped; every position becomes base and
	// diagnostics name the query-relative line:col in their message.
	keyOnly bool
}

// verbatim reports whether the parser can map positions itself (eql.Options.Base).
func (l queryLoc) verbatim() bool { return l.offsets == nil && !l.keyOnly }

// mapPos maps p, measured in the query (File set, line 1 col 1 at offset 0),
// into the file. It is the identity for invalid positions.
func (l queryLoc) mapPos(p ir.Pos) ir.Pos {
	switch {
	case !p.IsValid():
		return p
	case l.keyOnly:
		return l.base
	case l.offsets != nil:
		off := p.Offset
		off = max(0, min(off, len(l.offsets)-1))
		return l.lines.pos(l.offsets[off])
	}
	return p.Within(l.base)
}

// mapDiags maps the positions of ds into the file. When only the key's
// position is known, the message says where in the query the problem is.
func (l queryLoc) mapDiags(ds ir.Diagnostics) {
	for i := range ds {
		d := &ds[i]
		if l.keyOnly && d.Span.Start.IsValid() {
			d.Msg = fmt.Sprintf("%s (at line %d, column %d of the query)", d.Msg, d.Span.Start.Line, d.Span.Start.Col)
		}
		d.Span = ir.Span{Start: l.mapPos(d.Span.Start), End: l.mapPos(d.Span.End)}
	}
}

// lineIndex turns byte offsets of one file into positions (1-based line and
// rune column).
type lineIndex struct {
	file   string
	data   []byte
	starts []int // offset of the first byte of each line
}

func newLineIndex(file string, data []byte) *lineIndex {
	starts := []int{0}
	for i, c := range data {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &lineIndex{file: file, data: data, starts: starts}
}

// pos returns the position of byte offset off (clamped to the file).
func (ix *lineIndex) pos(off int) ir.Pos {
	off = max(0, min(off, len(ix.data)))
	line := sort.Search(len(ix.starts), func(i int) bool { return ix.starts[i] > off }) - 1
	col := utf8.RuneCount(ix.data[ix.starts[line]:off]) + 1
	return ir.Pos{File: ix.file, Offset: off, Line: line + 1, Col: col}
}

// posAt is lineIndex.pos for a single look-up, without building the index.
func posAt(file string, data []byte, off int) ir.Pos {
	off = max(0, min(off, len(data)))
	start := bytes.LastIndexByte(data[:off], '\n') + 1
	return ir.Pos{File: file, Offset: off, Line: bytes.Count(data[:start], []byte{'\n'}) + 1, Col: utf8.RuneCount(data[start:off]) + 1}
}

// pointSpan is an empty span at p, for diagnostics about a place rather than
// a stretch of text.
func pointSpan(p ir.Pos) ir.Span { return ir.Span{Start: p, End: p} }

// failUnit is a unit that records only why a file or rule could not be read.
func failUnit(meta ir.Meta, span ir.Span, code, format string, args ...any) unit {
	var ds ir.Diagnostics
	ds.Errorf(span, code, format, args...)
	return unit{meta: meta, diags: ds}
}
