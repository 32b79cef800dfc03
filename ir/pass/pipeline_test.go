package pass

import (
	"testing"

	"github.com/eqlx/eqlx/internal/textdiff"
	"github.com/eqlx/eqlx/ir"
)

func TestNormalizeRule(t *testing.T) {
	tools := []any{"nc.traditional", "nc", "ncat", "netcat"}
	r := &ir.Rule{Query: ev(and(
		and(in(fld("host.os.type"), "linux"), in(fld("event.type"), "start")),
		in(fld("process.entry_leader.entry_meta.type"), "container"),
		or(in(fld("process.name"), tools...), in(fld("process.name"), "nmap", "nc")),
		not(and(in(fld("process.name"), tools...), like(fld("process.args"), false, "-*z*", "localhost", "-*z*"))),
		not(not(in(fld("user.id"), "0"))),
		or(boolean(false), cmpx(ir.Ge, fld("process.args_count"), arith(ir.Add, num(1), num(1)))),
	))}
	want := `process where
  host.os.type == "linux" and
  event.type == "start" and
  process.entry_leader.entry_meta.type == "container" and
  process.name in ("nc.traditional", "nc", "ncat", "netcat", "nmap") and
  (
    not process.name in ("nc.traditional", "nc", "ncat", "netcat") or
    not process.args like ("-*z*", "localhost")
  ) and
  user.id == "0" and
  process.args_count >= 2`
	Normalize(r)
	if got := ir.Print(r.Query); got != want {
		t.Errorf("normalised rule differs (- want, + got):\n%s", textdiff.Lines(want, got))
	}
	if len(r.Diags) != 0 {
		t.Errorf("unexpected diagnostics: %v", r.Diags)
	}
}

func TestNormalizeReachesEveryStageAndKey(t *testing.T) {
	q := &ir.Sequence{
		By:      []ir.Expr{fld("host.id")},
		MaxSpan: &ir.Duration{Value: 1, Unit: "m"},
		Stages: []*ir.Stage{
			{Query: ev(and(and(in(fld("event.type"), "start"), boolean(true)), not(not(in(fld("process.name"), "sh", "sh"))))), By: []ir.Expr{fld("process.entity_id")}, Runs: 1},
			{Query: ev(or(in(fld("process.name"), "curl"), in(fld("process.name"), "wget"))), By: []ir.Expr{fld("process.parent.entity_id")}, Runs: 2},
		},
		Until: &ir.Stage{Query: ev(not(or(in(fld("event.type"), "end"), isNull(fld("process.pid"))))), By: []ir.Expr{fld("procss.entity_id")}, Runs: 1},
	}
	r := &ir.Rule{Query: q}
	Normalize(r)
	want := `sequence by host.id with maxspan=1m
  [process where event.type == "start" and process.name == "sh"] by process.entity_id
  [process where process.name in ("curl", "wget")] by process.parent.entity_id with runs=2
until [process where event.type != "end" and process.pid != null] by procss.entity_id`
	if got := ir.Print(r.Query); got != want {
		t.Errorf("normalised sequence differs (- want, + got):\n%s", textdiff.Lines(want, got))
	}
	if len(r.Diags) != 1 || r.Diags[0].Code != "ecs/unknown-field" {
		t.Errorf("want one unknown-field warning for the join key, got %v", r.Diags)
	}
}

// TestNormalizeIsIdempotent normalises a set of awkward rules twice and
// requires the second run to change neither the query nor the warnings.
func TestNormalizeIsIdempotent(t *testing.T) {
	conds := []ir.Expr{
		not(and(or(in(fld("a"), "1"), not(in(fld("a"), "2"))), not(or(in(fld("b"), "x"), in(fld("b"), "y"))))),
		or(and(in(fld("a"), "1"), boolean(true)), or(in(fld("a"), "2", "1"), not(not(in(fld("a"), "3"))))),
		and(not(in(fld("f"), "a")), not(or(in(fld("f"), "b"), like(fld("g"), true, "x*", "X*")))),
		not(and(call("startswith", fld("a"), str("x")), not(not(in(fld("b"), "y*"))))),
		and(in(fld("process.pid"), "1"), isNull(fld("vendor.x")), in(arith(ir.Mul, num(2), num(3)), 6)),
		not(or(and(in(fld("a"), "1"), in(fld("b"), "2")), and(in(fld("c"), "3"), not(in(fld("d"), "4"))))),
	}
	for _, c := range conds {
		r := &ir.Rule{Query: ev(c)}
		Normalize(r)
		once, diags := ir.CloneQuery(r.Query), len(r.Diags)
		Normalize(r)
		if !ir.Equal(once, r.Query) {
			t.Errorf("second Normalize changed\n%s\ninto\n%s", ir.Print(once), ir.Print(r.Query))
		}
		if len(r.Diags) != diags {
			t.Errorf("second Normalize added warnings: %v", r.Diags)
		}
	}
}

func TestNormalizeKeepsExistingDiagnosticsAndNilSafe(t *testing.T) {
	old := ir.Diagnostic{Severity: ir.Warning, Code: "frontend/x", Msg: "kept"}
	r := &ir.Rule{Query: ev(in(fld("process.name"), "a*")), Diags: ir.Diagnostics{old}}
	Normalize(r)
	if len(r.Diags) != 2 || r.Diags[0] != old || r.Diags[1].Code != "eql/literal-wildcard" {
		t.Errorf("diagnostics = %v", r.Diags)
	}
	Normalize(nil)
	Normalize(&ir.Rule{})
	Normalize(&ir.Rule{Query: &ir.EventQuery{Category: "any"}})
}
