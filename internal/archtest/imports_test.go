package archtest

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// module is the eqlx module path; imports outside it are never checked.
const module = "github.com/eqlx/eqlx"

// under reports whether pkg is dir or one of its subpackages (paths relative
// to the module).
func under(pkg, dir string) bool { return pkg == dir || strings.HasPrefix(pkg, dir+"/") }

// backendOf is the backend a package belongs to ("falco" for
// backends/falco/x), or "".
func backendOf(pkg string) string {
	if !under(pkg, "backends") {
		return ""
	}
	parts := strings.Split(pkg, "/")
	if len(parts) < 2 {
		return ""
	}
	return parts[1]
}

// forbidden says why package from (relative to the module) may not import
// to, or "" when it may. The rules are DEVELOPERS.md's "Data flows one way".
func forbidden(from, to string) string {
	switch {
	case under(to, "cmd"):
		return "nothing imports cmd"
	case under(from, "internal"):
		if to != "internal/textdiff" {
			return "internal/* imports nothing of eqlx except internal/textdiff"
		}
	case under(from, "ir"):
		if under(to, "frontend") || under(to, "backends") {
			return "ir never imports frontend or backends: the IR is the frontends' and backends' common ground"
		}
	case under(from, "frontend"):
		if under(to, "backends") {
			return "frontend never imports a backend"
		}
	case under(from, "backends"):
		switch {
		case under(to, "frontend"):
			return "a backend takes *ir.Rule, never the frontend"
		case under(to, "backends") && backendOf(to) != backendOf(from):
			// Within one backend's directory (backends/native/gogen ->
			// backends/native) imports are that backend's business.
			return "a backend never imports another backend"
		}
	}
	return ""
}

func TestForbiddenRule(t *testing.T) {
	tests := []struct {
		from, to string
		ok       bool
	}{
		{"frontend", "ir", true},
		{"frontend", "frontend/eql", true},
		{"frontend", "ir/pass", true},
		{"frontend/eql", "ir", true},
		{"ir/pass", "ir/ecs", true},
		{"backends/falco", "ir", true},
		{"backends/native/gogen", "backends/native", true},
		{"cmd/eqlx", "backends/sigma", true},
		{"cmd/eqlx", "internal/textdiff", true},
		{"internal/goldentest", "internal/textdiff", true},
		{"golden", "backends/falco", true},
		{"ir", "frontend", false},
		{"ir/pass", "frontend/eql", false},
		{"ir/ecs", "backends/falco", false},
		{"frontend", "backends/native", false},
		{"frontend/eql", "cmd/eqlx", false},
		{"backends/falco", "backends/sigma", false},
		{"backends/sigma", "backends/native/gogen", false},
		{"backends/native/gogen", "backends/falco", false},
		{"backends/falco", "backends/falco/internal/esc", true},
		{"backends", "backends/falco", false},
		{"backends/falco", "frontend", false},
		{"backends/sigma", "cmd/eqlx", false},
		{"golden", "cmd/eqlx", false},
		{"internal/textdiff", "ir", false},
		{"internal/goldentest", "frontend", false},
	}
	for _, tt := range tests {
		why := forbidden(tt.from, tt.to)
		if (why == "") != tt.ok {
			t.Errorf("%s -> %s: forbidden=%q, want allowed=%v", tt.from, tt.to, why, tt.ok)
		}
	}
}

// TestImports checks every package's direct, non-test imports.
func TestImports(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list over the whole module")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "list", "-e", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		from, ok := rel(fields[0])
		if !ok {
			continue
		}
		checked++
		for _, imp := range fields[1:] {
			to, ok := rel(imp)
			if !ok {
				continue
			}
			if why := forbidden(from, to); why != "" {
				t.Errorf("%s imports %s: %s", from, to, why)
			}
		}
	}
	if checked == 0 {
		t.Fatalf("go list found no eqlx packages:\n%s", out)
	}
}

// rel strips the module path; ok is false for packages outside eqlx.
func rel(pkg string) (string, bool) {
	if pkg == module {
		return "", true
	}
	r, ok := strings.CutPrefix(pkg, module+"/")
	return r, ok
}
