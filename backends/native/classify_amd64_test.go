//go:build !purego

package native

import "testing"

// TestClassifyAssemblyAgrees: both assembly classifiers, whichever the
// CPU makes classifyBlocks use, agree with the portable one.
func TestClassifyAssemblyAgrees(t *testing.T) {
	checkClassifier(t, classifySSE2)
	if !hasAVX2() {
		t.Skip("no AVX2 on this CPU")
	}
	checkClassifier(t, classifyAVX2)
}
