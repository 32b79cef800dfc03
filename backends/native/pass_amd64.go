//go:build !purego

package native

// havePass: skipKeys passes members with passMembers.
const havePass = true

// passMembers is the loop of skipKeys' Go steps in assembly, from the key
// whose opening quote is b[i]: it passes the members that no rule reads
// (plain keys with strings, numbers and literals) and stops where those
// steps would do more than pass: at a key for a field (atValue, with its
// node), at a container or any other value that it does not pass (atValue
// without one), at a key that it does not read (atKey), after the
// object's closing brace (atEnd), or before anything else that follows a
// value (atSep). It also passes the containers that no rule reads
// (skipContainer, bracket by bracket). In Go the loop cost about 115
// instructions per member, the compiler keeping a dozen values in too few
// registers and spilling them around the call to skipContainer; with it,
// field extraction takes 14,400 instructions per event instead of 18,600.
// It reads trieNode and trieSlot fields at fixed offsets
// (TestPassMembersLayout), and TestPassMembersAgrees holds it to the Go
// steps.
//
//go:noescape
func passMembers(b []byte, blk []block, i int, bs bool, node *trieNode) (end int, next *trieNode, at int)
