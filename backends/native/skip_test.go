package native

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestSkipContainerFindsTheEnd: on random JSON with strings holding
// brackets, quotes and backslashes at every alignment (and across the
// 64-byte blocks of the line's masks), the skipper stops exactly where the
// value ends.
func TestSkipContainerFindsTheEnd(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pieces := []string{`{`, `}`, `[`, `]`, `"`, `\`, `\\`, `\"`, `a`, `,`, `:`, ` `, `é`}
	var gen func(depth int) any
	gen = func(depth int) any {
		switch n := r.IntN(6); {
		case n == 0 && depth < 4:
			m := map[string]any{}
			for range r.IntN(4) {
				m[randStr(r, pieces)] = gen(depth + 1)
			}
			return m
		case n == 1 && depth < 4:
			var a []any
			for range r.IntN(4) {
				a = append(a, gen(depth+1))
			}
			return a
		case n == 2:
			return r.Float64()
		}
		return randStr(r, pieces)
	}
	for range 20000 {
		v := gen(0)
		if _, ok := v.(map[string]any); !ok {
			v = []any{v}
		}
		data, _ := json.Marshal(v)
		prefix := strings.Repeat(" ", r.IntN(130))
		line := []byte(prefix + string(data) + `,"tail"]`)
		end, ok := lineDecoder(line).skipContainer(len(prefix))
		if !ok || end != len(prefix)+len(data) {
			t.Fatalf("skipContainer(%s) = %d, %v; want %d", line, end, ok, len(prefix)+len(data))
		}
	}
	if _, ok := lineDecoder([]byte(`{"a":"}`)).skipContainer(0); ok {
		t.Error("an unterminated object was accepted")
	}
}

func randStr(r *rand.Rand, pieces []string) string {
	var b strings.Builder
	for range r.IntN(12) {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

// lineDecoder is a decoder over line with its masks built, as decode
// makes one.
func lineDecoder(line []byte) *decoder {
	blk, bs, _ := indexLine(nil, line)
	return &decoder{b: line, ev: newEvent(0, 0), blk: blk, bs: bs}
}
