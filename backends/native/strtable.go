package native

import (
	"encoding/binary"
	"maps"
	"math/bits"
	"slices"
)

// strTable maps constant strings (a leaf's set, an index's values) to ids.
// A field such as process.args has several values, each looked up: a
// hash of the length and of at most 16 bytes, then word compares in a
// table at most a quarter full, costs a fraction of a Go map lookup, which
// hashes every byte and compares with memequal. The keys are the rules'
// constants, fixed when the program is compiled, so no event can lengthen
// a probe sequence: an absent value stops at the first empty slot.
type strTable struct {
	keys []constStr
	ids  []int32 // -1: empty slot
	mask uint64
	// lens has bit n set when a key is n bytes long (bit 63: 63 or more):
	// most values that are not keys have a length that no key has, and
	// are turned away before hashing.
	lens uint64
}

func newStrTable(ids map[string]int32) strTable {
	size := 8
	for size < 4*len(ids) {
		size *= 2
	}
	t := strTable{keys: make([]constStr, size), ids: make([]int32, size), mask: uint64(size - 1)}
	for k := range ids {
		t.lens |= 1 << min(len(k), 63)
	}
	for i := range t.ids {
		t.ids[i] = -1
	}
	// In a fixed order, so that collisions fall the same way in every
	// process: a program's speed does not depend on map iteration order.
	for _, k := range slices.Sorted(maps.Keys(ids)) {
		id := ids[k]
		c := newConstStr(k)
		i := c.hash() & t.mask
		for t.ids[i] >= 0 {
			i = (i + 1) & t.mask
		}
		t.keys[i], t.ids[i] = c, id
	}
	return t
}

// setTable is the table of a set of strings, numbered in no particular
// order: for membership tests, where the id does not matter.
func setTable(consts map[string]struct{}) strTable {
	ids := make(map[string]int32, len(consts))
	for k := range consts {
		ids[k] = int32(len(ids))
	}
	return newStrTable(ids)
}

// mayHold reports whether some key is as long as s: lookup's first test,
// which callers in a loop make themselves (it is inlined, lookup is not)
// to turn most values away without a call.
func (t *strTable) mayHold(s []byte) bool { return t.lens&(1<<min(len(s), 63)) != 0 }

// lookup returns s's id, or -1.
func (t *strTable) lookup(s []byte) int32 {
	if !t.mayHold(s) {
		return -1 // also for the empty table
	}
	a, b := strWords(s)
	for i := wordsHash(len(s), a, b) & t.mask; ; i = (i + 1) & t.mask {
		id := t.ids[i]
		if id < 0 || t.keys[i].eqWords(s, a, b) {
			return id
		}
	}
}

// constStr is a constant string prepared for compares: a string of at most
// 16 bytes is equal to another of its length exactly when their strWords
// are, which costs two loads and compares where == calls memequal.
type constStr struct {
	s    string
	a, b uint64
}

func newConstStr(s string) constStr {
	a, b := strWords([]byte(s))
	return constStr{s, a, b}
}

func (c *constStr) hash() uint64 { return wordsHash(len(c.s), c.a, c.b) }

// eq reports whether s equals c. Small enough to be inlined: most values
// differ from a constant in length, and cost a compare.
func (c *constStr) eq(s []byte) bool {
	return len(s) == len(c.s) && c.eqSameLen(s)
}

// eqSameLen is eq for an s as long as c.
func (c *constStr) eqSameLen(s []byte) bool {
	if len(s) > 16 {
		return string(s) == c.s
	}
	a, b := strWords(s)
	return a == c.a && b == c.b
}

// eqWords is eq for an s whose strWords are a and b.
func (c *constStr) eqWords(s []byte, a, b uint64) bool {
	return len(s) == len(c.s) && a == c.a && b == c.b && (len(s) <= 16 || string(s) == c.s)
}

// strWords returns the first and last 8 bytes of s (4 for lengths 4 to 7,
// and for shorter strings their every byte, in a): for strings of one
// length up to 16 they differ whenever the strings do.
func strWords(s []byte) (a, b uint64) {
	n := len(s)
	switch {
	case n >= 8:
		return binary.LittleEndian.Uint64(s), binary.LittleEndian.Uint64(s[n-8:])
	case n >= 4:
		return uint64(binary.LittleEndian.Uint32(s)), uint64(binary.LittleEndian.Uint32(s[n-4:]))
	case n > 0:
		return uint64(s[0])<<16 | uint64(s[n/2])<<8 | uint64(s[n-1]), 0
	}
	return 0, 0
}

// wordsHash mixes a length and its string's strWords.
func wordsHash(n int, a, b uint64) uint64 {
	hi, lo := bits.Mul64(a^0xa0761d6478bd642f, b^0xe7037ed1a0b428db^uint64(n))
	return hi ^ lo
}

// needsFold reports whether s holds an ASCII upper-case letter or any
// non-ASCII byte, that is, whether folding could change it. It tests 8
// bytes at a time: most values are lower-case already, and every value of
// a field that a case-insensitive test reads goes through it.
func needsFold(s []byte) bool {
	const (
		lo7  = 0x7f7f7f7f7f7f7f7f
		high = 0x8080808080808080
	)
	for len(s) >= 8 {
		w := binary.LittleEndian.Uint64(s)
		// Per byte, with the top bit cleared so that no sum carries into
		// the next byte: +0x3f sets the top bit from 'A' up, +0x25 from
		// '[' up; an upper-case letter sets the first and not the second.
		x := w & lo7
		if (w|(x+0x3f3f3f3f3f3f3f3f)&^(x+0x2525252525252525))&high != 0 {
			return true
		}
		s = s[8:]
	}
	for _, c := range s {
		if c-'A' < 26 || c >= 0x80 {
			return true
		}
	}
	return false
}
