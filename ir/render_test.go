package ir

import "testing"

func TestRender(t *testing.T) {
	src := []byte("[rule]\nquery = '''\nprocess where process.name == \n'''\n")
	at := func(off, line, col int) Diagnostic {
		return Diagnostic{Span: Span{Start: Pos{File: "rules/x.toml", Offset: off, Line: line, Col: col}}, Severity: Error, Code: "eql/syntax", Msg: `expected a value after "=="`}
	}
	tests := []struct {
		name string
		d    Diagnostic
		src  []byte
		want string
	}{
		{"caret under the column, trailing blanks trimmed", at(49, 3, 31), src,
			"rules/x.toml:3:31: expected a value after \"==\"\n | process where process.name ==\n | ..............................^"},
		{"caret at the start of a line", at(19, 3, 1), src,
			"rules/x.toml:3:1: expected a value after \"==\"\n | process where process.name ==\n | ^"},
		{"offset at end of file", at(len(src), 5, 1), src,
			"rules/x.toml:5:1: expected a value after \"==\"\n | \n | ^"},
		{"no source", at(49, 3, 31), nil, "rules/x.toml:3:31: expected a value after \"==\""},
		{"offset out of range", at(500, 3, 31), src, "rules/x.toml:3:31: expected a value after \"==\""},
		{"no position", Diagnostic{Msg: "boom"}, src, "-: boom"},
		{"tabs kept so the caret aligns", at(3, 1, 4), []byte("\tx y"), "1:4: expected a value after \"==\"\n | \tx y\n | \t..^"},
	}
	tests[6].d.Span.Start.File = ""
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.Render(tt.src); got != tt.want {
				t.Errorf("Render =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
