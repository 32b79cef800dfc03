package sigma

import (
	"testing"

	"github.com/eqlx/eqlx/ir"
)

// FuzzLoadFieldMap: a --field-map file is user input; any bytes give a map
// or positioned errors, never a panic.
func FuzzLoadFieldMap(f *testing.F) {
	f.Add([]byte("fields:\n  container.id: ContainerId\n"))
	f.Add([]byte("fields:\n  process.name: {field: Image, kind: basename}\n"))
	f.Add([]byte("fields: [1, 2]\n"))
	f.Add([]byte("- a\n"))
	f.Add([]byte("fields:\n  a: {kind: element}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, ds := LoadFieldMap(data, "map.yml")
		if (m == nil) != ds.HasErrors() {
			t.Fatalf("map %v with diagnostics %v", m, ds)
		}
	})
}

func BenchmarkEmit(b *testing.B) {
	rules := []*ir.Rule{cmuRule()}
	b.ReportAllocs()
	for b.Loop() {
		Emit(rules, Options{})
	}
}
