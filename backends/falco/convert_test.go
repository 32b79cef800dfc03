package falco

import (
	"strings"
	"testing"

	"github.com/eqlx/eqlx/backends/falco/falcotest"
	"github.com/eqlx/eqlx/ir"
)

// TestConvertTranslations pins one translation per mapping and operator,
// in both renderings.
func TestConvertTranslations(t *testing.T) {
	for _, tc := range []struct {
		name     string
		q        ir.Query
		current  string
		portable string // "" = same as current with evt.dir
		fid      ir.Fidelity
		codes    string
	}{
		{"exec start is the execve event types and linux disappears", exec(in("process.name", "nc")),
			`evt.type in (execve, execveat) and proc.name = "nc"`, "", ir.Exact, ""},
		{"in becomes an in list", exec(in("process.name", "nc", "ncat")),
			`evt.type in (execve, execveat) and proc.name in ("nc", "ncat")`, "", ir.Exact, ""},
		{"!= is not =, true on a missing field as in EQL", exec(not(in("process.executable", "/bin/sh"))),
			`evt.type in (execve, execveat) and not proc.exepath = "/bin/sh"`, "", ir.Exact, ""},
		{"wildcard shapes become contains, startswith, endswith, glob", exec(like("process.executable", false, "*curl*", "/tmp/*", "*/x", "/a*b?c")),
			`evt.type in (execve, execveat) and (proc.exepath contains "curl" or proc.exepath startswith "/tmp/" or proc.exepath endswith "/x" or proc.exepath glob "/a*b?c")`,
			"", ir.Approximate, "falco/approx-wildcard-byte"},
		{"command line is proc.exeline, or proc.exe when there are no arguments", exec(like("process.command_line", false, "*curl*", "sh", "wget *")),
			`evt.type in (execve, execveat) and (proc.exeline = "sh" or proc.exeline contains "curl" or (not proc.args glob "?*" and proc.exe = "sh") or (proc.args glob "?*" and proc.exeline startswith "wget ") or (not proc.args glob "?*" and proc.exe startswith "wget "))`,
			"", ir.Exact, ""},
		{"case-insensitive equality uses tolower, classes when portable", exec(inCI("process.name", "Nc")),
			`evt.type in (execve, execveat) and tolower(proc.name) = "nc"`,
			`evt.dir = < and evt.type in (execve, execveat) and proc.name glob "[nN][cC]"`, ir.Exact, ""},
		{"colon with infix is icontains", exec(like("process.command_line", true, "*Curl*")),
			`evt.type in (execve, execveat) and proc.exeline icontains "Curl"`, "", ir.Exact, ""},
		{"case-insensitive prefix is iglob, classes when portable", exec(like("process.executable", true, "/tmp/*")),
			`evt.type in (execve, execveat) and proc.exepath iglob "/tmp/*"`,
			`evt.dir = < and evt.type in (execve, execveat) and proc.exepath glob "/[tT][mM][pP]/*"`, ir.Exact, ""},
		{"process.name of 15 bytes or more is cut to the comm", exec(in("process.name", "unattended-upgrade")),
			`evt.type in (execve, execveat) and proc.name = "unattended-upgr"`, "", ir.Approximate, "falco/approx-comm"},
		{"working directory gets its trailing slash", exec(in("process.working_directory", "/tmp")),
			`evt.type in (execve, execveat) and proc.cwd = "/tmp/"`, "", ir.Exact, ""},
		{"args are element tests on proc.exe and the joined proc.args", exec(in("process.args", "-l")),
			`evt.type in (execve, execveat) and (proc.exe = "-l" or proc.args = "-l" or proc.args startswith "-l " or proc.args endswith " -l" or proc.args contains " -l ")`,
			"", ir.Approximate, "falco/approx-argv"},
		{"args wildcard skips the forms the star already covers", exec(like("process.args", false, "-*l*")),
			`evt.type in (execve, execveat) and (proc.exe glob "-*l*" or proc.args glob "-*l*" or proc.args glob "* -*l*")`,
			"", ir.Approximate, "falco/approx-argv"},
		{"interactive is a controlling terminal", exec(boolIs("process.interactive", true)),
			`evt.type in (execve, execveat) and proc.tty != 0`, "", ir.Approximate, "falco/approx-tty"},
		{"not interactive is no terminal", exec(boolIs("process.interactive", false)),
			`evt.type in (execve, execveat) and proc.tty = 0`, "", ir.Approximate, "falco/approx-tty"},
		{"container.id like * is not host", exec(like("container.id", false, "*")),
			`evt.type in (execve, execveat) and container.id != host`, "", ir.Exact, ""},
		{"container.id == null is host", exec(isNull("container.id")),
			`evt.type in (execve, execveat) and container.id = host`, "", ir.Exact, ""},
		{"a full container id is container.full_id, cut to 12 when portable", exec(in("container.id", strings.Repeat("ab", 32))),
			`evt.type in (execve, execveat) and container.id != host and container.full_id = "` + strings.Repeat("ab", 32) + `"`,
			`evt.dir = < and evt.type in (execve, execveat) and container.id != host and container.id = "abababababab"`, ir.Exact, ""},
		{"a container.id pattern never matches host", exec(like("container.id", false, "?*")),
			`evt.type in (execve, execveat) and container.id != host and container.full_id glob "?*"`,
			`evt.dir = < and evt.type in (execve, execveat) and container.id != host and container.id glob "?*"`, ir.Exact, ""},
		{"user.id is a number", exec(in("user.id", "0")),
			`evt.type in (execve, execveat) and user.uid = 0`, "", ir.Exact, ""},
		{"ordering on a number", exec(cmpInt("process.pid", ir.Gt, 1)),
			`evt.type in (execve, execveat) and proc.pid > 1`, "", ir.Exact, ""},
		{"field == null is not exists", exec(isNull("process.parent.name")),
			`evt.type in (execve, execveat) and not proc.pname exists`, "", ir.Exact, ""},
		{"startsWith is startswith", exec(call("startswith", false, fld("process.executable"), lit("/tmp/"))),
			`evt.type in (execve, execveat) and proc.exepath startswith "/tmp/"`, "", ir.Exact, ""},
		{"fork and exec under event.type start", process(in("event.type", "start")),
			`evt.type in (execve, execveat) or (evt.type in (clone, clone3, fork, vfork) and evt.rawres = 0)`,
			`evt.dir = < and (evt.type in (execve, execveat) or (evt.type in (clone, clone3, fork, vfork) and evt.rawres = 0))`,
			ir.Approximate, "falco/approx-fork"},
		{"end is procexit", process(in("event.type", "end")),
			`evt.type = procexit`, `evt.type = procexit`, ir.Exact, ""},
		{"and inside or is parenthesised", exec(or(and(in("process.name", "a"), in("process.parent.name", "b")), in("process.name", "c"))),
			`evt.type in (execve, execveat) and ((proc.name = "a" and proc.pname = "b") or proc.name = "c")`, "", ir.Exact, ""},
		{"not not is never written", exec(not(not(in("process.name", "a")))),
			`evt.type in (execve, execveat) and proc.name = "a"`, "", ir.Exact, ""},
		{"file creation is an open that created the file; file.extension a name ending", &ir.EventQuery{Category: "file", CategoryField: ir.CategoryField,
			Cond: and(in("event.type", "creation"), in("file.extension", "sh"), like("file.path", false, "/etc/*"))},
			`evt.type in (open, openat, openat2, creat) and evt.is_open_create = true and fd.num >= 0 and fd.filename endswith ".sh" and fd.name startswith "/etc/"`,
			`evt.dir = < and evt.type in (open, openat, openat2) and evt.arg.flags contains O_CREAT and fd.num >= 0 and fd.filename endswith ".sh" and fd.name startswith "/etc/"`,
			ir.Approximate, "falco/approx-extension,falco/approx-file-create"},
		{"a file rule without event.type leaves out deletions and renames", &ir.EventQuery{Category: "file", CategoryField: ir.CategoryField, Cond: in("file.name", "x")},
			`((evt.type in (open, openat, openat2, creat) and evt.is_open_create = true and fd.num >= 0) or (evt.type in (open, openat, openat2) and evt.is_open_write = true and fd.num >= 0)) and fd.filename = "x"`,
			`evt.dir = < and ((evt.type in (open, openat, openat2) and evt.arg.flags contains O_CREAT and fd.num >= 0) or (evt.type in (open, openat, openat2) and evt.is_open_write = true and fd.num >= 0)) and fd.filename = "x"`,
			ir.Approximate, "falco/approx-event-kinds,falco/approx-file-create,falco/approx-file-write"},
		{"file fields are unsupported in process events", exec(in("file.path", "/x")), "-", "-", ir.Unsupported, "falco/unsupported-field"},
		{"a parent command line value is split at its blanks", exec(in("process.parent.command_line", "runc init")),
			`evt.type in (execve, execveat) and ((proc.aexe[1] = "runc init" and not proc.aargs[1] glob "?*") or (proc.aexe[1] = "runc" and proc.aargs[1] = "init"))`,
			`evt.dir = < and evt.type in (execve, execveat) and proc.pcmdline = "runc init"`, ir.Exact, ""},
		{"a parent command line pattern is proc.pcmdline", exec(like("process.parent.command_line", false, "*runc*")),
			`evt.type in (execve, execveat) and proc.pcmdline contains "runc"`, "", ir.Approximate, "falco/approx-parent-cmdline"},
		{"an entry leader is the session leader; portable: true has no stand-in", exec(boolIs("process.entry_leader.same_as_process", true)),
			`evt.type in (execve, execveat) and proc.is_sid_leader = true`, "-", ir.Approximate, "falco/approx-entry-leader"},
		{"not the entry leader: portable, not the container's pid 1, which holds for more", exec(boolIs("process.entry_leader.same_as_process", false)),
			`evt.type in (execve, execveat) and proc.is_sid_leader = false`,
			`evt.dir = < and evt.type in (execve, execveat) and not proc.vpid = 1`, ir.Approximate, "falco/approx-entry-leader"},
		{"parent executable is current only", exec(in("process.parent.executable", "/bin/bash")),
			`evt.type in (execve, execveat) and proc.pexepath = "/bin/bash"`, "-", ir.Exact, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, v := range []Version{Current, Portable} {
				c := Convert(rule(tc.q), Options{Version: v})
				want := tc.current
				if v == Portable {
					want = tc.portable
					if want == "" {
						want = strings.Replace(tc.current, "evt.type in (execve, execveat)", "evt.dir = < and evt.type in (execve, execveat)", 1)
					}
				}
				if want == "-" {
					if c.Fidelity != ir.Unsupported || tc.fid == ir.Unsupported && codesOf(c.Reasons) != tc.codes {
						t.Errorf("%s: %s, want unsupported", v, c.Fidelity)
					}
					continue
				}
				if c.Condition != want {
					t.Errorf("%s:\n got  %s\n want %s", v, c.Condition, want)
				}
				if v == Current && (c.Fidelity != tc.fid || codesOf(c.Reasons) != tc.codes) {
					t.Errorf("%s: %s %s, want %s %s", v, c.Fidelity, codesOf(c.Reasons), tc.fid, tc.codes)
				}
				checkGrammar(t, v, c.Condition)
			}
		})
	}
}

// checkGrammar holds a condition to the grammar of its dialect.
func checkGrammar(t *testing.T, v Version, cond string) {
	t.Helper()
	if err := falcotest.ParseCurrent(cond); err != nil {
		t.Errorf("%s: current grammar rejects %s: %v", v, cond, err)
	}
	if v == Portable {
		if err := falcotest.ParsePortable(cond); err != nil {
			t.Errorf("portable form rejects %s: %v", cond, err)
		}
	}
}

// TestConvertUnsupported checks the reasons of what Falco cannot express.
func TestConvertUnsupported(t *testing.T) {
	seq := &ir.Sequence{Stages: []*ir.Stage{{Query: exec()}, {Query: exec()}}, Until: &ir.Stage{Query: exec()}}
	for _, tc := range []struct {
		name  string
		q     ir.Query
		codes string
	}{
		{"sequence and until", seq, "falco/unsupported-sequence,falco/unsupported-until"},
		{"sample", &ir.Sample{Stages: []*ir.Stage{{Query: exec()}}}, "falco/unsupported-sample"},
		{"pipe", &ir.EventQuery{Category: "process", CategoryField: ir.CategoryField, Cond: in("process.name", "a"), Pipes: []ir.Pipe{{Kind: ir.PipeHead, N: 1}}}, "falco/unsupported-pipe"},
		{"unknown field", exec(in("process.pe.original_file_name", "x")), "falco/unsupported-field"},
		{"regex", exec(regex("process.name", "a.*")), "falco/unsupported-regex"},
		{"windows", &ir.EventQuery{Category: "process", CategoryField: ir.CategoryField, Cond: in("host.os.type", "windows")}, "falco/unsupported-os"},
		{"file deletion", &ir.EventQuery{Category: "file", CategoryField: ir.CategoryField, Cond: and(in("event.type", "deletion"), in("file.path", "/etc/passwd"))}, "falco/unsupported-event"},
		{"network", &ir.EventQuery{Category: "network", CategoryField: ir.CategoryField, Cond: in("destination.port", "22")}, "falco/unsupported-event"},
		{"registry", &ir.EventQuery{Category: "registry", CategoryField: ir.CategoryField, Cond: in("registry.path", "x")}, "falco/unsupported-category"},
		{"function", exec(call("cidrmatch", false, fld("source.ip"), lit("10.0.0.0/8"))), "falco/unsupported-function"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Convert(rule(tc.q), Options{})
			if c.Fidelity != ir.Unsupported || codesOf(c.Reasons) != tc.codes || c.Condition != "" {
				t.Errorf("%s %q %q, want unsupported %s", c.Fidelity, codesOf(c.Reasons), c.Condition, tc.codes)
			}
		})
	}
}

// TestConvertReasonPointsAtTheField: an unsupported field's reason names
// it and carries its position.
func TestConvertReasonPointsAtTheField(t *testing.T) {
	p := ir.Pos{File: "rules/x.toml", Line: 12, Col: 7, Offset: 300}
	e := &ir.In{Span: ir.Span{Start: p, End: p}, X: fld("winlog.event_data.User"), Values: strVals("x")}
	c := Convert(rule(exec(e)), Options{})
	if len(c.Reasons) != 1 || c.Reasons[0].Span.Start != p || !strings.Contains(c.Reasons[0].Reason, "winlog.event_data.User") {
		t.Fatalf("reasons %+v", c.Reasons)
	}
}

// hostile are values that would break or change a condition if they were
// pasted into it.
var hostile = []string{
	`it"s`, `it's`, `back\slash`, `trailing\`, `\\`, `"`, `a" or proc.name = "x`, `) or (proc.name = x`,
	"new\nline", "tab\there", "nul\x00byte", "bell\x07", `50% done`, `%proc.name`, `*[?]*`, `[`, `a\"b`, `\"`,
	"caf\u00e9", "\xff\xfe", `shell_binaries`, `evt.type = execve`, `#comment`, `'`, `''`, `"'`,
}

// TestEscapingHostileValues: whatever a value holds, the condition parses
// in its dialect's grammar and the check that carries the value matches
// exactly the value (a literal that reads back as the value, or a glob
// that matches it).
func TestEscapingHostileValues(t *testing.T) {
	for _, v := range []Version{Current, Portable} {
		for _, s := range hostile {
			for _, ci := range []bool{false, true} {
				var e ir.Expr = in("process.command_line", s)
				if ci {
					e = inCI("process.command_line", s)
				}
				c := Convert(rule(exec(e)), Options{Version: v})
				if c.Fidelity == ir.Unsupported {
					t.Errorf("%s %q: unsupported: %v", v, s, c.Reasons)
					continue
				}
				checkGrammar(t, v, c.Condition)
				tree, err := falcotest.ParseCurrentTree(c.Condition)
				if err != nil {
					continue
				}
				chk := lastCheck(tree)
				if chk == nil || len(chk.Values) != 1 {
					t.Errorf("%s %q: no value check in %s", v, s, c.Condition)
					continue
				}
				got := chk.Values[0]
				switch chk.Op {
				case "=":
					if got != s {
						t.Errorf("%s %q: literal reads back as %q in %s", v, s, got, c.Condition)
					}
				case "glob", "iglob":
					if !fnmatch(got, s, ci || chk.Op == "iglob") {
						t.Errorf("%s %q: glob %q does not match it (%s)", v, s, got, c.Condition)
					}
					if !fnmatch(got, strings.ToUpper(s), false) && ci && strings.ToUpper(s) != s && chk.Op == "glob" && isASCII(s) {
						t.Errorf("%s %q: case-insensitive glob %q misses %q", v, s, got, strings.ToUpper(s))
					}
				default:
					if !(ci && chk.Left == "tolower(proc.exeline)" && got == strings.ToLower(s)) {
						t.Errorf("%s %q: unexpected check %s %s %q", v, s, chk.Left, chk.Op, got)
					}
				}
			}
		}
	}
}

// lastCheck is the last check of a parsed condition (the value's check,
// after the evt.type checks).
func lastCheck(n *falcotest.Node) *falcotest.Node {
	if n.Kind == falcotest.CheckNode {
		return n
	}
	for i := len(n.Children) - 1; i >= 0; i-- {
		if c := lastCheck(n.Children[i]); c != nil {
			return c
		}
	}
	return nil
}

// TestHostileValuesCompileInSysdig runs the portable conditions of the
// hostile values through sysdig 0.29.3's filter compiler.
func TestHostileValuesCompileInSysdig(t *testing.T) {
	falcotest.Need(t)
	var conds []string
	for _, s := range hostile {
		for _, e := range []ir.Expr{in("process.command_line", s), inCI("process.args", s), like("process.name", false, "*"+s+"*")} {
			conds = append(conds, Convert(rule(exec(e)), Options{Version: Portable}).Condition)
		}
	}
	for i, err := range falcotest.CompileAll(conds) {
		if err != nil {
			t.Errorf("sysdig rejects %s: %v", conds[i], err)
		}
	}
}
