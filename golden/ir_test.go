package golden

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eqlx/eqlx/frontend"
	"github.com/eqlx/eqlx/internal/goldentest"
	"github.com/eqlx/eqlx/ir"
)

// TestIR pins the IR of every shipped rule: golden/ir/<stem>.eql is what
// `eqlx convert --to ir rules/<stem>.toml` prints, run from the repository
// root. `go test ./golden -update` rewrites the files.
func TestIR(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "rules", "*.toml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no rules in ../rules: %v", err)
	}
	for _, path := range files {
		base := filepath.Base(path)
		stem := strings.TrimSuffix(base, ".toml")
		t.Run(stem, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			// Named as a user at the repository root names it, so the header
			// and every position read "rules/<file>".
			res := frontend.Compile(frontend.Source{Name: "rules/" + base, Data: data}, frontend.Options{})
			if len(res.Failed) > 0 || len(res.Rules) != 1 {
				t.Fatalf("rule does not compile: %+v", res.Failed)
			}
			r := res.Rules[0]
			got := "// " + r.Meta.File + ": " + r.Meta.Name + " (" + r.Meta.RuleID + ")\n" +
				strings.TrimRight(ir.Print(r.Query), "\n") + "\n"
			goldentest.Check(t, filepath.Join("ir", stem+".eql"), []byte(got))
		})
	}
}
