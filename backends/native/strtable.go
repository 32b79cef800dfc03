package native

import (
	"encoding/binary"
	"math/bits"
)

// strTable maps the constant strings of a valueDict to their ids. Each
// value of a dictionary's field is looked up once per event, and a field
// such as process.args has several: a hash of the length and of at most 16
// bytes, then one compare in a table at most half full, costs a fraction
// of a Go map lookup, which hashes every byte. The keys are the rules'
// constants, fixed when the program is compiled, so no event can lengthen
// a probe sequence: an absent value stops at the first empty slot.
type strTable struct {
	keys []string
	ids  []int32 // -1: empty slot
	mask uint64
}

func newStrTable(ids map[string]int32) strTable {
	size := 8
	for size < 2*len(ids) {
		size *= 2
	}
	t := strTable{keys: make([]string, size), ids: make([]int32, size), mask: uint64(size - 1)}
	for i := range t.ids {
		t.ids[i] = -1
	}
	for k, id := range ids {
		i := strHash([]byte(k)) & t.mask
		for t.ids[i] >= 0 {
			i = (i + 1) & t.mask
		}
		t.keys[i], t.ids[i] = k, id
	}
	return t
}

// lookup returns s's id, or -1.
func (t *strTable) lookup(s []byte) int32 {
	if len(t.ids) == 0 {
		return -1
	}
	for i := strHash(s) & t.mask; ; i = (i + 1) & t.mask {
		id := t.ids[i]
		if id < 0 || t.keys[i] == string(s) {
			return id
		}
	}
}

// strHash mixes the length and the first and last 8 bytes of s (fewer
// for short strings, overlapping for lengths under 16).
func strHash(s []byte) uint64 {
	n := len(s)
	var a, b uint64
	switch {
	case n >= 8:
		a, b = binary.LittleEndian.Uint64(s), binary.LittleEndian.Uint64(s[n-8:])
	case n >= 4:
		a, b = uint64(binary.LittleEndian.Uint32(s)), uint64(binary.LittleEndian.Uint32(s[n-4:]))
	case n > 0:
		a, b = uint64(s[0])<<16|uint64(s[n/2])<<8|uint64(s[n-1]), 0
	}
	hi, lo := bits.Mul64(a^0xa0761d6478bd642f, b^0xe7037ed1a0b428db^uint64(n))
	return hi ^ lo
}
