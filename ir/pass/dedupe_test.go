package pass

import "testing"

func TestDedupe(t *testing.T) {
	runExprCases(t, dedupeQuery, []exprCase{
		{"repeated values keep first-seen order", in(fld("f"), "b", "a", "b", "c", "a"), `f in ("b", "a", "c")`},
		{"case-sensitive in keeps case variants", in(fld("f"), "A", "a"), `f in ("A", "a")`},
		{"in~ dedupes by folded value, keeping the first spelling", inCI(fld("f"), "Nc", "NC", "nc", "x"), `f in~ ("Nc", "x")`},
		{"1 and 1.0 stay apart", in(fld("f"), 1, 1.0, 1), `f in (1, 1.0)`},
		{"a string and a number stay apart", in(fld("f"), "1", 1), `f in ("1", 1)`},
		{"down to one value prints as ==", in(fld("f"), "x", "x"), `f == "x"`},
		{"like patterns", like(fld("f"), false, "a*", "A*", "a*"), `f like ("a*", "A*")`},
		{"like~ patterns fold", like(fld("f"), true, "a*", "A*"), `f like~ "a*"`},
		{"regex~ patterns compare exactly", regex(fld("f"), true, `\s`, `\S`, `\s`), `f regex~ ("\\s", "\\S")`},
		{"inside a negation", not(in(fld("f"), "a", "b", "a")), `not f in ("a", "b")`},
	})
}
