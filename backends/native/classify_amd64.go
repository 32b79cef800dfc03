//go:build !purego

package native

// classifyBlocks is classifyBlocksGeneric in assembly (SSE2): the scan of
// every byte of an event for quotes, backslashes and brackets is most of
// the work of decoding, and 16 bytes per compare make it a small part.
func classifyBlocks(dst []block, src []byte) { classifySSE2(dst, src) }

// indexBlocks classifies src into dst and resolves the masks (indexLine).
// Where the CPU has AVX2 and carry-less multiplication, one assembly loop
// does both, with 32-byte compares and a prefix XOR in one instruction
// (PCLMULQDQ by all ones), and the masks go to memory once. SSE2 is part
// of amd64, and serves the other CPUs.
func indexBlocks(dst []block, src []byte, st *lineState) {
	if useAVX2 {
		indexAVX2(dst, src, st)
		return
	}
	classifySSE2(dst, src)
	resolveBlocks(dst, st)
}

var useAVX2 = hasAVX2CLMUL()

//go:noescape
func classifySSE2(dst []block, src []byte)

//go:noescape
func indexAVX2(dst []block, src []byte, st *lineState)

func hasAVX2CLMUL() bool
