//go:build !amd64

package native

func classifyBlocks(dst []block, src []byte) { classifyBlocksGeneric(dst, src) }
