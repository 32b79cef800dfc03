package native

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestNeedsFold: the 8-bytes-at-a-time test agrees with a byte loop for
// every byte value at every position of strings of 1 to 20 bytes.
func TestNeedsFold(t *testing.T) {
	want := func(s []byte) bool {
		for _, c := range s {
			if 'A' <= c && c <= 'Z' || c >= 0x80 {
				return true
			}
		}
		return false
	}
	for n := 1; n <= 20; n++ {
		for pos := range n {
			for c := range 256 {
				s := []byte(strings.Repeat("a", n))
				s[pos] = byte(c)
				if got := needsFold(s); got != want(s) {
					t.Fatalf("needsFold(%q) = %v", s, got)
				}
			}
		}
	}
}

// TestConstStrAndTable: a constant equals exactly the strings equal to it,
// among strings of its length that differ from it in any one byte, and
// shorter or longer ones; a table finds its keys and nothing else.
func TestConstStrAndTable(t *testing.T) {
	ids := map[string]int32{}
	var keys []string
	for n := range 34 {
		k := strings.Repeat("x", n)
		for i := range n {
			k = k[:i] + string(rune('a'+i%26)) + k[i+1:]
		}
		keys = append(keys, k)
		ids[k] = int32(n)
	}
	tab := newStrTable(ids)
	for _, k := range keys {
		c := newConstStr(k)
		if !c.eq([]byte(k)) || tab.lookup([]byte(k)) != ids[k] {
			t.Fatalf("%q: not equal to itself, or not found", k)
		}
		for _, other := range []string{k + "a", strings.TrimSuffix(k, k[max(len(k)-1, 0):]), "\x00" + k} {
			if other != k && (c.eq([]byte(other)) != (other == k)) {
				t.Errorf("%q equals %q", k, other)
			}
		}
		for i := range len(k) {
			for _, b := range []byte{0, 'A', k[i] ^ 1, 0xff} {
				s := []byte(k)
				s[i] = b
				if string(s) == k {
					continue
				}
				if c.eq(s) {
					t.Errorf("%q equals %q", k, s)
				}
				if id := tab.lookup(s); id >= 0 && keys[id] != string(s) {
					t.Errorf("lookup(%q) = %d (%q)", s, id, keys[id])
				}
			}
		}
	}
	empty := newStrTable(nil)
	if (&strTable{}).lookup([]byte("a")) != -1 || empty.lookup(nil) != -1 {
		t.Error("an empty table finds something")
	}
}

// TestPlainWildcards: patterns without '?' take matchPlain, which must
// agree with the general walk on any string.
func TestPlainWildcards(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alpha := []string{"a", "b", "/", "*", "ab"}
	for range 20000 {
		var p, s strings.Builder
		for range 1 + r.IntN(6) {
			p.WriteString(alpha[r.IntN(len(alpha))])
		}
		for range r.IntN(8) {
			s.WriteString(alpha[r.IntN(3)])
		}
		w := compileWildcard(p.String())
		if !w.plain {
			continue
		}
		general := *w
		general.plain = false
		if got, want := w.match([]byte(s.String())), general.match([]byte(s.String())); got != want {
			t.Fatalf("%q on %q: plain %v, general %v", p.String(), s.String(), got, want)
		}
	}
}
