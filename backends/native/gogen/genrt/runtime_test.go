package genrt

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/eqlx/eqlx/ir"
)

// TestWildMatchAgreesWithIR checks the linear-time matcher against ir's
// reference WildcardMatch on random patterns and values over a small
// alphabet (where '*' and '?' placements interact most).
func TestWildMatchAgreesWithIR(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pick := func(alpha string, n int) string {
		var b strings.Builder
		rs := []rune(alpha)
		for range n {
			b.WriteRune(rs[r.IntN(len(rs))])
		}
		return b.String()
	}
	for range 200_000 {
		p := pick("ab*?é", r.IntN(7))
		s := pick("abé", r.IntN(8))
		if got, want := wildMatch(s, p), ir.WildcardMatch(p, s); got != want {
			t.Fatalf("wildMatch(%q, %q) = %v, ir.WildcardMatch says %v", s, p, got, want)
		}
	}
}

// TestWildMatchIsLinear: a pattern that makes backtracking matchers
// exponential answers at once.
func TestWildMatchIsLinear(t *testing.T) {
	s := strings.Repeat("a", 100_000)
	if wildMatch(s, "*a*a*a*a*a*a*a*a*b") {
		t.Fatal("matched a value without 'b'")
	}
}

// TestDecodeShapes: nested objects and dotted keys address the same field;
// arrays (of objects too) are flattened; escapes are decoded; null and []
// give no value; a wrong type is reported and left out.
func TestDecodeShapes(t *testing.T) {
	nodes := []trieNode{{slot: -1, inner: true}, {path: "process", slot: -1, inner: true}, {path: "process.name", slot: 0}, {path: "process.args", slot: 1}}
	child := func(node int32, name string) int32 {
		switch {
		case node == 0 && name == "process":
			return 1
		case node == 1 && name == "name":
			return 2
		case node == 1 && name == "args":
			return 3
		}
		return -1
	}
	x := &extractor{nodes: nodes, child: child, tsSlot: -1}
	tests := []struct {
		name, line string
		names      []string
		nargs      int
		warn       bool
		err        bool
	}{
		{"nested", `{"process":{"name":"nc","args":["nc","-l"]}}`, []string{"nc"}, 2, false, false},
		{"dotted", `{"process.name":"nc","process.args":"nc"}`, []string{"nc"}, 1, false, false},
		{"escapes", `{"process":{"name":"n\u0063\"\\"}}`, []string{`nc"\`}, 0, false, false},
		{"array of objects", `{"process":[{"name":"a"},{"name":"b"}]}`, []string{"a", "b"}, 0, false, false},
		{"null and empty", `{"process":{"name":null,"args":[]}}`, nil, 0, false, false},
		{"wrong type", `{"process":{"name":{"x":1}}}`, nil, 0, true, false},
		{"unread values skipped", `{"a":[1,{"b":"}"}],"process":{"pid":12,"name":"x"}}`, []string{"x"}, 0, false, false},
		{"not an object", `[1]`, nil, 0, false, true},
		{"truncated", `{"process":{"name":"nc"`, nil, 0, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev := newEvent(2)
			err := x.decode(ev, []byte(tc.line))
			if (err != nil) != tc.err {
				t.Fatalf("err = %v, want error %v", err, tc.err)
			}
			if err != nil {
				return
			}
			var names []string
			for _, v := range ev.slots[0] {
				names = append(names, v.s)
			}
			if strings.Join(names, "|") != strings.Join(tc.names, "|") || len(ev.slots[1]) != tc.nargs {
				t.Errorf("names %q args %d, want %q %d", names, len(ev.slots[1]), tc.names, tc.nargs)
			}
			if (ev.warn != "") != tc.warn {
				t.Errorf("warn = %q, want a warning: %v", ev.warn, tc.warn)
			}
		})
	}
}

// TestDecodeAllocatesNothing: steady state decoding reuses the buffers.
func TestDecodeAllocatesNothing(t *testing.T) {
	nodes := []trieNode{{slot: -1, inner: true}, {path: "name", slot: 0}}
	child := func(node int32, name string) int32 {
		if node == 0 && name == "name" {
			return 1
		}
		return -1
	}
	x := &extractor{nodes: nodes, child: child, tsSlot: -1}
	ev := newEvent(1)
	line := []byte(`{"name":"a\"b","other":{"x":[1,2,"y"]},"name":["c","d"]}`)
	allocs := testing.AllocsPerRun(100, func() {
		if err := x.decode(ev, line); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per event, want 0", allocs)
	}
}
