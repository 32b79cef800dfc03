package native

import (
	"math"
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/eqlx/eqlx/ir"
)

// sval is a computed value inside a script predicate (functions and
// arithmetic). Strings may point into the current event.
type sval struct {
	k kind
	b bool
	i int64
	f float64
	s string
}

var null = sval{}

func strVal(s string) sval  { return sval{k: kStr, s: s} }
func intVal(i int64) sval   { return sval{k: kInt, i: i, f: float64(i)} }
func fltVal(f float64) sval { return sval{k: kFloat, f: f} }
func boolVal(b bool) sval   { return sval{k: kBool, b: b} }

func litVal(v ir.Value) sval {
	switch v.Kind {
	case ir.KindBool:
		return boolVal(v.Bool)
	case ir.KindInt:
		return intVal(v.Int)
	case ir.KindFloat:
		return fltVal(v.Float)
	case ir.KindString:
		return strVal(v.Str)
	}
	return null
}

// binding is one choice of element per field that a script reads.
type binding struct {
	cur   []sval
	n     int    // combinations tried, up to maxCombos
	arena []byte // folded strings of this evaluation (fold)
}

// fold returns s case-folded, as foldString does, in the binding's arena
// instead of a new allocation; s itself when folding changes nothing.
// The result lives until the binding is pushed again.
func (b *binding) fold(s string) string {
	src := unsafe.Slice(unsafe.StringData(s), len(s))
	if !needsFold(src) {
		return s
	}
	start := len(b.arena)
	b.arena = appendFold(b.arena, src)
	out := b.arena[start:]
	return unsafe.String(unsafe.SliceData(out), len(out))
}

type valFn func(b *binding) sval
type predFn func(b *binding) tri

// scriptScope collects the fields a script predicate reads.
type scriptScope struct {
	slots []int
}

func (sc *scriptScope) local(slot int) int {
	for i, s := range sc.slots {
		if s == slot {
			return i
		}
	}
	sc.slots = append(sc.slots, slot)
	return len(sc.slots) - 1
}

// maxCombos bounds the element combinations a script predicate tries when
// it reads several multi-valued fields.
const maxCombos = 4096

// script compiles a predicate whose subject is computed: null in gives null
// out, and over multi-valued fields it is tried for each element (each
// combination of elements, when it reads several fields): true when one
// makes it true, else null when one makes it null, else false.
func (c *compiler) script(e ir.Expr) cond {
	sc := &scriptScope{}
	pred := c.pred(sc, e)
	slots := sc.slots
	types := make([]fieldType, len(slots))
	for i, s := range slots {
		types[i] = typeOf(c.paths[s])
	}
	return func(ev *event) tri {
		// The binding comes from the event, not the stack: pred is a
		// function value, so a local would escape, an allocation per
		// evaluation.
		b := ev.pushBinding(len(slots))
		r := combos(ev, slots, types, 0, b, pred)
		ev.bindDepth--
		return r
	}
}

// pushBinding returns a binding of n values for a script evaluation; the
// caller pops it (bindDepth--) when done. Bindings are a stack, reused
// from event to event.
func (ev *event) pushBinding(n int) *binding {
	if ev.bindDepth == len(ev.binds) {
		ev.binds = append(ev.binds, &binding{})
	}
	b := ev.binds[ev.bindDepth]
	ev.bindDepth++
	if cap(b.cur) < n {
		b.cur = make([]sval, n)
	}
	b.cur, b.n, b.arena = b.cur[:n], 0, b.arena[:0]
	return b
}

func combos(ev *event, slots []int, types []fieldType, i int, b *binding, pred predFn) tri {
	if i == len(slots) {
		b.n++
		return pred(b)
	}
	vals := ev.values(slots[i])
	if len(vals) == 0 {
		b.cur[i] = null
		return combos(ev, slots, types, i+1, b, pred)
	}
	r := tFalse
	for _, v := range vals {
		if b.n >= maxCombos {
			break
		}
		b.cur[i] = toSval(coerce(types[i], v))
		switch combos(ev, slots, types, i+1, b, pred) {
		case tTrue:
			return tTrue
		case tNull:
			r = tNull
		}
	}
	return r
}

func toSval(v scalar) sval {
	switch v.k {
	case kStr:
		return sval{k: kStr, s: unsafe.String(unsafe.SliceData(v.s), len(v.s))}
	case kInt:
		return intVal(v.i)
	case kFloat:
		return fltVal(v.f)
	case kBool:
		return boolVal(v.b)
	}
	return null
}

// pred compiles a boolean expression inside a script (Kleene logic).
func (c *compiler) pred(sc *scriptScope, e ir.Expr) predFn {
	switch x := e.(type) {
	case *ir.And:
		terms := make([]predFn, len(x.Terms))
		for i, t := range x.Terms {
			terms[i] = c.pred(sc, t)
		}
		return func(b *binding) tri {
			r := tTrue
			for _, t := range terms {
				switch t(b) {
				case tFalse:
					return tFalse
				case tNull:
					r = tNull
				}
			}
			return r
		}
	case *ir.Or:
		terms := make([]predFn, len(x.Terms))
		for i, t := range x.Terms {
			terms[i] = c.pred(sc, t)
		}
		return func(b *binding) tri {
			r := tFalse
			for _, t := range terms {
				switch t(b) {
				case tTrue:
					return tTrue
				case tNull:
					r = tNull
				}
			}
			return r
		}
	case *ir.Not:
		in := c.pred(sc, x.X)
		return func(b *binding) tri {
			switch in(b) {
			case tTrue:
				return tFalse
			case tFalse:
				return tTrue
			}
			return tNull
		}
	case *ir.In:
		v := c.val(sc, x.X)
		vals := make([]sval, len(x.Values))
		for i, w := range x.Values {
			vals[i] = litVal(w)
			if x.CaseInsensitive && w.Kind == ir.KindString {
				vals[i].s = foldString(w.Str)
			}
		}
		ci := x.CaseInsensitive
		return func(b *binding) tri {
			got := v(b)
			if got.k == kNull {
				return tNull
			}
			if ci && got.k == kStr {
				got.s = foldString(got.s)
			}
			for _, w := range vals {
				if equalVals(got, w) {
					return tTrue
				}
			}
			return tFalse
		}
	case *ir.Match:
		v := c.val(sc, x.X)
		m := c.matcher(x)
		return func(b *binding) tri {
			got := v(b)
			if got.k == kNull {
				return tNull
			}
			if got.k != kStr || m == nil {
				return tFalse
			}
			var ev event
			return boolTri(m(&ev, []byte(got.s)))
		}
	case *ir.IsNull:
		v := c.val(sc, x.X)
		return func(b *binding) tri { return boolTri(v(b).k == kNull) }
	case *ir.Compare:
		l, r := c.val(sc, x.Left), c.val(sc, x.Right)
		op := x.Op
		return func(b *binding) tri {
			lv, rv := l(b), r(b)
			if lv.k == kNull || rv.k == kNull {
				return tNull
			}
			d, ok := compareVals(lv, rv)
			if !ok {
				switch op {
				case ir.Eq:
					return tFalse
				case ir.Ne:
					return tTrue
				}
				return tNull
			}
			return boolTri(cmpHolds(op, d))
		}
	}
	// A value used as a condition: true only for the boolean true.
	v := c.val(sc, e)
	return func(b *binding) tri {
		got := v(b)
		switch {
		case got.k == kNull:
			return tNull
		case got.k == kBool && got.b:
			return tTrue
		}
		return tFalse
	}
}

func equalVals(a, b sval) bool {
	d, ok := compareVals(a, b)
	return ok && d == 0
}

// compareVals orders two non-null values of comparable types.
func compareVals(a, b sval) (int, bool) {
	switch {
	case (a.k == kInt || a.k == kFloat) && (b.k == kInt || b.k == kFloat):
		if a.k == kInt && b.k == kInt {
			return cmpInt(a.i, b.i), true
		}
		switch {
		case a.f < b.f:
			return -1, true
		case a.f > b.f:
			return 1, true
		}
		return 0, true
	case a.k == kStr && b.k == kStr:
		return strings.Compare(a.s, b.s), true
	case a.k == kBool && b.k == kBool:
		if a.b == b.b {
			return 0, true
		}
		if !a.b {
			return -1, true
		}
		return 1, true
	}
	return 0, false
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

// val compiles a value expression inside a script.
func (c *compiler) val(sc *scriptScope, e ir.Expr) valFn {
	switch x := e.(type) {
	case *ir.Literal:
		v := litVal(x.Value)
		return func(*binding) sval { return v }
	case *ir.Field:
		i := sc.local(c.slot(x.Path))
		return func(b *binding) sval { return b.cur[i] }
	case *ir.Arith:
		l, r := c.val(sc, x.Left), c.val(sc, x.Right)
		op := x.Op
		return func(b *binding) sval { return arith(op, l(b), r(b)) }
	case *ir.Call:
		return c.call(sc, x)
	case *ir.And, *ir.Or, *ir.Not, *ir.In, *ir.Match, *ir.IsNull, *ir.Compare:
		p := c.pred(sc, e)
		return func(b *binding) sval {
			switch p(b) {
			case tTrue:
				return boolVal(true)
			case tFalse:
				return boolVal(false)
			}
			return null
		}
	}
	c.diags.Errorf(e.Loc(), "native/unknown-expr", "unsupported expression %T", e)
	return func(*binding) sval { return null }
}

// arith is Java arithmetic: int op int stays int (division truncates toward
// zero, % takes the dividend's sign); division or modulo by integer zero is
// null (Elasticsearch fails the query instead); otherwise float.
func arith(op ir.ArithOp, l, r sval) sval {
	if !(l.k == kInt || l.k == kFloat) || !(r.k == kInt || r.k == kFloat) {
		return null
	}
	if l.k == kInt && r.k == kInt {
		a, b := l.i, r.i
		switch op {
		case ir.Add:
			return intVal(a + b)
		case ir.Sub:
			return intVal(a - b)
		case ir.Mul:
			return intVal(a * b)
		case ir.Div:
			if b == 0 {
				return null
			}
			if a == math.MinInt64 && b == -1 {
				return intVal(a)
			}
			return intVal(a / b)
		case ir.Mod:
			if b == 0 {
				return null
			}
			if b == -1 {
				return intVal(0)
			}
			return intVal(a % b)
		}
		return null
	}
	a, b := l.f, r.f
	switch op {
	case ir.Add:
		return fltVal(a + b)
	case ir.Sub:
		return fltVal(a - b)
	case ir.Mul:
		return fltVal(a * b)
	case ir.Div:
		return fltVal(a / b)
	case ir.Mod:
		return fltVal(math.Mod(a, b))
	}
	return null
}

// call compiles a function call per Elasticsearch's function reference
// (notes/eql.md §4.2): null in gives null out.
func (c *compiler) call(sc *scriptScope, x *ir.Call) valFn {
	args := make([]valFn, len(x.Args))
	for i, a := range x.Args {
		args[i] = c.val(sc, a)
	}
	ci := x.CaseInsensitive
	arity := func(min, max int) bool {
		if len(args) < min || (max >= 0 && len(args) > max) {
			c.diags.Errorf(x.Span, "native/arity", "%s takes %s arguments, got %d", x.Name, arityText(min, max), len(args))
			return false
		}
		return true
	}
	bad := func(*binding) sval { return null }
	fold := func(b *binding, s string) string {
		if !ci {
			return s
		}
		return b.fold(s)
	}
	// strs evaluates the first n (at most 3) arguments, all strings or
	// not ok; an array, not a slice, so that it stays off the heap.
	strs := func(b *binding, n int) (out [3]string, ok bool) {
		for i := 0; i < n; i++ {
			v := args[i](b)
			if v.k != kStr {
				return out, false
			}
			out[i] = v.s
		}
		return out, true
	}
	switch x.Name {
	case "startswith", "endswith", "stringcontains":
		if !arity(2, 2) {
			return bad
		}
		name := x.Name
		return func(b *binding) sval {
			s, ok := strs(b, 2)
			if !ok {
				return null
			}
			a, sub := fold(b, s[0]), fold(b, s[1])
			switch name {
			case "startswith":
				return boolVal(strings.HasPrefix(a, sub))
			case "endswith":
				return boolVal(strings.HasSuffix(a, sub))
			}
			// ES: stringContains(x, "") is false.
			return boolVal(sub != "" && strings.Contains(a, sub))
		}
	case "between":
		if !arity(3, 4) {
			return bad
		}
		return func(b *binding) sval {
			s, ok := strs(b, 3)
			if !ok {
				return null
			}
			greedy := false
			if len(args) == 4 {
				g := args[3](b)
				if g.k != kBool {
					return null
				}
				greedy = g.b
			}
			src, l, r := fold(b, s[0]), fold(b, s[1]), fold(b, s[2])
			i := strings.Index(src, l)
			if i < 0 {
				return strVal("")
			}
			start := i + len(l)
			var j int
			if greedy {
				j = strings.LastIndex(src[start:], r)
			} else {
				j = strings.Index(src[start:], r)
			}
			if j < 0 {
				return strVal("")
			}
			// Slice the original, not the folded copy: folding keeps
			// ASCII lengths, and for other text we fall back to runes.
			if len(src) == len(s[0]) {
				return strVal(s[0][start : start+j])
			}
			return strVal(src[start : start+j])
		}
	case "indexof":
		if !arity(2, 3) {
			return bad
		}
		return func(b *binding) sval {
			s, ok := strs(b, 2)
			if !ok {
				return null
			}
			start := int64(0)
			if len(args) == 3 {
				v := args[2](b)
				if v.k != kInt {
					return null
				}
				start = v.i
			}
			src, sub := []rune(fold(b, s[0])), fold(b, s[1])
			if start < 0 {
				start = 0
			}
			if start > int64(len(src)) {
				return null
			}
			i := strings.Index(string(src[start:]), sub)
			if i < 0 {
				return null
			}
			return intVal(start + int64(utf8.RuneCountInString(string(src[start:])[:i])))
		}
	case "length":
		if !arity(1, 1) {
			return bad
		}
		return func(b *binding) sval {
			v := args[0](b)
			if v.k != kStr {
				return null
			}
			// Java's String.length: UTF-16 code units.
			n := int64(0)
			for _, r := range v.s {
				n++
				if r > 0xFFFF {
					n++
				}
			}
			return intVal(n)
		}
	case "string":
		if !arity(1, 1) {
			return bad
		}
		return func(b *binding) sval {
			v := args[0](b)
			if v.k == kNull {
				return null
			}
			return strVal(valString(v))
		}
	case "concat":
		return func(b *binding) sval {
			var sb strings.Builder
			for _, a := range args {
				v := a(b)
				if v.k == kNull {
					return null
				}
				sb.WriteString(valString(v))
			}
			return strVal(sb.String())
		}
	case "substring":
		if !arity(2, 3) {
			return bad
		}
		return func(b *binding) sval {
			v := args[0](b)
			st := args[1](b)
			if v.k != kStr || st.k != kInt {
				return null
			}
			rs := []rune(v.s)
			n := int64(len(rs))
			end := n
			if len(args) == 3 {
				e := args[2](b)
				if e.k == kInt {
					end = e.i
				} else if e.k != kNull {
					return null
				}
			}
			clamp := func(i int64) int64 {
				if i < 0 {
					i += n
					if i < 0 {
						i = 0
					}
				}
				if i > n {
					i = n
				}
				return i
			}
			s, e := clamp(st.i), clamp(end)
			if s >= e {
				return strVal("")
			}
			return strVal(string(rs[s:e]))
		}
	case "cidrmatch":
		if !arity(2, -1) {
			return bad
		}
		var prefixes []netip.Prefix
		for _, a := range x.Args[1:] {
			l, ok := a.(*ir.Literal)
			if !ok || l.Value.Kind != ir.KindString {
				c.diags.Errorf(a.Loc(), "native/cidr", "cidrMatch takes constant CIDR strings")
				return bad
			}
			p, err := ir.ParseCIDR(l.Value.Str)
			if err != nil {
				c.diags.Errorf(a.Loc(), "native/cidr", "invalid CIDR %s: %v", ir.Quote(l.Value.Str), err)
				return bad
			}
			prefixes = append(prefixes, p)
		}
		return func(b *binding) sval {
			v := args[0](b)
			if v.k == kNull {
				return null
			}
			if v.k != kStr {
				return boolVal(false)
			}
			a, err := netip.ParseAddr(v.s)
			if err != nil {
				return boolVal(false)
			}
			a = a.Unmap()
			for _, p := range prefixes {
				if p.Contains(a) {
					return boolVal(true)
				}
			}
			return boolVal(false)
		}
	case "add", "subtract", "multiply", "divide", "modulo":
		if !arity(2, 2) {
			return bad
		}
		op := map[string]ir.ArithOp{"add": ir.Add, "subtract": ir.Sub, "multiply": ir.Mul, "divide": ir.Div, "modulo": ir.Mod}[x.Name]
		return func(b *binding) sval { return arith(op, args[0](b), args[1](b)) }
	case "number":
		if !arity(1, 2) {
			return bad
		}
		return func(b *binding) sval {
			v := args[0](b)
			if v.k == kInt || v.k == kFloat {
				return v
			}
			if v.k != kStr {
				return null
			}
			base := int64(10)
			if len(args) == 2 {
				bv := args[1](b)
				if bv.k != kInt {
					return null
				}
				base = bv.i
			}
			return parseNumber(v.s, int(base))
		}
	}
	c.diags.Errorf(x.Span, "native/unknown-function", "unknown function %q", x.Name)
	return bad
}

func arityText(min, max int) string {
	switch {
	case max < 0:
		return strconv.Itoa(min) + " or more"
	case min == max:
		return strconv.Itoa(min)
	}
	return strconv.Itoa(min) + " to " + strconv.Itoa(max)
}

// parseNumber is ES number(): trims spaces, accepts a sign and a 0x prefix
// (base 16), and reads a float when base is 10 and the text is not an
// integer; anything else is null.
func parseNumber(s string, base int) sval {
	s = strings.TrimSpace(s)
	if s == "" {
		return null
	}
	neg := false
	body := s
	if body[0] == '+' || body[0] == '-' {
		neg = body[0] == '-'
		body = body[1:]
	}
	if strings.HasPrefix(body, "0x") || strings.HasPrefix(body, "0X") {
		if base != 10 && base != 16 {
			return null
		}
		body, base = body[2:], 16
	}
	if i, err := strconv.ParseInt(body, base, 64); err == nil {
		if neg {
			i = -i
		}
		return intVal(i)
	}
	if base == 10 {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return fltVal(f)
		}
	}
	return null
}

// valString is ES string(): booleans as true/false, numbers in decimal.
func valString(v sval) string {
	switch v.k {
	case kStr:
		return v.s
	case kBool:
		return strconv.FormatBool(v.b)
	case kInt:
		return strconv.FormatInt(v.i, 10)
	case kFloat:
		s := strconv.FormatFloat(v.f, 'f', -1, 64)
		if !strings.ContainsAny(s, ".eEnN") {
			s += ".0"
		}
		return s
	}
	return ""
}
