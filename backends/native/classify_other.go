//go:build !amd64 || purego

package native

func classifyBlocks(dst []block, src []byte) { classifyBlocksGeneric(dst, src) }
