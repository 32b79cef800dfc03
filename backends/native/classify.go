package native

import (
	"encoding/binary"
	"math/bits"
)

// block describes 64 bytes of an event line, bit n standing for byte n.
// The decoder reads these masks instead of the bytes wherever it only
// looks for the end of a string or of a value that no rule reads: one
// trailing-zero count replaces a loop whose length depends on the data,
// and whose mispredicted exits were most of the cost of decoding.
type block struct {
	q  uint64 // quotes that are not escaped
	bs uint64 // backslashes
	op uint64 // '{' and '[' outside strings
	cl uint64 // '}' and ']' outside strings
}

// classifyBlocksGeneric sets dst[k] to the masks of src[64k:64k+64] of
// the bytes that are '"' (q), '\\' (bs), '{' or '[' (op), and '}' or ']'
// (cl), in or out of strings. len(src) must be at least 64*len(dst).
func classifyBlocksGeneric(dst []block, src []byte) {
	for k := range dst {
		var c block
		for w := 0; w < 8; w++ {
			x := binary.LittleEndian.Uint64(src[64*k+8*w:])
			f := x | lo8*0x20
			c.q |= moveMask(eqBits(x, lo8*'"')) << (8 * w)
			c.bs |= moveMask(eqBits(x, lo8*'\\')) << (8 * w)
			c.op |= moveMask(eqBits(f, lo8*'{')) << (8 * w)
			c.cl |= moveMask(eqBits(f, lo8*'}')) << (8 * w)
		}
		dst[k] = c
	}
}

// eqBits has bit 7 set in exactly the bytes of x that equal those of pat
// (no borrow between bytes, unlike quoteBits).
func eqBits(x, pat uint64) uint64 {
	const lo7 = 0x7f7f7f7f7f7f7f7f
	t := x ^ pat
	return ^((t&lo7 + lo7) | t) & hi8
}

// moveMask gathers bit 7 of each byte of m into the low 8 bits.
func moveMask(m uint64) uint64 { return ((m >> 7) * 0x0102040810204080) >> 56 }

// indexLine fills blk (reused, grown when short) with the masks of line,
// quotes and brackets in their final form: escaped quotes dropped, brackets
// inside strings dropped, and one empty block after the line's, so that
// the 64 bytes from any offset of the line are read from two blocks
// without a check for the second (quotesFrom). It reports whether the
// line holds a backslash, that is, whether any string may need
// unescaping, and the offset of the first backslash outside every
// string, or -1. Such a line is not JSON, and the masks after that
// backslash are not to be trusted: it was taken to escape the byte after
// it, which only holds inside a string.
func indexLine(blk []block, line []byte) ([]block, bool, int) {
	n := (len(line) + 63) / 64
	if cap(blk) < n+1 {
		blk = make([]block, n+1, n+n/2+1)
	}
	blk = blk[:n+1]
	blk[n] = block{}
	full := len(line) / 64
	st := lineState{stray: -1}
	indexBlocks(blk[:full], line, &st)
	if full < n {
		var tail [64]byte // zero bytes are none of the classes
		copy(tail[:], line[full*64:])
		indexBlocks(blk[full:n], tail[:], &st)
	}
	return blk, st.anyBS, st.stray
}

// lineState is what indexing carries from one block of a line to the
// next. The assembly reads and writes it by offset: keep the field order.
type lineState struct {
	inStr uint64 // all ones when the next block starts inside a string
	esc   uint64 // 1 when the next block's first byte is escaped
	off   int    // the offset in the line of the next block
	stray int    // the first backslash outside every string, or -1
	anyBS bool   // a backslash was seen
}

// resolveBlocks turns the masks of dst, as classified, into their final
// form (see indexLine), carrying st from the block before dst[0].
func resolveBlocks(dst []block, st *lineState) {
	inStr, esc := st.inStr, st.esc
	for k := range dst {
		c := &dst[k]
		if c.bs != 0 || esc != 0 {
			st.anyBS = true
			c.q &^= escapedBits(c.bs, &esc)
		}
		s := prefixXor(c.q) ^ inStr // bit set from an opening quote up to its closing one
		inStr = uint64(int64(s) >> 63)
		c.op &^= s
		c.cl &^= s
		// Up to the first stray backslash the string mask is right, so
		// that backslash is outside s wherever the line puts it.
		if out := c.bs &^ s; out != 0 && st.stray < 0 {
			st.stray = st.off + 64*k + bits.TrailingZeros64(out)
		}
	}
	st.inStr, st.esc = inStr, esc
	st.off += 64 * len(dst)
}

// quotesFrom returns the unescaped quotes of the 64 bytes from k (bit n
// for byte k+n), which may straddle two blocks: a key or a short string
// is found whole in it wherever it starts. k must be within the line that
// blk indexes. Small enough to be inlined.
func quotesFrom(blk []block, k int) uint64 {
	w, s := k>>6, uint(k)&63
	if w+1 >= len(blk) {
		return 0
	}
	// Two shifts of at most 63 for the second block: << (64-s) would be
	// a shift of 64 at s == 0, which Go allows and guards at a cost.
	return blk[w].q>>s | blk[w+1].q<<1<<(63-s)
}

// backslashesFrom is quotesFrom for the backslashes.
func backslashesFrom(blk []block, k int) uint64 {
	w, s := k>>6, uint(k)&63
	if w+1 >= len(blk) {
		return 0
	}
	return blk[w].bs>>s | blk[w+1].bs<<1<<(63-s)
}

// prefixXor sets bit n to the parity of bits 0..n of x.
func prefixXor(x uint64) uint64 {
	x ^= x << 1
	x ^= x << 2
	x ^= x << 4
	x ^= x << 8
	x ^= x << 16
	x ^= x << 32
	return x
}

// escapedBits returns the bytes that a backslash escapes, given the
// backslashes bs of a block and, in *carry, whether the previous block's
// last backslash escapes this block's first byte (which it updates): an
// odd run of backslashes escapes the byte after it (simdjson's method).
func escapedBits(bs uint64, carry *uint64) uint64 {
	const even = 0x5555555555555555
	bs &^= *carry
	follows := bs<<1 | *carry
	oddStarts := bs &^ even &^ follows
	seq, c := bits.Add64(oddStarts, bs, 0)
	*carry = c
	return (even ^ seq<<1) & follows
}
