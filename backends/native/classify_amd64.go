//go:build !purego

package native

// indexBlocks classifies src into dst and resolves the masks (indexLine).
// The scan of every byte of an event for quotes, backslashes and brackets
// is in assembly, 16 or 32 bytes per compare. Where the CPU has AVX2 and
// carry-less multiplication, one loop does both, with a prefix XOR in one
// instruction (PCLMULQDQ by all ones), and the masks go to memory once.
// SSE2 is part of amd64, and serves the other CPUs (classifySSE2, then
// resolveBlocks).
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
