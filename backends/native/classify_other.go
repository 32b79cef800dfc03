//go:build !amd64 || purego

package native

func classifyBlocks(dst []block, src []byte) { classifyBlocksGeneric(dst, src) }

// indexBlocks classifies src into dst and resolves the masks (indexLine).
func indexBlocks(dst []block, src []byte, st *lineState) {
	classifyBlocksGeneric(dst, src)
	resolveBlocks(dst, st)
}
