package falco

import (
	"strings"
	"testing"

	"github.com/eqlx/eqlx/ir"
)

func TestLoadFieldMapMergesOverTheDefaults(t *testing.T) {
	src := `fields:
  process.hash.sha256: proc.exe_ino
  custom.uid:
    falco: user.loginuid
    type: number
  custom.env:
    falco: proc.env[FOO]
    since: "0.37"
    approximate: the environment at exec time
  process.parent.executable: null
`
	m, ds := LoadFieldMap([]byte(src), "map.yaml")
	if ds.HasErrors() || m == nil {
		t.Fatalf("diagnostics %v", ds)
	}
	c := Convert(rule(exec(in("process.hash.sha256", "x"), in("custom.uid", "1000"), in("process.name", "a"))), Options{FieldMap: m})
	if want := `evt.type in (execve, execveat) and proc.exe_ino = "x" and user.loginuid = 1000 and proc.name = "a"`; c.Condition != want {
		t.Errorf("got  %s\nwant %s", c.Condition, want)
	}
	c = Convert(rule(exec(in("custom.env", "BAR"))), Options{FieldMap: m})
	if c.Fidelity != ir.Approximate || codesOf(c.Reasons) != "falco/approx-field-map" {
		t.Errorf("%s %v", c.Fidelity, c.Reasons)
	}
	if c := Convert(rule(exec(in("custom.env", "BAR"))), Options{FieldMap: m, Version: Portable}); c.Fidelity != ir.Unsupported {
		t.Errorf("a field since 0.37 is used in the portable form: %s", c.Condition)
	}
	if c := Convert(rule(exec(in("process.parent.executable", "/bin/sh"))), Options{FieldMap: m}); c.Fidelity != ir.Unsupported {
		t.Errorf("a removed mapping is still used: %s", c.Condition)
	}
	if DefaultFieldMap().m["process.parent.executable"].field == "" {
		t.Error("loading a map changed the defaults")
	}
}

func TestLoadFieldMapErrorsCarryPositions(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"fields:\n  a.b: 'proc.name = x or'\n", `map.yaml:2:8: "proc.name = x or" is not a Falco field name`},
		{"fields:\n  a.b:\n    falco: proc.name\n    kind: x\n", `map.yaml:4:5: unknown key "kind"`},
		{"other: 1\n", `map.yaml:1:1: unknown key "other"`},
		{"fields:\n  event.type: evt.type\n", "map.yaml:2:3: event.type decides the Falco event type"},
		{"fields: [\n", "map.yaml: cannot read field map"},
		{"fields:\n  a.b:\n    falco: proc.name\n    since: \"1.0\"\n", "map.yaml:4:12: since: want a Falco release"},
	} {
		m, ds := LoadFieldMap([]byte(tc.src), "map.yaml")
		if m != nil || !ds.HasErrors() || !strings.HasPrefix(ds[0].Error(), tc.want) {
			t.Errorf("%q: got %v, want %s", tc.src, ds, tc.want)
		}
	}
}

func TestRowsAreSortedAndComplete(t *testing.T) {
	rows := DefaultFieldMap().Rows()
	if len(rows) != len(defaultTable) {
		t.Fatalf("%d rows for %d fields", len(rows), len(defaultTable))
	}
	for i := 1; i < len(rows); i++ {
		if rows[i-1].ECS >= rows[i].ECS {
			t.Fatalf("rows not sorted at %s", rows[i].ECS)
		}
	}
	for _, r := range rows {
		// A row names Falco fields only: no empty text and no dangling
		// separator left by a mapping that lacks one of its two fields.
		if r.Falco == "" || strings.HasPrefix(r.Falco, ",") || strings.HasSuffix(r.Falco, ",") || strings.Contains(r.Falco, ", ,") {
			t.Errorf("%s: Falco text %q", r.ECS, r.Falco)
		}
	}
}

func TestParseVersion(t *testing.T) {
	for in, want := range map[string]Version{"": Current, "current": Current, "Portable": Portable, "0.29.3": Portable, "sysdig": Portable} {
		if v, err := ParseVersion(in); err != nil || v != want {
			t.Errorf("%q: %v %v", in, v, err)
		}
	}
	if _, err := ParseVersion("0.44"); err == nil {
		t.Error("0.44 accepted")
	}
}
