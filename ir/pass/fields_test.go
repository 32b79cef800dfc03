package pass

import (
	"strings"
	"testing"

	"github.com/eqlx/eqlx/ir"
)

// diagsOf runs one pass over `process where <cond>` and renders its
// diagnostics as "code: message" lines.
func diagsOf(run func(ir.Query, *ir.Diagnostics), cond ir.Expr) string {
	var ds ir.Diagnostics
	run(ev(cond), &ds)
	lines := make([]string, len(ds))
	for i, d := range ds {
		if d.Severity != ir.Warning {
			lines[i] = "NOT A WARNING "
		}
		lines[i] += d.Code + ": " + d.Msg
	}
	return strings.Join(lines, "\n")
}

func TestCheckFields(t *testing.T) {
	tests := []struct {
		name string
		cond ir.Expr
		want string
	}{
		{"known fields are quiet", and(in(fld("process.name"), "nc"), cmpx(ir.Gt, fld("process.args_count"), num(2)), like(fld("process.args"), true, "-e*")), ``},
		{"unknown field once per path", and(in(fld("aws.cloudtrail.arn"), "x"), isNull(fld("aws.cloudtrail.arn")), isNull(fld("process.nme"))),
			"ecs/unknown-field: unknown ECS field \"aws.cloudtrail.arn\"\necs/unknown-field: unknown ECS field \"process.nme\""},
		{"fields in calls are checked", call("startswith", fld("proces.name"), str("x")), `ecs/unknown-field: unknown ECS field "proces.name"`},
		{"string against a long field", in(fld("process.pid"), "1", "2"), `ecs/type-mismatch: process.pid is a long field, compared with the string "1"`},
		{"string against a boolean field", in(fld("process.interactive"), "true"), `ecs/type-mismatch: process.interactive is a boolean field, compared with the string "true"`},
		{"number against a keyword field is how Elasticsearch matches event.code", in(fld("event.code"), 4624), ``},
		{"ordering compare with a string", cmpx(ir.Lt, str("5"), fld("destination.port")), `ecs/type-mismatch: destination.port is a long field, compared with the string "5"`},
		{"like on an ip field", like(fld("source.ip"), true, "10.*"), `ecs/type-mismatch: like~ applies to strings, but source.ip is a ip field`},
		{"regex on a long field", regex(fld("process.pid"), false, "1.*"), `ecs/type-mismatch: regex applies to strings, but process.pid is a long field`},
		{"ip compared with a string is fine", in(fld("destination.ip"), "::1"), ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := diagsOf(checkFieldsQuery, tt.cond); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestUnknownFieldWarningPointsAtTheField(t *testing.T) {
	at := ir.Span{Start: ir.Pos{File: "r.toml", Offset: 40, Line: 3, Col: 5}}
	var ds ir.Diagnostics
	checkFieldsQuery(ev(in(&ir.Field{Span: at, Path: "okta.event_type"}, "x")), &ds)
	if len(ds) != 1 || ds[0].Span != at || ds[0].Error() != `r.toml:3:5: unknown ECS field "okta.event_type"` {
		t.Errorf("diagnostics = %v", ds)
	}
}

func TestLiteralWildcard(t *testing.T) {
	tests := []struct {
		name string
		cond ir.Expr
		want string
	}{
		{"star after in", in(fld("process.args"), "/opt/vuso*", "-x"), "eql/literal-wildcard: \"/opt/vuso*\": `*` is literal after == and in; use like or : for wildcards"},
		{"question mark after ==", in(fld("process.name"), "python?"), "eql/literal-wildcard: \"python?\": `?` is literal after == and in; use like or : for wildcards"},
		{"both, after !=", not(inCI(fld("file.path"), "?:\\*")), "eql/literal-wildcard: \"?:\\\\*\": `*` and `?` are literal after == and in; use like or : for wildcards"},
		{"like is where wildcards belong", like(fld("process.args"), false, "/opt/*"), ``},
		{"no wildcard characters", in(fld("process.name"), "nc"), ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := diagsOf(literalWildcard, tt.cond); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
