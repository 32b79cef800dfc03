package falco

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eqlx/eqlx/backends/falco/falcotest"
	"github.com/eqlx/eqlx/ir"
)

// notes is ../shared/notes, seen from backends/falco.
var notes = filepath.Join("..", "..", "..", "shared", "notes")

// fieldNames reads the first column of a field list of the notes.
func fieldNames(t *testing.T, name string, sep string) map[string]bool {
	t.Helper()
	f, err := os.Open(filepath.Join(notes, name))
	if err != nil {
		t.Skipf("no field list: %v", err)
	}
	defer f.Close()
	out := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, _, _ := strings.Cut(line, sep)
		out[strings.TrimSpace(name)] = true
	}
	return out
}

// containerPlugin are the container.* fields eqlx writes; since Falco 0.41
// the container plugin defines them (notes §5), so the libs list lacks
// them.
var containerPlugin = map[string]bool{"container.id": true, "container.full_id": true, "container.name": true,
	"container.image": true, "container.image.repository": true, "container.image.tag": true, "container.privileged": true}

// TestEveryMappedFieldExists converts a predicate on every field of the
// map, in both dialects, and checks that every Falco field written exists
// in current libs (notes/falco-libs-HEAD-fields.tsv) and, for Portable, in
// sysdig 0.29.3 (notes/sysdig-0.29.3-fields.txt).
func TestEveryMappedFieldExists(t *testing.T) {
	modern := fieldNames(t, "falco-libs-HEAD-fields.tsv", "\t")
	legacy := fieldNames(t, "sysdig-0.29.3-fields.txt", " ")
	seen := map[string]bool{}
	for _, row := range DefaultFieldMap().Rows() {
		for _, v := range []Version{Current, Portable} {
			var q ir.Query
			preds := []ir.Expr{in(row.ECS, "x y", "12"), inCI(row.ECS, "Ab"), like(row.ECS, false, "a*"), boolIs(row.ECS, true), cmpInt(row.ECS, ir.Gt, 3)}
			for _, e := range preds {
				q = exec(e)
				if strings.HasPrefix(row.ECS, "file.") {
					q = &ir.EventQuery{Category: "file", CategoryField: ir.CategoryField, Cond: and(in("event.type", "creation"), e)}
				}
				c := Convert(rule(q), Options{Version: v})
				if c.Fidelity == ir.Unsupported {
					continue
				}
				tree, err := falcotest.ParseCurrentTree(c.Condition)
				if err != nil {
					t.Errorf("%s %s: %v", row.ECS, v, err)
					continue
				}
				for _, f := range checkedFields(tree) {
					seen[f] = true
					known := modern[f] || containerPlugin[f]
					if v == Portable {
						known = legacy[f]
					}
					if !known {
						t.Errorf("%s (%s) writes %s, which the engine does not define: %s", row.ECS, v, f, c.Condition)
					}
				}
			}
		}
	}
	if len(seen) < 30 {
		t.Errorf("only %d Falco fields written: %v", len(seen), seen)
	}
}

// checkedFields lists the fields a parsed condition checks, without
// transformers and [arguments].
func checkedFields(n *falcotest.Node) []string {
	var out []string
	if n.Kind == falcotest.CheckNode {
		f := n.Left
		if i := strings.IndexByte(f, '('); i >= 0 {
			f = strings.TrimSuffix(f[i+1:], ")")
		}
		if i := strings.IndexByte(f, '['); i >= 0 {
			f = f[:i]
		}
		if strings.HasPrefix(f, "evt.arg.") {
			f = "evt.arg"
		}
		out = append(out, f)
	}
	for _, c := range n.Children {
		out = append(out, checkedFields(c)...)
	}
	return out
}
