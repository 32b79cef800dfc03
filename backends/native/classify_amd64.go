package native

// classifyBlocks is classifyBlocksGeneric in SSE2 assembly: the scan of
// every byte of an event for quotes, backslashes and brackets is most of
// the work of decoding, and 16 bytes per compare make it a small part.
//
//go:noescape
func classifyBlocks(dst []block, src []byte)
