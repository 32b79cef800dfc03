package falco

import (
	"testing"

	"github.com/eqlx/eqlx/backends/falco/falcotest"
	"github.com/eqlx/eqlx/ir"
)

// FuzzConvert: for any value, on any kind of mapped field, with any
// operator, Convert does not panic and the condition parses in its
// dialect's grammar (so no value can break out of its literal).
func FuzzConvert(f *testing.F) {
	for _, s := range hostile {
		f.Add(s, uint8(0))
	}
	f.Add("-*l*", uint8(7))
	f.Add("*", uint8(3))
	fields := []string{"process.name", "process.args", "process.command_line", "process.working_directory", "container.id", "user.id", "process.parent.args", "process.env_vars"}
	f.Fuzz(func(t *testing.T, s string, sel uint8) {
		field := fields[int(sel)%len(fields)]
		var e ir.Expr
		switch (sel / 8) % 5 {
		case 0:
			e = in(field, s)
		case 1:
			e = inCI(field, s, "x")
		case 2:
			e = like(field, false, s)
		case 3:
			e = not(like(field, true, s, "*"+s))
		default:
			e = call("stringcontains", true, fld(field), lit(s))
		}
		for _, v := range []Version{Current, Portable} {
			c := Convert(rule(exec(e)), Options{Version: v})
			if c.Fidelity == ir.Unsupported {
				continue
			}
			if err := falcotest.ParseCurrent(c.Condition); err != nil {
				t.Fatalf("%s %q on %s: %v\n%s", v, s, field, err, c.Condition)
			}
			if v == Portable {
				if err := falcotest.ParsePortable(c.Condition); err != nil {
					t.Fatalf("portable %q on %s: %v\n%s", s, field, err, c.Condition)
				}
			}
		}
	})
}
