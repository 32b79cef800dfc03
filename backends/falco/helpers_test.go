package falco

import (
	"strings"

	"github.com/eqlx/eqlx/ir"
)

// Builders for hand-written IR in tests.

func fld(p string) *ir.Field { return &ir.Field{Path: p} }

func strVals(ss ...string) []ir.Value {
	vs := make([]ir.Value, len(ss))
	for i, s := range ss {
		vs[i] = ir.StringValue(s)
	}
	return vs
}

func in(path string, vs ...string) *ir.In { return &ir.In{X: fld(path), Values: strVals(vs...)} }
func inCI(path string, vs ...string) *ir.In {
	return &ir.In{X: fld(path), Values: strVals(vs...), CaseInsensitive: true}
}
func inInt(path string, n int64) *ir.In {
	return &ir.In{X: fld(path), Values: []ir.Value{ir.IntValue(n)}}
}
func like(path string, ci bool, ps ...string) *ir.Match {
	return &ir.Match{X: fld(path), Kind: ir.Wildcard, Patterns: ps, CaseInsensitive: ci}
}
func regex(path string, ps ...string) *ir.Match {
	return &ir.Match{X: fld(path), Kind: ir.Regex, Patterns: ps}
}
func and(ts ...ir.Expr) *ir.And { return &ir.And{Terms: ts} }
func or(ts ...ir.Expr) *ir.Or   { return &ir.Or{Terms: ts} }
func not(x ir.Expr) *ir.Not     { return &ir.Not{X: x} }
func isNull(path string) *ir.IsNull {
	return &ir.IsNull{X: fld(path)}
}
func boolIs(path string, b bool) *ir.In {
	return &ir.In{X: fld(path), Values: []ir.Value{ir.BoolValue(b)}}
}
func lit(s string) *ir.Literal { return &ir.Literal{Value: ir.StringValue(s)} }
func call(name string, ci bool, args ...ir.Expr) *ir.Call {
	return &ir.Call{Name: name, CaseInsensitive: ci, Args: args}
}
func cmpInt(path string, op ir.CmpOp, n int64) *ir.Compare {
	return &ir.Compare{Op: op, Left: fld(path), Right: &ir.Literal{Value: ir.IntValue(n)}}
}

// exec is `process where event.type == "start" and event.action == "exec"
// and <cond>`, the usual shape of a Linux process rule.
func exec(cond ...ir.Expr) *ir.EventQuery {
	terms := append([]ir.Expr{in("host.os.type", "linux"), in("event.type", "start"), in("event.action", "exec")}, cond...)
	return &ir.EventQuery{Category: "process", CategoryField: ir.CategoryField, Cond: and(terms...)}
}

func process(cond ir.Expr) *ir.EventQuery {
	return &ir.EventQuery{Category: "process", CategoryField: ir.CategoryField, Cond: cond}
}

func rule(q ir.Query) *ir.Rule {
	return &ir.Rule{Meta: ir.Meta{
		File: "rules/test.toml", RuleID: "00000000-0000-4000-8000-000000000001", Name: "Test Rule",
		Description: "A test rule.", Severity: "medium", Tags: []string{"OS: Linux"},
		Threats: []ir.Threat{{Framework: "MITRE ATT&CK", Tactic: ir.Tactic{ID: "TA0002", Name: "Execution"},
			Techniques: []ir.Technique{{ID: "T1059", Subtechniques: []ir.Technique{{ID: "T1059.004"}}}}}},
	}, Query: q}
}

// codesOf lists the distinct reason codes.
func codesOf(fs []ir.Finding) string {
	var out []string
	seen := map[string]bool{}
	for _, f := range fs {
		if !seen[f.Code] {
			seen[f.Code] = true
			out = append(out, f.Code)
		}
	}
	return strings.Join(out, ",")
}

// fnmatch is a small fnmatch(3) without flags (or with FNM_CASEFOLD for
// ASCII), written from the POSIX description, to check that the globs the
// backend writes match the values they stand for.
func fnmatch(p, s string, fold bool) bool {
	if p == "" {
		return s == ""
	}
	switch p[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if fnmatch(p[1:], s[i:], fold) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && fnmatch(p[1:], s[1:], fold)
	case '[':
		if s == "" {
			return false
		}
		i := 1
		matched := false
		first := true
		for i < len(p) && (p[i] != ']' || first) {
			first = false
			c := p[i]
			if c == '\\' && i+1 < len(p) {
				i++
				c = p[i]
			}
			if eqByte(c, s[0], fold) {
				matched = true
			}
			i++
		}
		if i >= len(p) {
			return eqByte('[', s[0], fold) && fnmatch(p[1:], s[1:], fold) // not a class
		}
		return matched && fnmatch(p[i+1:], s[1:], fold)
	case '\\':
		if len(p) > 1 {
			return s != "" && eqByte(p[1], s[0], fold) && fnmatch(p[2:], s[1:], fold)
		}
	}
	return s != "" && eqByte(p[0], s[0], fold) && fnmatch(p[1:], s[1:], fold)
}

func eqByte(a, b byte, fold bool) bool {
	if fold && 'A' <= a && a <= 'Z' {
		a += 'a' - 'A'
	}
	if fold && 'A' <= b && b <= 'Z' {
		b += 'a' - 'A'
	}
	return a == b
}
