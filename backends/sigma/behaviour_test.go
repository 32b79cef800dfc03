package sigma

import (
	"testing"

	"github.com/eqlx/eqlx/backends/sigma/sigmatest"
	"github.com/eqlx/eqlx/ir"
)

// TestEmittedRulesMatchWhatEQLMatches runs the emitted YAML (ECS mode, so
// events need no adapter) through the specification evaluator and compares
// with the EQL semantics of ir/doc.go, worked out by hand per event.
func TestEmittedRulesMatchWhatEQLMatches(t *testing.T) {
	type ev = sigmatest.Event
	tests := []struct {
		name   string
		cond   ir.Expr
		events []ev
		want   []bool
	}{
		{"== is case-sensitive", in("process.name", "nc"),
			[]ev{{"process.name": "nc"}, {"process.name": "NC"}, {}}, []bool{true, false, false}},
		{": is case-insensitive", inCI("process.name", "nc"),
			[]ev{{"process.name": "NC"}, {"process.name": "ncat"}}, []bool{true, false}},
		{"array: any element", in("process.args", "-l"),
			[]ev{{"process.args": []any{"nc", "-l"}}, {"process.args": []any{"nc"}}}, []bool{true, false}},
		{"!= is true on a missing field, false when any element equals", not(in("process.args", "-l")),
			[]ev{{}, {"process.args": []any{"nc", "-l"}}, {"process.args": []any{"nc"}}}, []bool{true, false, true}},
		{"literal star is not a wildcard", in("process.command_line", "a*"),
			[]ev{{"process.command_line": "a*"}, {"process.command_line": "ab"}}, []bool{true, false}},
		{"wildcard ? is one character", like("process.command_line", false, "a?c"),
			[]ev{{"process.command_line": "abc"}, {"process.command_line": "ac"}, {"process.command_line": "aBc"}}, []bool{true, false, true}},
		{"backslash before a wildcard stays literal", like("process.command_line", true, `C:\*`),
			[]ev{{"process.command_line": `C:\x`}, {"process.command_line": `C:x`}}, []bool{true, false}},
		{"regex matches the whole value", regex("process.command_line", false, "ab"),
			[]ev{{"process.command_line": "ab"}, {"process.command_line": "xaby"}}, []bool{true, false}},
		{"regex dot matches a newline", regex("process.command_line", false, "a.b"),
			[]ev{{"process.command_line": "a\nb"}}, []bool{true}},
		{"null means absent", &ir.IsNull{X: fld("process.command_line")},
			[]ev{{}, {"process.command_line": "x"}, {"process.command_line": []any{}}}, []bool{true, false, true}},
		{"not null", not(&ir.IsNull{X: fld("process.command_line")}),
			[]ev{{}, {"process.command_line": "x"}}, []bool{false, true}},
		{"a negated startsWith of a field is must_not of a prefix query: true on a missing field", not(call("startswith", true, fld("process.command_line"), lit("a"))),
			[]ev{{}, {"process.command_line": "ab"}, {"process.command_line": "b"}}, []bool{true, false, true}},
		{"must_not of a group: the script's null inside counts as false", not(or(&ir.Compare{Op: ir.Gt, Left: call("length", false, fld("process.command_line")), Right: &ir.Literal{Value: ir.IntValue(3)}}, in("user.name", "x"))),
			[]ev{{}, {"process.command_line": "abcd"}, {"user.name": "x"}, {"process.command_line": "ab"}}, []bool{true, false, false, true}},
		{"double negation of a function", not(or(not(call("endswith", false, fld("file.path"), lit(".sh"))), in("user.name", "x"))),
			[]ev{{}, {"file.path": "/a.sh"}, {"file.path": "/a.sh", "user.name": "x"}, {"file.path": "/a.py"}}, []bool{false, true, false, false}},
		{"ordering", &ir.Compare{Op: ir.Le, Left: fld("process.pid"), Right: &ir.Literal{Value: ir.IntValue(10)}},
			[]ev{{"process.pid": 10.0}, {"process.pid": 11.0}, {}}, []bool{true, false, false}},
		{"length is null on a missing field, even negated", not(&ir.Compare{Op: ir.Gt, Left: call("length", false, fld("process.command_line")), Right: &ir.Literal{Value: ir.IntValue(3)}}),
			[]ev{{}, {"process.command_line": "abcd"}, {"process.command_line": "abc"}}, []bool{false, false, true}},
		{"cidr", call("cidrmatch", false, fld("destination.ip"), lit("10.0.0.0/8"), lit("192.168.0.0/16")),
			[]ev{{"destination.ip": "10.1.2.3"}, {"destination.ip": "192.168.1.1"}, {"destination.ip": "8.8.8.8"}}, []bool{true, true, false}},
		{"mixed tree", and(inCI("process.name", "nc", "ncat"), or(inCI("process.args", "-l"), like("process.args", true, "-*e*")), not(in("user.name", "root"))),
			[]ev{
				{"process.name": "nc", "process.args": []any{"nc", "-l"}, "user.name": "bob"},
				{"process.name": "nc", "process.args": []any{"nc", "-ve"}},
				{"process.name": "nc", "process.args": []any{"nc", "-l"}, "user.name": "root"},
				{"process.name": "nc", "process.args": []any{"nc", "x"}},
			}, []bool{true, true, false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, rep := Emit([]*ir.Rule{rule(process(tt.cond))}, Options{Fields: ECS})
			if rep.Rules[0].Fidelity == ir.Unsupported {
				t.Fatalf("fidelity %s: %+v", rep.Rules[0].Fidelity, rep.Rules[0].Reasons)
			}
			docs, err := sigmatest.ReadDocs(files[0].Data)
			if err != nil {
				t.Fatal(err)
			}
			r, err := sigmatest.Compile(docs[0])
			if err != nil {
				t.Fatalf("%v\n%s", err, files[0].Data)
			}
			for i, e := range tt.events {
				if got := r.Match(e); got != tt.want[i] {
					t.Errorf("event %d %v: match %v, want %v\n%s", i, e, got, tt.want[i], files[0].Data)
				}
			}
		})
	}
}
