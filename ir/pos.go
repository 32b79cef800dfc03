package ir

import "fmt"

// Pos is a point in a rule file. Line and Col are 1-based; Col counts runes.
// The zero Pos means "no position" (a node built by a pass, not read from a file).
type Pos struct {
	File   string `json:"file,omitempty"` // as the user named it: "rules/nc_listener.toml"
	Offset int    `json:"offset"`         // byte offset into File, 0-based
	Line   int    `json:"line"`
	Col    int    `json:"col"`
}

// IsValid reports whether p was read from a source (line numbers start at 1).
func (p Pos) IsValid() bool { return p.Line > 0 }

// String renders p as "file:line:col", the form editors and CI annotations jump to.
func (p Pos) String() string {
	switch {
	case !p.IsValid() && p.File == "":
		return "-"
	case !p.IsValid():
		return p.File
	case p.File == "":
		return fmt.Sprintf("%d:%d", p.Line, p.Col)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Within maps p, measured from the start of an embedded query (line 1, col 1,
// offset 0), into the file that embeds it, where base is the position of the
// query's first character. A TOML rule's query starts several lines down its
// file; errors must point at the file, not at the query.
func (p Pos) Within(base Pos) Pos {
	if !p.IsValid() {
		return p
	}
	q := Pos{File: base.File, Offset: base.Offset + p.Offset, Line: base.Line + p.Line - 1, Col: p.Col}
	if p.Line == 1 {
		q.Col = base.Col + p.Col - 1
	}
	return q
}

// Span is a range of a rule file: Start is the first character, End is just
// past the last one (exclusive).
type Span struct {
	Start Pos `json:"start"`
	End   Pos `json:"end"`
}

// Within maps both ends of s into the embedding file; see Pos.Within.
func (s Span) Within(base Pos) Span {
	return Span{Start: s.Start.Within(base), End: s.End.Within(base)}
}

// String renders the start of s.
func (s Span) String() string { return s.Start.String() }
