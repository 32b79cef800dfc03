// Package goldentest compares test output with golden files and rewrites them
// under `go test ./... -update`. It is imported by tests only, so the -update
// flag never reaches the eqlx command.
package goldentest

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/eqlx/eqlx/internal/textdiff"
)

var update = flag.Bool("update", false, "rewrite golden files with the current output")

// Updating reports whether the test run was asked to rewrite golden files.
func Updating() bool { return *update }

// Check compares got with the golden file at path. Under -update it writes
// got to path instead (creating directories). A mismatch fails t with a
// readable line diff (- golden, + got).
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `go test ./... -update` to create it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the output (- golden, + got); run `go test ./... -update` and review the change:\n%s",
			path, textdiff.Lines(string(want), string(got)))
	}
}
