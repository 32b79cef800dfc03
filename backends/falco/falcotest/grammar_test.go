package falcotest

import (
	"errors"
	"strings"
	"testing"
)

// currentAccepted are conditions current Falco loads: upstream macros and
// rules (notes §3) and the forms the notes record as accepted (§4).
var currentAccepted = []string{
	`(evt.type in (execve, execveat))`,
	`(container.id != host)`,
	`((proc.aname=sshd and proc.name != sshd) or proc.name=systemd-logind or proc.name=login)`,
	`(proc.name in (shell_binaries))`,
	`(not proc.name in ("<NA>","N/A"))`,
	`(evt.num=0)`,
	`(proc.duration <= 5000000000)`,
	`(not proc.pname exists or proc.pname in (runc:[0:PARENT], runc:[1:CHILD], runc, docker-runc, exe, docker-runc-cur, containerd-shim, systemd, crio, conmon))`,
	`(evt.type in (open,openat,openat2) and evt.is_open_write=true and fd.typechar='f' and fd.num>=0)`,
	`spawned_process and container and shell_procs and proc.tty != 0 and container_entrypoint and not user_expected_terminal_shell_in_container_conditions`,
	`spawned_process and container
    and ((proc.name = "nc" and (proc.cmdline contains " -e" or proc.cmdline contains " -c")) or
         (proc.name = "ncat" and (proc.args contains "--sh-exec" or proc.args contains "--exec")))`,
	`proc.name == bash`,
	`a and b or c`,
	`not not proc.name = curl`,
	`not(proc.name = curl)`,
	`proc.name=bash and(proc.pid=1)`,
	`proc.name intersects (a, b)`,
	`proc.name in ()`,
	`proc.name iglob "[nN]c*"`,
	`proc.exepath regex "/usr/s?bin/.*"`,
	`tolower(proc.name) = bash`,
	`proc.name = val(proc.pname)`,
	`basename(proc.exepath) in (nc, ncat)`,
	`len(proc.args) > 10`,
	`proc.args[0] glob "-*l*" and proc.cmdnargs > 0`,
	`proc.env["HOME"] = /root`,
	`proc.aname[2] = sshd`,
	`proc.name glob anyof (nc*, ncat*)`,
	`proc.name = "back\\slash"`,
	`proc.name = "it\"s"`,
	`proc.name = "it's"`,
	`proc.name = 'it\'s'`,
	`proc.args contains "\t"`,
	`proc.args glob "*[\\\\]"`,
	`proc.name = a\`,
	`proc.pid = 0x10`,
	`evt.rawres >= -1`,
	"proc.name = bash\n\tand proc.pid > 1",
}

// currentRejected are conditions current Falco refuses, with a fragment of
// the reason.
var currentRejected = []struct{ cond, why string }{
	{``, "empty"},
	{`proc.name = "a\\"`, "expected a string value"},       // the literal does not end
	{`proc.name = "\q"`, "unsupported string escape"},      // only \b \f \n \r \t \\ \/ and the delimiter
	{`proc.name = "it\x27s"`, "unsupported string escape"}, // \x only on libs master
	{`proc.name = "it\'s"`, `invalid \' escape`},
	{`proc.name =`, "expected a string value"},
	{`proc.env contains SHELL=/bin/bash`, "expecting 'or', 'and'"},
	{`proc.name = bash and`, "expected blank or '(' after 'and'"},
	{`proc.name = bash or `, "expected a '(' token, a field check, or an identifier"},
	{`(proc.name = bash`, "expected a ')' token"},
	{`proc.name = bash)`, "expecting 'or', 'and'"},
	{`proc.name in (a, b`, "expected a ')' token"},
	{`proc.name in a b`, "expecting 'or', 'and'"},
	{`proc.name containsx`, "expected a valid check operator"},
	{`proc.name contains`, "expected a valid check operator"},
	{`proc.pid > abc`, "expected a number value"},
	{`proc.name = bash andproc.pid=1`, "expected blank or '(' after 'and'"},
	{`proc.name glob ("a")`, "expected a string value"},
	{`tolower(proc.name = a`, "expected a ')' token closing the transformer"},
	{`proc.aname[2 = sshd`, "expected a ']' token"},
	{`= bash`, "expected a '(' token"},
	{strings.Repeat("(", 1001) + "a.b = 1" + strings.Repeat(")", 1001), "nested parentheses"},
	{strings.Repeat("tolower(", 1001) + "a.b" + strings.Repeat(")", 1001) + " = x", "nested parentheses"},
}

func TestParseCurrentAccepts(t *testing.T) {
	for _, c := range currentAccepted {
		if err := ParseCurrent(c); err != nil {
			t.Errorf("%q: %v", c, err)
		}
	}
}

func TestParseCurrentRejectsWithPosition(t *testing.T) {
	for _, c := range currentRejected {
		err := ParseCurrent(c.cond)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: got %v, want a syntax error", c.cond, err)
			continue
		}
		if !strings.Contains(se.Msg, c.why) {
			t.Errorf("%q: got %q, want it to mention %q", c.cond, se.Msg, c.why)
		}
		if se.Offset < 0 || se.Offset > len(c.cond) || se.Line < 1 || se.Col < 1 {
			t.Errorf("%q: bad position %+v", c.cond, se)
		}
	}
}

func TestParseCurrentPositions(t *testing.T) {
	err := ParseCurrent("proc.name = bash and\n  proc.pid > x")
	var se *SyntaxError
	if !errors.As(err, &se) || se.Line != 2 || se.Col != 14 || se.Offset != 34 {
		t.Errorf("got %#v, want line 2 col 14 offset 34", err)
	}
}

// TestParseCurrentTree checks precedence and the parts of a check.
func TestParseCurrentTree(t *testing.T) {
	n, err := ParseCurrentTree(`a.b = 1 and c.d in ("x y", z) or not e.f exists`)
	if err != nil {
		t.Fatal(err)
	}
	if n.Kind != OrNode || len(n.Children) != 2 || n.Children[0].Kind != AndNode || n.Children[1].Kind != NotNode {
		t.Fatalf("and must bind tighter than or: %+v", n)
	}
	in := n.Children[0].Children[1]
	if in.Left != "c.d" || in.Op != "in" || len(in.Values) != 2 || in.Values[0] != "x y" || in.Values[1] != "z" {
		t.Errorf("list check: %+v", in)
	}
	if ex := n.Children[1].Children[0]; ex.Op != "exists" || ex.Left != "e.f" {
		t.Errorf("exists check: %+v", ex)
	}
}

// portable holds conditions with the verdict of ParsePortable; the accepted
// ones are also compiled by sysdig 0.29.3 in TestPortableAgreesWithSysdig.
var portable = []struct {
	cond string
	ok   bool
}{
	{`(evt.type in (execve, execveat)) and (proc.name in ("nc", "ncat"))`, true},
	{`((proc.name = "nc") or (proc.args contains " -e "))`, true},
	{`(proc.name = a) and not (proc.name = b)`, true},
	{`proc.name = "it\"s" and proc.args glob "*[\\\\]"`, true},
	{`proc.name glob "[nN][cC]"`, true},
	{`proc.tty != 0 and container.id != host`, true},
	{`proc.pid > 1`, true},
	{`proc.name in ()`, true},
	{`proc.aname[2] = sshd`, true},
	{`a.b = 1 and c.d = 2 or e.f = 3`, false},
	{`proc.name == bash`, false},
	{`proc.name intersects (a)`, false},
	{`not not proc.name = a`, false},
	{`not (not proc.name = a)`, false},
	{`proc.name iglob a*`, false},
	{`proc.name regex "a.*"`, false},
	{`tolower(proc.name) = a`, false},
	{`spawned_process and proc.name = a`, false},
	{`proc.name = "it's"`, false},
	{`proc.args contains "\t"`, false},
	{`proc.pid > 0x10`, false},
	{`proc.name glob anyof (a, b)`, false},
	{`proc.args contains "` + strings.Repeat("a", 255) + `"`, true},
	{`proc.args contains "` + strings.Repeat("a", 256) + `"`, false},
	{`proc.args in (a, ` + strings.Repeat("a", 256) + `)`, false},
}

func TestParsePortable(t *testing.T) {
	for _, c := range portable {
		err := ParsePortable(c.cond)
		if (err == nil) != c.ok {
			t.Errorf("%q: ParsePortable = %v, want ok=%v", c.cond, err, c.ok)
		}
	}
}

// TestPortableAgreesWithSysdig compiles the portable conditions in sysdig
// 0.29.3, and the non-portable ones that sysdig is known to reject.
func TestPortableAgreesWithSysdig(t *testing.T) {
	Need(t)
	var conds []string
	for _, c := range portable {
		if c.ok {
			conds = append(conds, c.cond)
		}
	}
	rejected := []string{`proc.args contains "` + strings.Repeat("a", 256) + `"`, `a.b = 1 and c.d = 2 or e.f = 3`, `proc.name intersects (a)`, `proc.name regex "a.*"`, `tolower(proc.name) = a`, `proc.pid > 0x10`, `proc.name = "it's"`}
	conds = append(conds, rejected...)
	errs := CompileAll(conds)
	for i, err := range errs {
		wantOK := i < len(conds)-len(rejected)
		if (err == nil) != wantOK {
			t.Errorf("sysdig on %q: %v, want ok=%v", conds[i], err, wantOK)
		}
	}
}
