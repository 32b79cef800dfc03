package native

import (
	"math/rand/v2"
	"testing"
)

// checkClassifier compares classify with classifyBlocksGeneric, on
// random bytes rich in the classes.
func checkClassifier(t *testing.T, classify func(dst []block, src []byte)) {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	rich := []byte(`"\{}[]{z[Z;`)
	for range 2000 {
		src := make([]byte, 64*(1+r.IntN(4)))
		for i := range src {
			if r.IntN(2) == 0 {
				src[i] = rich[r.IntN(len(rich))]
			} else {
				src[i] = byte(r.IntN(256))
			}
		}
		got := make([]block, len(src)/64)
		want := make([]block, len(src)/64)
		classify(got, src)
		classifyBlocksGeneric(want, src)
		for k := range got {
			if got[k] != want[k] {
				t.Fatalf("%q: block %d: got %+v, want %+v", src, k, got[k], want[k])
			}
		}
	}
}

// TestIndexLineMatchesAScan: the masks of a line, escapes and strings
// resolved, agree with a byte-by-byte scan, across block boundaries.
func TestIndexLineMatchesAScan(t *testing.T) {
	checkIndexLine(t)
}

func checkIndexLine(t *testing.T) {
	t.Helper()
	r := rand.New(rand.NewPCG(3, 4))
	pieces := []string{`"`, `\`, `\\`, `\"`, `{`, `}`, `[`, `]`, `a`, `:`, `,`, `é`}
	for range 5000 {
		var line []byte
		for range r.IntN(200) {
			line = append(line, pieces[r.IntN(len(pieces))]...)
		}
		blk, anyBS, stray := indexLine(nil, line)
		var want []block
		in, esc, sawBS, wantStray := false, false, false, -1
		for i, c := range line {
			if i%64 == 0 {
				want = append(want, block{})
			}
			w, bit := &want[i/64], uint64(1)<<(i%64)
			if c == '\\' {
				w.bs |= bit
				sawBS = true
				if !in && wantStray < 0 {
					wantStray = i
				}
			}
			// An escape drops the quote after it; brackets are only
			// valid outside strings, where a backslash is an error that
			// the walker reports.
			escaped := esc
			esc = c == '\\' && !escaped
			switch {
			case c == '"' && !escaped:
				w.q |= bit
				in = !in
			case !in && (c == '{' || c == '['):
				w.op |= bit
			case !in && (c == '}' || c == ']'):
				w.cl |= bit
			}
		}
		want = append(want, block{}) // the empty block after the line's
		if anyBS != sawBS || len(blk) != len(want) || stray != wantStray {
			t.Fatalf("%q: anyBS %v, %d blocks, stray at %d; want %v, %d, %d", line, anyBS, len(blk), stray, sawBS, len(want), wantStray)
		}
		for k := range want {
			if blk[k] != want[k] {
				t.Fatalf("%q: block %d: got %+v, want %+v", line, k, blk[k], want[k])
			}
		}
	}
}
