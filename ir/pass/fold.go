package pass

import (
	"math"
	"strings"
	"unicode/utf16"

	"github.com/eqlx/eqlx/ir"
)

// foldQuery evaluates what is constant, where the result is exact under the
// contract (ir's package doc): arithmetic, comparisons, membership and
// wildcard matches on literals, a few pure functions on literals, `not` of a
// boolean, and and/or with true or false terms (`x and false` is false and
// `x or true` is true in Kleene logic, whatever x is). Null propagates: an
// operator or function given a null literal folds to null. Anything that
// could fail in Elasticsearch (division by zero, overflow, a string in
// arithmetic) or depends on a detail eqlx does not model (regular
// expressions, code-unit order of non-BMP strings) is left alone.
func foldQuery(q ir.Query, _ *ir.Diagnostics) {
	rewriteQuery(q, foldNode)
}

func lit(span ir.Span, v ir.Value) *ir.Literal { return &ir.Literal{Span: span, Value: v} }

func asLit(e ir.Expr) (ir.Value, bool) {
	if l, ok := e.(*ir.Literal); ok {
		return l.Value, true
	}
	return ir.Value{}, false
}

func isBool(e ir.Expr, b bool) bool {
	v, ok := asLit(e)
	return ok && v.Kind == ir.KindBool && v.Bool == b
}

func foldNode(e ir.Expr) ir.Expr {
	switch n := e.(type) {
	case *ir.Not:
		if v, ok := asLit(n.X); ok {
			switch v.Kind {
			case ir.KindBool:
				return lit(n.Span, ir.BoolValue(!v.Bool))
			case ir.KindNull:
				return lit(n.Span, ir.Null)
			}
		}
	case *ir.And:
		return foldBool(n.Span, n.Terms, true)
	case *ir.Or:
		return foldBool(n.Span, n.Terms, false)
	case *ir.In:
		if v, ok := asLit(n.X); ok {
			if v.IsNull() {
				return lit(n.Span, ir.Null)
			}
			for _, w := range n.Values {
				if eq, known := constEqual(v, w, n.CaseInsensitive); !known {
					return e
				} else if eq {
					return lit(n.Span, ir.BoolValue(true))
				}
			}
			return lit(n.Span, ir.BoolValue(false))
		}
	case *ir.IsNull:
		if v, ok := asLit(n.X); ok {
			return lit(n.Span, ir.BoolValue(v.IsNull()))
		}
	case *ir.Match:
		if v, ok := asLit(n.X); ok && n.Kind == ir.Wildcard {
			switch v.Kind {
			case ir.KindNull:
				return lit(n.Span, ir.Null)
			case ir.KindString:
				s := v.Str
				for _, p := range n.Patterns {
					if n.CaseInsensitive {
						if ir.WildcardMatch(ir.Fold(p), ir.Fold(s)) {
							return lit(n.Span, ir.BoolValue(true))
						}
					} else if ir.WildcardMatch(p, s) {
						return lit(n.Span, ir.BoolValue(true))
					}
				}
				return lit(n.Span, ir.BoolValue(false))
			}
		}
	case *ir.Compare:
		l, lok := asLit(n.Left)
		r, rok := asLit(n.Right)
		if lok && rok {
			if v, ok := foldCompare(n.Op, l, r); ok {
				return lit(n.Span, v)
			}
		}
	case *ir.Arith:
		l, lok := asLit(n.Left)
		r, rok := asLit(n.Right)
		if lok && rok {
			if v, ok := foldArith(n.Op, l, r); ok {
				return lit(n.Span, v)
			}
		}
	case *ir.Call:
		if v, ok := foldCall(n); ok {
			return lit(n.Span, v)
		}
	}
	return e
}

// foldBool drops the identity terms of an And (true) or Or (false) and
// returns the absorbing constant when a term is it.
func foldBool(span ir.Span, terms []ir.Expr, isAnd bool) ir.Expr {
	out := make([]ir.Expr, 0, len(terms))
	for _, t := range terms {
		switch {
		case isBool(t, !isAnd):
			return lit(span, ir.BoolValue(!isAnd)) // false in And, true in Or
		case isBool(t, isAnd):
			continue // identity
		}
		out = append(out, t)
	}
	if len(out) == len(terms) {
		if isAnd {
			return &ir.And{Span: span, Terms: terms}
		}
		return &ir.Or{Span: span, Terms: terms}
	}
	return boolNode(span, out, isAnd)
}

// constEqual compares two non-null constants as `==` does: numbers
// numerically, strings (folded when ci), booleans with booleans; a string
// never equals a number. known is false when the answer depends on
// something eqlx leaves to the evaluator (null).
func constEqual(a, b ir.Value, ci bool) (eq, known bool) {
	if a.IsNull() || b.IsNull() {
		return false, false
	}
	switch {
	case isNum(a) && isNum(b):
		if a.Kind == ir.KindInt && b.Kind == ir.KindInt {
			return a.Int == b.Int, true
		}
		return toFloat(a) == toFloat(b), true
	case a.Kind == ir.KindString && b.Kind == ir.KindString:
		if ci {
			return ir.Fold(a.Str) == ir.Fold(b.Str), true
		}
		return a.Str == b.Str, true
	case a.Kind == ir.KindBool && b.Kind == ir.KindBool:
		return a.Bool == b.Bool, true
	}
	return false, true
}

func isNum(v ir.Value) bool { return v.Kind == ir.KindInt || v.Kind == ir.KindFloat }

func toFloat(v ir.Value) float64 {
	if v.Kind == ir.KindInt {
		return float64(v.Int)
	}
	return v.Float
}

func foldCompare(op ir.CmpOp, l, r ir.Value) (ir.Value, bool) {
	if l.IsNull() || r.IsNull() {
		return ir.Null, true
	}
	var c int
	switch {
	case isNum(l) && isNum(r):
		if l.Kind == ir.KindInt && r.Kind == ir.KindInt {
			c = cmpInt(l.Int, r.Int)
		} else {
			a, b := toFloat(l), toFloat(r)
			if math.IsNaN(a) || math.IsNaN(b) {
				return ir.Value{}, false
			}
			c = cmpFloat(a, b)
		}
	case l.Kind == ir.KindString && r.Kind == ir.KindString && bmp(l.Str) && bmp(r.Str):
		// Below U+10000, Java's UTF-16 order is code point order.
		c = strings.Compare(l.Str, r.Str)
	case l.Kind == ir.KindBool && r.Kind == ir.KindBool && (op == ir.Eq || op == ir.Ne):
		c = cmpInt(b2i(l.Bool), b2i(r.Bool))
	default:
		return ir.Value{}, false
	}
	var res bool
	switch op {
	case ir.Eq:
		res = c == 0
	case ir.Ne:
		res = c != 0
	case ir.Lt:
		res = c < 0
	case ir.Le:
		res = c <= 0
	case ir.Gt:
		res = c > 0
	case ir.Ge:
		res = c >= 0
	default:
		return ir.Value{}, false
	}
	return ir.BoolValue(res), true
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func bmp(s string) bool {
	for _, r := range s {
		if r >= 0x10000 || r == 0xFFFD {
			return false
		}
	}
	return true
}

// foldArith evaluates l op r with Java's rules (int/int truncates, % takes
// the dividend's sign), refusing overflow, division by zero and non-finite
// results.
func foldArith(op ir.ArithOp, l, r ir.Value) (ir.Value, bool) {
	if l.IsNull() || r.IsNull() {
		return ir.Null, true
	}
	if !isNum(l) || !isNum(r) {
		return ir.Value{}, false
	}
	if l.Kind == ir.KindInt && r.Kind == ir.KindInt {
		a, b := l.Int, r.Int
		switch op {
		case ir.Add:
			if s := a + b; (s > a) == (b > 0) {
				return ir.IntValue(s), true
			}
		case ir.Sub:
			if s := a - b; (s < a) == (b > 0) {
				return ir.IntValue(s), true
			}
		case ir.Mul:
			if a == 0 || b == 0 {
				return ir.IntValue(0), true
			}
			if s := a * b; s/b == a && !(a == -1 && b == math.MinInt64) && !(b == -1 && a == math.MinInt64) {
				return ir.IntValue(s), true
			}
		case ir.Div:
			if b != 0 && !(a == math.MinInt64 && b == -1) {
				return ir.IntValue(a / b), true // Go, like Java, truncates toward zero
			}
		case ir.Mod:
			if b != 0 && !(a == math.MinInt64 && b == -1) {
				return ir.IntValue(a % b), true // sign of the dividend, as in Java
			}
		}
		return ir.Value{}, false
	}
	a, b := toFloat(l), toFloat(r)
	var s float64
	switch op {
	case ir.Add:
		s = a + b
	case ir.Sub:
		s = a - b
	case ir.Mul:
		s = a * b
	case ir.Div:
		if b == 0 {
			return ir.Value{}, false
		}
		s = a / b
	case ir.Mod:
		if b == 0 {
			return ir.Value{}, false
		}
		s = math.Mod(a, b) // Java's % on doubles is fmod
	default:
		return ir.Value{}, false
	}
	if math.IsInf(s, 0) || math.IsNaN(s) {
		return ir.Value{}, false
	}
	return ir.FloatValue(s), true
}

// foldCall evaluates the pure functions whose Elasticsearch behaviour on
// constants is fully documented.
func foldCall(c *ir.Call) (ir.Value, bool) {
	args := make([]ir.Value, len(c.Args))
	for i, a := range c.Args {
		v, ok := asLit(a)
		if !ok {
			return ir.Value{}, false
		}
		args[i] = v
	}
	if _, known := functions[c.Name]; !known {
		return ir.Value{}, false
	}
	for _, a := range args {
		if a.IsNull() {
			return ir.Null, true // every function: null in, null out
		}
	}
	strArgs := func(n int) ([]string, bool) {
		if len(args) != n {
			return nil, false
		}
		out := make([]string, n)
		for i, a := range args {
			if a.Kind != ir.KindString {
				return nil, false
			}
			out[i] = a.Str
			if c.CaseInsensitive {
				out[i] = ir.Fold(a.Str)
			}
		}
		return out, true
	}
	switch c.Name {
	case "length":
		if s, ok := strArgs(1); ok && !c.CaseInsensitive {
			return ir.IntValue(int64(len(utf16.Encode([]rune(s[0]))))), true
		}
	case "startswith":
		if s, ok := strArgs(2); ok {
			return ir.BoolValue(strings.HasPrefix(s[0], s[1])), true
		}
	case "endswith":
		if s, ok := strArgs(2); ok {
			return ir.BoolValue(strings.HasSuffix(s[0], s[1])), true
		}
	case "stringcontains":
		// stringContains(x, "") is false in Elasticsearch (notes/eql.md §4.2).
		if s, ok := strArgs(2); ok && s[1] != "" {
			return ir.BoolValue(strings.Contains(s[0], s[1])), true
		}
	case "concat":
		if s, ok := strArgs(len(args)); ok && !c.CaseInsensitive && len(args) > 0 {
			return ir.StringValue(strings.Join(s, "")), true
		}
	case "add", "subtract", "multiply", "divide", "modulo":
		if len(args) == 2 && !c.CaseInsensitive {
			op := map[string]ir.ArithOp{"add": ir.Add, "subtract": ir.Sub, "multiply": ir.Mul, "divide": ir.Div, "modulo": ir.Mod}[c.Name]
			return foldArith(op, args[0], args[1])
		}
	}
	return ir.Value{}, false
}

// functions lists the Elasticsearch EQL functions (their canonical names); a
// call to anything else is never folded, not even on null.
var functions = map[string]struct{}{
	"add": {}, "between": {}, "cidrmatch": {}, "concat": {}, "divide": {}, "endswith": {},
	"indexof": {}, "length": {}, "modulo": {}, "multiply": {}, "number": {}, "startswith": {},
	"string": {}, "stringcontains": {}, "substring": {}, "subtract": {},
}
