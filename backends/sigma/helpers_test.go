package sigma

import "github.com/eqlx/eqlx/ir"

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
func like(path string, ci bool, ps ...string) *ir.Match {
	return &ir.Match{X: fld(path), Kind: ir.Wildcard, Patterns: ps, CaseInsensitive: ci}
}
func regex(path string, ci bool, ps ...string) *ir.Match {
	return &ir.Match{X: fld(path), Kind: ir.Regex, Patterns: ps, CaseInsensitive: ci}
}
func and(ts ...ir.Expr) *ir.And { return &ir.And{Terms: ts} }
func or(ts ...ir.Expr) *ir.Or   { return &ir.Or{Terms: ts} }
func not(x ir.Expr) *ir.Not     { return &ir.Not{X: x} }
func boolIs(path string, b bool) *ir.In {
	return &ir.In{X: fld(path), Values: []ir.Value{ir.BoolValue(b)}}
}
func lit(s string) *ir.Literal { return &ir.Literal{Value: ir.StringValue(s)} }
func call(name string, ci bool, args ...ir.Expr) *ir.Call {
	return &ir.Call{Name: name, CaseInsensitive: ci, Args: args}
}
func process(cond ir.Expr) *ir.EventQuery {
	return &ir.EventQuery{Category: "process", CategoryField: ir.CategoryField, Cond: cond}
}

func rule(q ir.Query) *ir.Rule {
	return &ir.Rule{Meta: ir.Meta{
		File: "rules/test.toml", RuleID: "00000000-0000-4000-8000-000000000001", Name: "Test Rule for the Sigma Backend",
		Description: "This rule detects a test condition for the Sigma backend.", Severity: "medium",
		Author: []string{"Elastic"}, CreationDate: "2023/04/26", UpdatedDate: "2024/05/21", Maturity: "production",
		Tags: []string{"OS: Linux"},
		Threats: []ir.Threat{{Framework: "MITRE ATT&CK", Tactic: ir.Tactic{ID: "TA0002", Name: "Execution"},
			Techniques: []ir.Technique{{ID: "T1059", Name: "Command", Subtechniques: []ir.Technique{{ID: "T1059.004"}}}}}},
	}, Query: q}
}

// cmuRule is rules/container_management_utility_defend_for_containers.toml
// written by hand.
func cmuRule() *ir.Rule {
	tools := []string{"dockerd", "kubelet", "kube-proxy", "kubectl", "containerd", "systemd", "crictl"}
	shells := []string{"bash", "dash", "sh", "tcsh", "csh", "zsh", "ksh", "fish", "busybox"}
	return rule(process(and(
		in("host.os.type", "linux"), in("event.type", "start"), in("event.action", "exec"),
		or(in("process.name", tools...), and(in("process.name", shells...), in("process.args", "kubectl", "/bin/kubectl"), not(in("process.args", "which", "man")))),
		boolIs("process.interactive", true), like("container.id", false, "*"),
		not(or(in("process.parent.executable", "/sbin/init", "/usr/bin/runc"), in("process.working_directory", "/aws"),
			and(in("process.parent.args", "init"), in("process.parent.args", "runc")),
			and(in("process.parent.name", "busybox"), in("process.name", "kubectl")))),
	)))
}
