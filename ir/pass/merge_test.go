package pass

import (
	"testing"

	"github.com/eqlx/eqlx/ir"
)

func TestMergeSiblings(t *testing.T) {
	runExprCases(t, mergeQuery, []exprCase{
		{"or of == on one field", or(in(fld("f"), "a"), in(fld("f"), "b")), `f in ("a", "b")`},
		{"or keeps other terms in place", or(in(fld("f"), "a"), in(fld("g"), "x"), in(fld("f"), "b", "a")), `f in ("a", "b") or g == "x"`},
		{"different case flags stay apart", or(in(fld("f"), "a"), inCI(fld("f"), "b")), `f == "a" or f in~ ("b")`},
		{"optional and plain field stay apart", or(in(fld("f"), "a"), in(&ir.Field{Path: "f", Optional: true}, "b")), `f == "a" or ?f == "b"`},
		{"and of != on one field", and(not(in(fld("f"), "a")), not(in(fld("f"), "b"))), `not f in ("a", "b")`},
		{"and of == is a contradiction, not a merge", and(in(fld("f"), "a"), in(fld("f"), "b")), `f == "a" and f == "b"`},
		{"or of != is not merged", or(not(in(fld("f"), "a")), not(in(fld("f"), "b"))), `f != "a" or f != "b"`},
		{"like patterns merge", or(like(fld("f"), true, "a*"), like(fld("f"), true, "b*", "A*")), `f like~ ("a*", "b*")`},
		{"like and regex stay apart", or(like(fld("f"), false, "a*"), regex(fld("f"), false, "b.*")), `f like "a*" or f regex "b.*"`},
		{"not like under and", and(not(like(fld("f"), false, "a*")), in(fld("g"), "x"), not(like(fld("f"), false, "b*"))), `not f like ("a*", "b*") and g == "x"`},
		{"script subjects merge too", or(in(call("length", fld("f")), 1), in(call("length", fld("f")), 2)), `length(f) in (1, 2)`},
	})
}
