//go:build !purego

package native

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unsafe"
)

// TestPassMembersLayout: the offsets that pass_amd64.s reads trieNode
// and trieSlot by.
func TestPassMembersLayout(t *testing.T) {
	var n trieNode
	var s trieSlot
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"trieNode.table", unsafe.Offsetof(n.table), 64},
		{"trieNode.mul", unsafe.Offsetof(n.mul), 88},
		{"trieNode.shift", unsafe.Offsetof(n.shift), 96},
		{"trieNode.first", unsafe.Offsetof(n.first), 112},
		{"trieSlot.word", unsafe.Offsetof(s.word), 0},
		{"trieSlot.tail", unsafe.Offsetof(s.tail), 8},
		{"trieSlot.n", unsafe.Offsetof(s.n), 16},
		{"trieSlot.node", unsafe.Offsetof(s.node), 24},
		{"trieSlot size", unsafe.Sizeof(s), 32},
	} {
		if c.got != c.want {
			t.Errorf("%s at %d, pass_amd64.s reads it at %d", c.name, c.got, c.want)
		}
	}
	if atKey != 0 || atValue != 1 || atSep != 2 || atEnd != 3 {
		t.Error("the at* constants are not those of pass_amd64.s")
	}
}

// TestPassMembersAgrees: decoding with passMembers and with skipKeys' Go
// steps gives the same values and the same errors, on random objects
// whose keys are near the trie's (prefixes, dots, long names, escapes)
// and whose values hold brackets, quotes and backslashes at every
// alignment, whole or cut short or with a byte dropped.
func TestPassMembersAgrees(t *testing.T) {
	paths := []string{"a", "ab.cd", "ab.cd.e", "abcdefgh", "abcdefghi.x", "long_key_name_here", "p.q.r", "", "e..f"}
	asm := extractor{root: buildTrie(paths), tsSlot: -1}
	portable := extractor{root: buildTrie(paths), tsSlot: -1, portable: true}
	keys := []string{"a", "ab", "cd", "e", "abcdefgh", "abcdefghi", "x", "long_key_name_here", "long_key_name_herx",
		"p", "q", "r", "ab.cd", "p.q", "", "f", "zz", "a\\u0062", "abcdefghijklmnopqrstuvwxyz", "k"}
	pieces := []string{`{`, `}`, `[`, `]`, `"`, `\\`, `a`, `,`, `:`, ` `, `é`, `0`}
	r := rand.New(rand.NewPCG(7, 8))
	var value func(depth int) string
	object := func(depth int) string {
		var sb strings.Builder
		sb.WriteByte('{')
		for k := range r.IntN(6) {
			if k > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(quote(keys[r.IntN(len(keys))]) + ":" + value(depth+1))
		}
		sb.WriteByte('}')
		// An escaped key: "a\u0062" stands for "ab".
		return strings.ReplaceAll(sb.String(), `\\u0062`, `\u0062`)
	}
	value = func(depth int) string {
		switch n := r.IntN(8); {
		case n == 0 && depth < 4:
			return object(depth)
		case n == 1 && depth < 4:
			var parts []string
			for range r.IntN(4) {
				parts = append(parts, value(depth+1))
			}
			return "[" + strings.Join(parts, ",") + "]"
		case n == 2:
			return fmt.Sprint(r.IntN(100000))
		case n == 3:
			return []string{"true", "false", "null", "-1.5e3"}[r.IntN(4)]
		}
		var sb strings.Builder
		for range r.IntN(20) {
			sb.WriteString(pieces[r.IntN(len(pieces))])
		}
		return quote(sb.String())
	}
	evA, evP := newEvent(len(paths), 0), newEvent(len(paths), 0)
	for n := range 30000 {
		line := []byte(strings.Repeat(" ", r.IntN(3)) + object(0))
		switch n % 4 {
		case 1:
			line = line[:r.IntN(len(line)+1)]
		case 2:
			if len(line) > 0 {
				k := r.IntN(len(line))
				line = append(line[:k:k], line[k+1:]...)
			}
		}
		errA, errP := asm.decode(evA, line), portable.decode(evP, line)
		if fmt.Sprint(errA) != fmt.Sprint(errP) {
			t.Fatalf("%s: passMembers: %v; Go steps: %v", line, errA, errP)
		}
		if errA != nil {
			continue
		}
		for s := range paths {
			if got, want := fmt.Sprintf("%v", evA.values(s)), fmt.Sprintf("%v", evP.values(s)); got != want {
				t.Fatalf("%s: %s: passMembers found %s, the Go steps %s", line, paths[s], got, want)
			}
		}
	}
}

// quote is s as a JSON string.
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
