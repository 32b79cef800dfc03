//go:build !purego

package native

// classifyBlocks is classifyBlocksGeneric in assembly: the scan of every
// byte of an event for quotes, backslashes and brackets is most of the
// work of decoding, and 16 or 32 bytes per compare make it a small part.
// SSE2 is part of amd64; AVX2 is used where CPUID reports it.
func classifyBlocks(dst []block, src []byte) {
	if useAVX2 {
		classifyAVX2(dst, src)
		return
	}
	classifySSE2(dst, src)
}

var useAVX2 = hasAVX2()

//go:noescape
func classifySSE2(dst []block, src []byte)

//go:noescape
func classifyAVX2(dst []block, src []byte)

func hasAVX2() bool
