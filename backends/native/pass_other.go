//go:build !amd64 || purego

package native

// havePass: no assembly passMembers here; skipKeys takes its Go steps.
const havePass = false

func passMembers(b []byte, blk []block, i int, bs bool, node *trieNode) (int, *trieNode, int) {
	panic("passMembers: no assembly on this platform")
}
