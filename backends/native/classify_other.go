//go:build !amd64 || purego

package native

// indexBlocks classifies src into dst and resolves the masks (indexLine).
func indexBlocks(dst []block, src []byte, st *lineState) {
	classifyBlocksGeneric(dst, src)
	resolveBlocks(dst, st)
}
