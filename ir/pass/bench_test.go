package pass

import (
	"fmt"
	"testing"

	"github.com/eqlx/eqlx/ir"
)

// BenchmarkNormalizeLargestRule normalises a rule shaped like the corpus's
// largest (a 2609-pattern `:` list), with duplicates to remove and siblings
// to merge.
func BenchmarkNormalizeLargestRule(b *testing.B) {
	ps := make([]string, 2609)
	for i := range ps {
		ps[i] = fmt.Sprintf("Library%04d.dll", i%2000)
	}
	q := ev(and(in(fld("host.os.type"), "windows"), in(fld("event.action"), "load"),
		or(like(fld("dll.name"), true, ps[:1300]...), like(fld("dll.name"), true, ps[1300:]...)),
		not(or(in(fld("dll.path"), "a", "b"), in(fld("dll.path"), "c")))))
	b.ReportAllocs()
	for b.Loop() {
		r := &ir.Rule{Query: ir.CloneQuery(q)}
		Normalize(r)
	}
}
