//go:build !purego

package native

import (
	"math/rand/v2"
	"testing"
	"unsafe"
)

// TestClassifyAssemblyAgrees: the SSE2 classifier agrees with the
// portable one.
func TestClassifyAssemblyAgrees(t *testing.T) {
	checkClassifier(t, classifySSE2)
}

// TestIndexLinePortable: indexLine on a CPU without AVX2, whose path
// TestIndexLineMatchesAScan does not take here.
func TestIndexLinePortable(t *testing.T) {
	defer func(v bool) { useAVX2 = v }(useAVX2)
	useAVX2 = false
	checkIndexLine(t)
}

// TestIndexAssemblyAgrees: indexAVX2 leaves the same masks and state as
// the portable classifier and resolveBlocks, from any state (inside a
// string or not, after an escaping backslash or not, a stray backslash
// found before or not), on bytes rich in quotes and backslashes.
func TestIndexAssemblyAgrees(t *testing.T) {
	if !hasAVX2CLMUL() {
		t.Skip("no AVX2 and PCLMULQDQ on this CPU")
	}
	// The assembly reads lineState by offset.
	var st lineState
	if unsafe.Offsetof(st.esc) != 8 || unsafe.Offsetof(st.off) != 16 || unsafe.Offsetof(st.stray) != 24 || unsafe.Offsetof(st.anyBS) != 32 {
		t.Fatal("lineState's layout is not the one indexAVX2 reads")
	}
	r := rand.New(rand.NewPCG(5, 6))
	rich := []byte(`"\\\{}[]a `)
	for range 20000 {
		src := make([]byte, 64*r.IntN(5))
		for i := range src {
			if r.IntN(8) == 0 {
				src[i] = byte(r.IntN(256))
			} else {
				src[i] = rich[r.IntN(len(rich))]
			}
		}
		start := lineState{off: 64 * r.IntN(3), stray: -1, anyBS: r.IntN(2) == 0}
		if r.IntN(2) == 0 {
			start.inStr = ^uint64(0)
		}
		if r.IntN(4) == 0 {
			start.esc = 1
		}
		if r.IntN(4) == 0 {
			start.stray = r.IntN(64)
		}
		got, want := make([]block, len(src)/64), make([]block, len(src)/64)
		gotSt, wantSt := start, start
		indexAVX2(got, src, &gotSt)
		classifyBlocksGeneric(want, src)
		resolveBlocks(want, &wantSt)
		if gotSt != wantSt {
			t.Fatalf("%q from %+v: state %+v, want %+v", src, start, gotSt, wantSt)
		}
		for k := range want {
			if got[k] != want[k] {
				t.Fatalf("%q from %+v: block %d: got %+v, want %+v", src, start, k, got[k], want[k])
			}
		}
	}
}
