package falcotest

import (
	"slices"
	"strings"
	"testing"
)

// TestCompileResultReadsSysdigsOutput checks the reading of sysdig's output
// without running it: the two outcomes exit 1 alike and differ in text.
func TestCompileResultReadsSysdigsOutput(t *testing.T) {
	if err := compileResult("Could not initialize reader: error reading from file (1)\n"); err != nil {
		t.Errorf("a compiled filter: %v", err)
	}
	err := compileResult("filter error at position 8: filter error: unrecognized field proc.nam at pos 0\n")
	if err == nil || !strings.HasPrefix(err.Error(), "filter error at position 8") {
		t.Errorf("a rejected filter: %v", err)
	}
	if err := compileResult("segmentation fault"); err == nil {
		t.Error("unexpected output must be an error")
	}
}

func TestParseTidsSortsAndDedups(t *testing.T) {
	got, err := parseTids("5\n3\n5\n\n10\n")
	if err != nil || !slices.Equal(got, []int64{3, 5, 10}) {
		t.Errorf("got %v, %v", got, err)
	}
	if _, err := parseTids("3\nfilter error at position 1\n"); err == nil {
		t.Error("a non-number line must be an error")
	}
}

// TestCompilesInSysdig runs the real compiler on the cases the notes record.
func TestCompilesInSysdig(t *testing.T) {
	Need(t)
	cases := []struct {
		cond string
		ok   bool
		msg  string
	}{
		{`proc.name = bash`, true, ""},
		{`(proc.name = bash) or (proc.pid = 1 and proc.tty != 0)`, true, ""},
		{`proc.nam = bash`, false, "unrecognized field"},
		{`proc.name = a and proc.name = b or proc.pid = 1`, false, "ambiguous"},
		{`proc.name intersects (a, b)`, false, "filter error"},
		{`proc.pid = abc`, false, "filter error"},
	}
	var conds []string
	for _, c := range cases {
		conds = append(conds, c.cond)
	}
	for i, err := range CompileAll(conds) {
		c := cases[i]
		if (err == nil) != c.ok || err != nil && !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%q: got %v, want ok=%v (%s)", c.cond, err, c.ok, c.msg)
		}
	}
}

func TestMatchFilterWrapsTheCondition(t *testing.T) {
	got := MatchFilter("a.b = 1 or c.d = 2")
	if !strings.HasSuffix(got, " and (a.b = 1 or c.d = 2)") || ParsePortable(got) != nil {
		t.Errorf("MatchFilter = %q", got)
	}
}

// recTB records what Need asks of a test.
type recTB struct {
	testing.TB
	skipped, failed bool
}

func (r *recTB) Helper()               {}
func (r *recTB) Skip(...any)           { r.skipped = true }
func (r *recTB) Fatalf(string, ...any) { r.failed = true }

// TestNeedSkipsOrFails: without sysdig a test is skipped, unless CI asks
// for sysdig, and then it fails.
func TestNeedSkipsOrFails(t *testing.T) {
	t.Setenv(BinaryEnv, "/nonexistent/sysdig")
	t.Setenv(RequireEnv, "")
	r := &recTB{TB: t}
	Need(r)
	if !r.skipped || r.failed {
		t.Errorf("without sysdig: skipped=%v failed=%v, want a skip", r.skipped, r.failed)
	}
	t.Setenv(RequireEnv, "1")
	r = &recTB{TB: t}
	Need(r)
	if !r.failed {
		t.Errorf("without sysdig and %s=1: want a failure", RequireEnv)
	}
	if _, ok := Sysdig(); ok {
		t.Error("a missing binary must not be found")
	}
}
