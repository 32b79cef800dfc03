package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eqlx/eqlx/internal/textdiff"
)

// TestFalcoFileAndCheck: --to falco prints one rules file; -o FILE writes
// the same bytes; --check of it passes, and fails with a diff once the file
// is edited. (The rules file's content is pinned by golden/falco_test.go.)
func TestFalcoFileAndCheck(t *testing.T) {
	code, stdout, stderr := eqlx(t, "", "convert", "--to", "falco", rulesDir)
	if code != exitOK || !strings.Contains(stdout, "\n- rule: ") || !strings.Contains(stderr, "eqlx convert --to falco: 9 rules: ") {
		t.Fatalf("exit %d\nstdout %.300s\nstderr %s", code, stdout, stderr)
	}
	file := filepath.Join(t.TempDir(), "eqlx_rules.yaml")
	if code, _, _ := eqlx(t, "", "convert", "--to", "falco", "-o", file, rulesDir); code != exitOK {
		t.Fatalf("-o: exit %d", code)
	}
	got, _ := os.ReadFile(file)
	if string(got) != stdout {
		t.Errorf("-o differs from stdout:\n%s", textdiff.Lines(stdout, string(got)))
	}
	for _, path := range []string{file, filepath.Dir(file)} { // the file, or the directory holding eqlx_rules.yaml
		if code, diff, _ := eqlx(t, "", "convert", "--to", "falco", "--check", path, rulesDir); code != exitOK || diff != "" {
			t.Errorf("--check %s after -o: exit %d\n%s", path, code, diff)
		}
	}
	must(t, os.WriteFile(file, []byte(strings.Replace(stdout, "priority: ", "priority: DEBUG # ", 1)), 0o644))
	code, diff, _ := eqlx(t, "", "convert", "--to", "falco", "--check", file, rulesDir)
	if code != exitFailed || !strings.Contains(diff, "+++ "+file+" (generated)") || !strings.Contains(diff, "\n-  priority: DEBUG # ") {
		t.Errorf("--check of an edited file: exit %d\n%s", code, diff)
	}
}

// TestFalcoVersions: the two renderings differ, and a bad version is a
// usage error.
func TestFalcoVersions(t *testing.T) {
	_, current, _ := eqlx(t, "", "convert", "--to", "falco", rulesDir)
	code, portable, stderr := eqlx(t, "", "convert", "--to", "falco", "--falco-version", "portable", rulesDir)
	if code != exitOK || portable == current || !strings.Contains(portable, "- rule: ") {
		t.Errorf("portable: exit %d, same as current %v\n%s", code, portable == current, stderr)
	}
	code, _, stderr = eqlx(t, "", "convert", "--to", "falco", "--falco-version", "0.1", rulesDir)
	if code != exitUsage || !strings.Contains(stderr, "--falco-version") {
		t.Errorf("bad version: exit %d, %q", code, stderr)
	}
}

// TestFalcoFieldMap: a --field-map file changes the table `eqlx fields`
// prints and the conditions convert writes; a bad one names its line.
func TestFalcoFieldMap(t *testing.T) {
	code, stdout, _ := eqlx(t, "", "fields")
	lines := strings.Split(stdout, "\n")
	if code != exitOK || !strings.HasPrefix(lines[0], "ECS ") || !strings.Contains(lines[0], "FALCO") {
		t.Fatalf("default table (falco): exit %d\n%s", code, stdout)
	}
	if !strings.Contains(stdout, "\nprocess.executable ") || !strings.Contains(stdout, " proc.exepath") {
		t.Errorf("process.executable -> proc.exepath missing:\n%s", stdout)
	}
	dir := writeDir(t, map[string]string{
		"map.yml": "fields:\n  process.executable: proc.exe\n",
		"bad.yml": "fields:\n  process.executable: \"proc.exe or 1=1\"\n",
	})
	code, stdout, _ = eqlx(t, "", "fields", "--to", "falco", "--field-map", filepath.Join(dir, "map.yml"))
	if code != exitOK || !containsLinePrefix(strings.Split(stdout, "\n"), "process.executable", "proc.exe") {
		t.Errorf("with --field-map: exit %d\n%s", code, stdout)
	}
	rule := filepath.Join(rulesDir, "interactive_shell_spawned_inside_container.toml")
	_, before, _ := eqlx(t, "", "convert", "--to", "falco", rule)
	code, after, stderr := eqlx(t, "", "convert", "--to", "falco", "--field-map", filepath.Join(dir, "map.yml"), rule)
	if code != exitOK || !strings.Contains(before, `proc.exepath iglob "*/*sh"`) || strings.Contains(after, `proc.exepath iglob`) ||
		!strings.Contains(after, `proc.exe iglob "*/*sh"`) {
		t.Errorf("convert --field-map: exit %d\n%s\n%s", code, after, stderr)
	}
	code, _, stderr = eqlx(t, "", "convert", "--to", "falco", "--field-map", filepath.Join(dir, "bad.yml"), rule)
	if code != exitUsage || !strings.Contains(stderr, "bad.yml:2:") {
		t.Errorf("bad field map: exit %d, %q", code, stderr)
	}
}

// containsLinePrefix reports whether a table line starts with these cells.
func containsLinePrefix(lines []string, cells ...string) bool {
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) >= len(cells) && strings.Join(f[:len(cells)], " ") == strings.Join(cells, " ") {
			return true
		}
	}
	return false
}
