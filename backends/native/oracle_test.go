package native

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eqlx/eqlx/ir"
)

// The oracle is a plain tree-walking evaluator over encoding/json's
// map[string]any, written from doc.go's rules without the planner's sets,
// tables, folding tricks or slots. TestDifferential checks that both agree.

func oLookup(doc map[string]any, path string) []any {
	var out []any
	var walk func(v any, segs []string)
	walk = func(v any, segs []string) {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e, segs)
			}
			return
		case nil:
			return
		}
		if len(segs) == 0 {
			if _, isObj := v.(map[string]any); !isObj {
				out = append(out, v)
			}
			return
		}
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		walk(m[segs[0]], segs[1:])
	}
	walk(doc, strings.Split(path, "."))
	return out
}

func oEq(v any, lit ir.Value, ci bool) bool {
	switch x := v.(type) {
	case string:
		if lit.Kind != ir.KindString {
			return false
		}
		if ci {
			return strings.EqualFold(x, lit.Str)
		}
		return x == lit.Str
	case float64:
		switch lit.Kind {
		case ir.KindInt:
			return x == float64(lit.Int)
		case ir.KindFloat:
			return x == lit.Float
		}
	case bool:
		return lit.Kind == ir.KindBool && x == lit.Bool
	}
	return false
}

func oWildcard(p string, ci bool) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("(?s")
	if ci {
		b.WriteString("i")
	}
	b.WriteString(")^")
	for _, r := range p {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

func oBool(b bool) tri {
	if b {
		return tTrue
	}
	return tFalse
}

func oracle(e ir.Expr, doc map[string]any) tri {
	switch x := e.(type) {
	case *ir.And:
		r := tTrue
		for _, t := range x.Terms {
			switch oracle(t, doc) {
			case tFalse:
				return tFalse
			case tNull:
				r = tNull
			}
		}
		return r
	case *ir.Or:
		r := tFalse
		for _, t := range x.Terms {
			switch oracle(t, doc) {
			case tTrue:
				return tTrue
			case tNull:
				r = tNull
			}
		}
		return r
	case *ir.Not:
		r := oracle(x.X, doc)
		if !ir.IsScript(x.X) {
			// must_not: TRUE unless the operand is TRUE.
			return boolTri(r != tTrue)
		}
		switch r {
		case tTrue:
			return tFalse
		case tFalse:
			return tTrue
		}
		return tNull
	case *ir.In:
		if f, ok := x.X.(*ir.Field); ok {
			for _, v := range oLookup(doc, f.Path) {
				for _, l := range x.Values {
					if oEq(v, l, x.CaseInsensitive) {
						return tTrue
					}
				}
			}
			return tFalse
		}
	case *ir.Match:
		if f, ok := x.X.(*ir.Field); ok {
			for _, v := range oLookup(doc, f.Path) {
				s, ok := v.(string)
				if !ok {
					continue
				}
				for _, p := range x.Patterns {
					if oWildcard(p, x.CaseInsensitive).MatchString(s) {
						return tTrue
					}
				}
			}
			return tFalse
		}
	case *ir.IsNull:
		if f, ok := x.X.(*ir.Field); ok {
			return oBool(len(oLookup(doc, f.Path)) == 0)
		}
	case *ir.Compare:
		// A range query: any element of the same type as the constant.
		f, ok1 := x.Left.(*ir.Field)
		l, ok2 := x.Right.(*ir.Literal)
		if ok1 && ok2 && l.Value.Kind == ir.KindInt {
			for _, v := range oLookup(doc, f.Path) {
				n, ok := v.(float64)
				if !ok {
					continue
				}
				c := float64(l.Value.Int)
				if x.Op == ir.Lt && n < c || x.Op == ir.Le && n <= c || x.Op == ir.Gt && n > c || x.Op == ir.Ge && n >= c {
					return tTrue
				}
			}
			return tFalse
		}
	}
	return oScript(e, doc)
}

// oScript evaluates a computed predicate for every combination of the
// elements of the fields it reads.
func oScript(e ir.Expr, doc map[string]any) tri {
	var fields []string
	ir.Walk(e, func(n ir.Expr) bool {
		if f, ok := n.(*ir.Field); ok {
			for _, g := range fields {
				if g == f.Path {
					return true
				}
			}
			fields = append(fields, f.Path)
		}
		return true
	})
	env := map[string]any{}
	var rec func(i int) tri
	rec = func(i int) tri {
		if i == len(fields) {
			return oPred(e, env)
		}
		vals := oLookup(doc, fields[i])
		if len(vals) == 0 {
			env[fields[i]] = nil
			return rec(i + 1)
		}
		r := tFalse
		for _, v := range vals {
			env[fields[i]] = v
			switch rec(i + 1) {
			case tTrue:
				return tTrue
			case tNull:
				r = tNull
			}
		}
		return r
	}
	return rec(0)
}

func oPred(e ir.Expr, env map[string]any) tri {
	switch x := e.(type) {
	case *ir.Not:
		switch oPred(x.X, env) {
		case tTrue:
			return tFalse
		case tFalse:
			return tTrue
		}
		return tNull
	case *ir.In:
		v := oVal(x.X, env)
		if v == nil {
			return tNull
		}
		for _, l := range x.Values {
			if oEq(v, l, x.CaseInsensitive) {
				return tTrue
			}
		}
		return tFalse
	case *ir.IsNull:
		return oBool(oVal(x.X, env) == nil)
	case *ir.Compare:
		l, r := oVal(x.Left, env), oVal(x.Right, env)
		if l == nil || r == nil {
			return tNull
		}
		lf, lok := l.(float64)
		rf, rok := r.(float64)
		if !lok || !rok {
			if x.Op == ir.Eq {
				return oBool(l == r)
			}
			return tNull
		}
		switch x.Op {
		case ir.Lt:
			return oBool(lf < rf)
		case ir.Le:
			return oBool(lf <= rf)
		case ir.Gt:
			return oBool(lf > rf)
		case ir.Ge:
			return oBool(lf >= rf)
		case ir.Eq:
			return oBool(lf == rf)
		}
	}
	v := oVal(e, env)
	if v == nil {
		return tNull
	}
	return oBool(v == true)
}

func oVal(e ir.Expr, env map[string]any) any {
	switch x := e.(type) {
	case *ir.Field:
		return env[x.Path]
	case *ir.Literal:
		switch x.Value.Kind {
		case ir.KindInt:
			return float64(x.Value.Int)
		case ir.KindString:
			return x.Value.Str
		}
		return nil
	case *ir.Call:
		switch x.Name {
		case "length":
			s, ok := oVal(x.Args[0], env).(string)
			if !ok {
				return nil
			}
			return float64(len([]rune(s)))
		case "startswith":
			s, ok1 := oVal(x.Args[0], env).(string)
			p, ok2 := oVal(x.Args[1], env).(string)
			if !ok1 || !ok2 {
				return nil
			}
			if x.CaseInsensitive {
				return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p)
			}
			return strings.HasPrefix(s, p)
		}
	case *ir.Arith:
		l, ok1 := oVal(x.Left, env).(float64)
		r, ok2 := oVal(x.Right, env).(float64)
		if !ok1 || !ok2 {
			return nil
		}
		switch x.Op {
		case ir.Add:
			return l + r
		case ir.Sub:
			return l - r
		}
	}
	return nil
}

// Random events and expressions over a small vocabulary, so that values
// collide often.
var (
	rWords = []string{"nc", "NC", "bash", "-l", "a", "ab", "é", "É", ""}
	rPats  = []string{"*", "n*", "*c", "?c", "N?", "*a*", "a?", "-*l*", "*é", "??"}
)

func randValue(r *rand.Rand) any {
	switch r.IntN(6) {
	case 0:
		return nil
	case 1:
		return float64(r.IntN(4))
	case 2:
		return r.IntN(2) == 0
	case 3:
		var arr []any
		for range r.IntN(3) {
			arr = append(arr, randValue(r))
		}
		return arr
	}
	return rWords[r.IntN(len(rWords))]
}

func randEvent(r *rand.Rand) map[string]any {
	doc := map[string]any{}
	for _, f := range []string{"a", "b"} {
		if r.IntN(4) > 0 {
			doc[f] = randValue(r)
		}
	}
	if r.IntN(2) == 0 {
		doc["p"] = map[string]any{"q": randValue(r)}
	}
	return doc
}

// randGate is a test that a rule index can gate on: a string `in`, exact
// or case-insensitive, or a wildcard match without wildcards.
func randGate(r *rand.Rand) ir.Expr {
	var words []string
	for range 1 + r.IntN(3) {
		words = append(words, rWords[r.IntN(len(rWords))])
	}
	f, ci := randField(r), r.IntN(2) == 0
	if r.IntN(3) == 0 {
		return &ir.Match{X: f, Kind: ir.Wildcard, CaseInsensitive: ci, Patterns: words}
	}
	return &ir.In{X: f, Values: strs(words...), CaseInsensitive: ci}
}

func randField(r *rand.Rand) *ir.Field {
	return fld([]string{"a", "b", "p.q"}[r.IntN(3)])
}

func randLit(r *rand.Rand) ir.Value {
	switch r.IntN(3) {
	case 0:
		return ir.IntValue(int64(r.IntN(4)))
	case 1:
		return ir.BoolValue(r.IntN(2) == 0)
	}
	return ir.StringValue(rWords[r.IntN(len(rWords))])
}

func randNum(r *rand.Rand, depth int) ir.Expr {
	switch r.IntN(3) {
	case 0:
		return call("length", false, randField(r))
	case 1:
		if depth > 0 {
			return &ir.Arith{Op: []ir.ArithOp{ir.Add, ir.Sub}[r.IntN(2)], Left: randNum(r, depth-1), Right: litI(int64(r.IntN(3)))}
		}
	}
	return randField(r)
}

func randExpr(r *rand.Rand, depth int) ir.Expr {
	n := 7
	if depth > 0 {
		n = 10
	}
	switch r.IntN(n) {
	case 0, 1:
		var vals []ir.Value
		for range 1 + r.IntN(3) {
			vals = append(vals, randLit(r))
		}
		return &ir.In{X: randField(r), Values: vals, CaseInsensitive: r.IntN(2) == 0}
	case 2, 3:
		var pats []string
		for range 1 + r.IntN(3) {
			pats = append(pats, rPats[r.IntN(len(rPats))])
		}
		return &ir.Match{X: randField(r), Kind: ir.Wildcard, Patterns: pats, CaseInsensitive: r.IntN(2) == 0}
	case 4:
		return isNull(randField(r))
	case 5:
		return call("startswith", r.IntN(2) == 0, randField(r), litS(rWords[r.IntN(len(rWords))]))
	case 6:
		return cmp([]ir.CmpOp{ir.Lt, ir.Le, ir.Gt, ir.Ge}[r.IntN(4)], randNum(r, 1), litI(int64(r.IntN(4))))
	case 7:
		return not(randExpr(r, depth-1))
	case 8:
		return and(randExpr(r, depth-1), randExpr(r, depth-1))
	}
	return or(randExpr(r, depth-1), randExpr(r, depth-1))
}

// TestDifferential: random expressions over random events give the same
// answer from the planned evaluator and from the oracle.
func TestDifferential(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 1337))
	n := 3000
	if testing.Short() {
		n = 300
	}
	for i := range n {
		e := randExpr(r, 3)
		prog, diags := Compile([]*ir.Rule{rule("t", evq("any", e))}, Options{})
		if diags.HasErrors() {
			t.Fatalf("compile %s: %v", ir.PrintExpr(e), diags)
		}
		eng := prog.NewEngine()
		for range 20 {
			doc := randEvent(r)
			line, _ := json.Marshal(doc)
			got := false
			if err := eng.Process(line, func(Match) { got = true }); err != nil {
				t.Fatalf("process %s: %v", line, err)
			}
			if want := oracle(e, doc) == tTrue; got != want {
				t.Fatalf("case %d: %s on %s: evaluator %v, oracle %v", i, ir.PrintExpr(e), line, got, want)
			}
		}
	}
}

// TestDifferentialManyRules: random rules compiled together, so that they
// share memoised leaves, plan steps and rule indexes, each match
// exactly the events the oracle says. Half the rules start with a string
// test on a common field, or an `or` of two, which the indexes gate on.
func TestDifferentialManyRules(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 99))
	batches := 60
	if testing.Short() {
		batches = 10
	}
	multiPart, folded := 0, 0
	defer func() {
		if !t.Failed() && (multiPart == 0 || folded == 0) {
			t.Errorf("indexes with several lookups: %d, folded lookups: %d: the test does not exercise both", multiPart, folded)
		}
	}()
	for b := range batches {
		var rules []*ir.Rule
		var exprs []ir.Expr
		for i := range 40 {
			e := randExpr(r, 3)
			if i%2 == 0 {
				gate := randGate(r)
				if r.IntN(3) == 0 {
					gate = or(gate, randGate(r)) // as process.name: X or process.args: X
				}
				if r.IntN(2) == 0 {
					e = and(gate, e)
				} else {
					e = or(and(gate, e), randGate(r))
				}
			}
			exprs = append(exprs, e)
			rules = append(rules, rule(fmt.Sprint("r", i), evq("any", e)))
		}
		prog, diags := Compile(rules, Options{})
		if diags.HasErrors() {
			t.Fatalf("compile: %v", diags)
		}
		if b == 0 && len(prog.indexes) == 0 {
			t.Fatal("no rule index was built: the test does not exercise them")
		}
		for _, ix := range prog.indexes {
			for _, part := range ix.parts {
				if len(ix.parts) > 1 {
					multiPart++
				}
				if part.mode.fold {
					folded++
				}
			}
		}
		eng := prog.NewEngine()
		for range 50 {
			doc := randEvent(r)
			matchesOracle(t, eng, exprs, doc, fmt.Sprint("batch ", b))
		}
	}
}

// TestIndexesNeverChangeMatches: a rule set of event rules, sequences
// (with missing stages and until) and samples whose queries start with
// indexable tests gives the same matches, in the same order, with its
// rule indexes as without them, over a stream of random events. The
// indexes gate sequence and sample stages too, which the oracle tests
// above do not reach.
func TestIndexesNeverChangeMatches(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 5))
	gated := func() *ir.EventQuery {
		e := randGate(r)
		if r.IntN(2) == 0 {
			e = and(e, randExpr(r, 2))
		}
		return evq("any", e)
	}
	var rules []*ir.Rule
	for i := range 30 {
		switch i % 3 {
		case 0:
			rules = append(rules, rule(fmt.Sprint("e", i), gated()))
		case 1:
			sq := &ir.Sequence{By: []ir.Expr{fld("k")}, MaxSpan: span(50 * time.Second),
				Stages: []*ir.Stage{stage(gated()), stage(gated())}}
			if r.IntN(2) == 0 {
				sq.Stages = append(sq.Stages, &ir.Stage{Query: gated(), Missing: true, Runs: 1}, stage(gated()))
			}
			if r.IntN(2) == 0 {
				sq.Until = stage(gated())
			}
			rules = append(rules, rule(fmt.Sprint("s", i), sq))
		default:
			rules = append(rules, rule(fmt.Sprint("m", i), &ir.Sample{By: []ir.Expr{fld("k")},
				Stages: []*ir.Stage{stage(gated()), stage(gated())}}))
		}
	}
	prog, diags := Compile(rules, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if len(prog.indexes) == 0 {
		t.Fatal("no rule index was built: the test proves nothing")
	}
	plain, _ := Compile(rules, Options{})
	plain.indexes = nil
	var lines [][]byte
	for i := range 3000 {
		doc := randEvent(r)
		doc["k"] = fmt.Sprint(r.IntN(3))
		doc["@timestamp"] = time.Unix(int64(i*3), 0).UTC().Format(time.RFC3339)
		line, _ := json.Marshal(doc)
		lines = append(lines, line)
	}
	run := func(p *Program) []string {
		var out []string
		eng := p.NewEngine()
		emit := func(m Match) { out = append(out, fmt.Sprint(m.Rule, m.Nums)) }
		for _, l := range lines {
			if err := eng.Process(l, emit); err != nil {
				t.Fatal(err)
			}
		}
		eng.Flush(emit)
		return out
	}
	got, want := run(prog), run(plain)
	if len(want) < 100 {
		t.Fatalf("only %d matches without indexes: the test proves little", len(want))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("with indexes %d matches, without %d; first difference at %d", len(got), len(want), firstDiff(got, want))
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// matchesOracle processes doc with eng, whose rules are exprs (each an
// event query's condition, the category included), and fails unless each
// rule matched exactly when the oracle says its expression is true.
func matchesOracle(t *testing.T, eng *Engine, exprs []ir.Expr, doc map[string]any, where string) {
	t.Helper()
	line, _ := json.Marshal(doc)
	got := make([]bool, len(exprs))
	if err := eng.Process(line, func(m Match) { got[m.Rule] = true }); err != nil {
		t.Fatalf("process %s: %v", line, err)
	}
	for i, e := range exprs {
		if want := oracle(e, doc) == tTrue; got[i] != want {
			t.Fatalf("%s rule %d: %s on %s: evaluator %v, oracle %v", where, i, ir.PrintExpr(e), line, got[i], want)
		}
	}
}
