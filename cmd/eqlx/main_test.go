package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/eqlx/eqlx/internal/textdiff"
)

// eqlx runs the CLI in-process and returns its exit code and output.
func eqlx(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// rulesDir is the repo's shipped rules, from this package's directory.
var rulesDir = filepath.Join("..", "..", "rules")

const goodRule = `[metadata]
maturity = "production"

[rule]
name = "Good"
rule_id = "good-1"
language = "eql"
type = "eql"
severity = "low"
query = '''
process where process.name == "nc"
'''
`

const brokenRule = `[rule]
name = "Broken"
rule_id = "broken-1"
language = "eql"
type = "eql"
query = '''
process where process.name == 
'''
`

const kueryRule = `[rule]
name = "Kuery"
rule_id = "kuery-1"
language = "kuery"
type = "query"
query = 'process.name:nc'
`

// writeDir writes files (name -> content) into a new temporary directory.
func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestUsageErrorsExit2(t *testing.T) {
	tests := []struct {
		name string
		args []string
		msg  string
	}{
		{"unknown command", []string{"frobnicate"}, "unknown command"},
		{"unknown flag", []string{"check", "--bogus", "x"}, "unknown flag"},
		{"convert without --to", []string{"convert", "x"}, `required flag(s) "to" not set`},
		{"unknown target", []string{"convert", "--to", "splunk", "x"}, `--to "splunk"`},
		{"bad check format", []string{"check", "--format", "xml", "x"}, `--format "xml"`},
		{"bad input format", []string{"check", "--input-format", "yaml", "x"}, `--input-format "yaml"`},
		{"no paths", []string{"check"}, "no input"},
		{"version takes no arguments", []string{"version", "x"}, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := eqlx(t, "", tt.args...)
			if code != exitUsage || !strings.Contains(stderr, tt.msg) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, stderr, tt.msg)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	code, stdout, _ := eqlx(t, "", "version")
	if code != exitOK || !regexp.MustCompile(`^eqlx \S+ \(go[^)]*\)\n$`).MatchString(stdout) {
		t.Errorf("exit %d, %q", code, stdout)
	}
}

func TestCompletion(t *testing.T) {
	code, stdout, _ := eqlx(t, "", "completion", "bash")
	if code != exitOK || !strings.Contains(stdout, "bash completion") {
		t.Errorf("exit %d, %.80q", code, stdout)
	}
}

func TestUnreadablePathExit2ButOthersChecked(t *testing.T) {
	dir := writeDir(t, map[string]string{"k.toml": kueryRule})
	code, stdout, stderr := eqlx(t, "", "check", filepath.Join(dir, "missing.toml"), dir)
	if code != exitUsage {
		t.Errorf("exit %d, want 2", code)
	}
	if !strings.Contains(stderr, "missing.toml: no such file") {
		t.Errorf("stderr %q does not name the missing path", stderr)
	}
	if !strings.Contains(stdout, "1 rule: 0 ok, 0 failed, 1 skipped (not EQL)") {
		t.Errorf("stdout %q: the readable directory was not checked", stdout)
	}
}

func TestCheckSkipsOtherLanguages(t *testing.T) {
	dir := writeDir(t, map[string]string{"k.toml": kueryRule})
	code, stdout, _ := eqlx(t, "", "check", dir)
	if code != exitOK || stdout != "1 rule: 0 ok, 0 failed, 1 skipped (not EQL)\n" {
		t.Errorf("exit %d, %q", code, stdout)
	}
}

func TestCheckBrokenTOMLNamesThePosition(t *testing.T) {
	dir := writeDir(t, map[string]string{"bad.toml": "[rule]\nname = \"x\"\nrisk_score = = 3\n", "k.toml": kueryRule})
	code, stdout, _ := eqlx(t, "", "check", dir)
	bad := filepath.Join(dir, "bad.toml")
	want := bad + ":3:14: invalid TOML: expected value but found '=' instead (after key \"rule.risk_score\")\n" +
		" | risk_score = = 3\n" +
		" | .............^\n" +
		"2 rules: 0 ok, 1 failed, 1 skipped (not EQL)\n"
	if code != exitFailed || stdout != want {
		t.Errorf("exit %d, stdout:\n%s\nwant exit 1 and:\n%s", code, stdout, want)
	}
}

func TestCheckJSON(t *testing.T) {
	dir := writeDir(t, map[string]string{"bad.toml": "[rule]\nname = \"x\"\nrisk_score = = 3\n", "k.toml": kueryRule})
	code, stdout, _ := eqlx(t, "", "check", "--format", "json", dir)
	var rep struct {
		Summary map[string]int `json:"summary"`
		Failed  []struct {
			File  string `json:"file"`
			Diags []struct {
				Code     string `json:"code"`
				Severity string `json:"severity"`
				Span     struct {
					Start struct{ Line, Col int }
				} `json:"span"`
			} `json:"diagnostics"`
		} `json:"failed"`
		Skipped []struct {
			Language string `json:"language"`
		} `json:"skipped"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	if code != exitFailed || rep.Summary["rules"] != 2 || rep.Summary["failed"] != 1 || rep.Summary["skipped"] != 1 {
		t.Errorf("exit %d, summary %v", code, rep.Summary)
	}
	if len(rep.Failed) != 1 || len(rep.Failed[0].Diags) != 1 {
		t.Fatalf("failed %+v", rep.Failed)
	}
	d := rep.Failed[0].Diags[0]
	if d.Code != "load/toml" || d.Severity != "error" || d.Span.Start.Line != 3 || d.Span.Start.Col != 14 {
		t.Errorf("diagnostic %+v", d)
	}
	if len(rep.Skipped) != 1 || rep.Skipped[0].Language != "kuery" {
		t.Errorf("skipped %+v", rep.Skipped)
	}
}

// TestConvertIRMatchesGolden: `eqlx convert --to ir rules/<stem>.toml`, run
// from the repository root, prints exactly golden/ir/<stem>.eql (which
// golden/ir_test.go pins), and a directory prints them all in file order.
func TestConvertIRMatchesGolden(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	files, _ := filepath.Glob(filepath.Join("rules", "*.toml"))
	if len(files) == 0 {
		t.Fatal("no rules/")
	}
	var all []string
	for _, f := range files {
		stem := strings.TrimSuffix(filepath.Base(f), ".toml")
		want, err := os.ReadFile(filepath.Join("golden", "ir", stem+".eql"))
		if err != nil {
			t.Fatalf("%v (run `go test ./golden -update`)", err)
		}
		all = append(all, string(want))
		code, stdout, stderr := eqlx(t, "", "convert", "--to", "ir", f)
		if code != exitOK || stdout != string(want) || stderr != "" {
			t.Errorf("%s: exit %d, stderr %q, stdout differs from golden:\n%s", f, code, stderr, textdiff.Lines(string(want), stdout))
		}
	}
	code, stdout, _ := eqlx(t, "", "convert", "--to", "ir", "rules/")
	if want := strings.Join(all, "\n"); code != exitOK || stdout != want {
		t.Errorf("convert rules/: exit %d, output differs:\n%s", code, textdiff.Lines(want, stdout))
	}
}

// TestBrokenRuleAmongGood: the broken rule is reported with its position,
// the good ones are still converted, and the exit code is 1.
func TestBrokenRuleAmongGood(t *testing.T) {
	dir := writeDir(t, map[string]string{"a.toml": goodRule, "b.toml": brokenRule, "c.toml": kueryRule})
	code, stdout, stderr := eqlx(t, "", "convert", "--to", "ir", dir)
	if code != exitFailed {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(stdout, "// "+filepath.Join(dir, "a.toml")+": Good (good-1)\nprocess where") {
		t.Errorf("the good rule is missing from stdout:\n%s", stdout)
	}
	// The query's error is on its line 1 (file line 7), or at its end (line 8).
	brokenAt := regexp.MustCompile(regexp.QuoteMeta(filepath.Join(dir, "b.toml")) + `:[78]:\d+: `)
	if !brokenAt.MatchString(stderr) || !strings.Contains(stderr, "1 of 3 rules failed") {
		t.Errorf("stderr does not name the broken rule's position:\n%s", stderr)
	}

	code, stdout, _ = eqlx(t, "", "check", dir)
	if code != exitFailed || !strings.HasSuffix(stdout, "3 rules: 1 ok, 1 failed, 1 skipped (not EQL)\n") || !brokenAt.MatchString(stdout) {
		t.Errorf("check: exit %d\n%s", code, stdout)
	}
}

func TestCheckShippedRules(t *testing.T) {
	code, stdout, stderr := eqlx(t, "", "check", rulesDir)
	if code != exitOK || stdout != "9 rules: 9 ok, 0 failed, 0 skipped (not EQL)\n" || stderr != "" {
		t.Errorf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
}

func TestStdin(t *testing.T) {
	tests := []struct {
		name, stdin string
		args        []string
		code        int
		out         string
	}{
		{"a bare query", `process where process.name == "nc"`, []string{"convert", "--to", "ir", "--name", "nc", "--rule-id", "id-1", "-"},
			exitOK, "// -: nc (id-1)\n"},
		{"a TOML rule", goodRule, []string{"convert", "--to", "ir", "-"}, exitOK, "// -: Good (good-1)\n"},
		{"a broken query names stdin", "process where process.name == ", []string{"check", "-"}, exitFailed, "-:1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := eqlx(t, tt.stdin, tt.args...)
			if code != tt.code || !strings.HasPrefix(stdout, tt.out) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d and %q", code, stdout, stderr, tt.code, tt.out)
			}
		})
	}
}

func TestOutputFileIsWrittenAtomically(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.eql")
	if err := os.WriteFile(out, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := eqlx(t, "", "convert", "--to", "ir", "-o", out, filepath.Join(rulesDir, "interactive_shell_spawned_inside_container.toml"))
	got, _ := os.ReadFile(out)
	if code != exitOK || stdout != "" || !strings.HasPrefix(string(got), "// ") {
		t.Errorf("exit %d, stdout %q, file %q", code, stdout, got)
	}
	// A directory that does not exist: the old file is untouched and no
	// temporary file is left behind.
	code, _, stderr := eqlx(t, "", "convert", "--to", "ir", "-o", filepath.Join(dir, "missing", "x.eql"), rulesDir)
	if code == exitOK || !strings.Contains(stderr, "missing") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}

// TestCheckShowsOneEntryPerRule: a rule with two errors shows the first, and
// says how many more there are; -v shows them all.
func TestCheckShowsOneEntryPerRule(t *testing.T) {
	const q = "process where a = 1 and b = 2\n"
	_, stdout, _ := eqlx(t, q, "check", "-")
	if strings.Count(stdout, "use ==") != 1 || !strings.Contains(stdout, "and 1 more error(s) in this rule") {
		t.Errorf("default output:\n%s", stdout)
	}
	code, stdout, _ := eqlx(t, q, "check", "-v", "-")
	if code != exitFailed || strings.Count(stdout, "use ==") != 2 || strings.Contains(stdout, "more error") {
		t.Errorf("-v output (exit %d):\n%s", code, stdout)
	}
}
