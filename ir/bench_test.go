package ir

import (
	"fmt"
	"testing"
)

// bigQuery is the shape of the corpus's largest rule
// (defense_evasion_masquerading_windows_dll: `dll.name : (` 2609 values `)`)
// plus a few ordinary terms.
func bigQuery() Query {
	ps := make([]string, 2609)
	for i := range ps {
		ps[i] = fmt.Sprintf("library%04d.dll", i)
	}
	return ev("library", and(in(fld("host.os.type"), "windows"), in(fld("event.action"), "load"),
		like(fld("dll.name"), true, ps...), not(like(fld("dll.path"), true, `?:\Windows\System32\*`, `?:\Windows\SysWOW64\*`))))
}

func BenchmarkPrintLargestRule(b *testing.B) {
	q := bigQuery()
	b.ReportAllocs()
	for b.Loop() {
		_ = Print(q)
	}
}

func BenchmarkCloneAndEqualLargestRule(b *testing.B) {
	q := bigQuery()
	b.ReportAllocs()
	for b.Loop() {
		if !Equal(q, CloneQuery(q)) {
			b.Fatal("clone differs")
		}
	}
}
