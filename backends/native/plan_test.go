package native

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/eqlx/eqlx/ir"
)

// TestPlanMatchesEachRule: rules built from a small pool of conjuncts, so
// that the plan shares many of them as steps (categories, and tests that
// are null on some events), each match exactly the events the oracle says
// of that rule alone; 30 rules, or 70.
func TestPlanMatchesEachRule(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 5))
	batches := 40
	if testing.Short() {
		batches = 8
	}
	shared := 0
	for b := range batches {
		pool := make([]ir.Expr, 6)
		for i := range pool {
			pool[i] = randExpr(r, 2)
		}
		var rules []*ir.Rule
		var exprs []ir.Expr
		// Over 64 rules every other batch: the plan's bit sets take two
		// words, which its walk handles apart.
		for i := range 30 + 40*(b%2) {
			var terms []ir.Expr
			for range r.IntN(5) {
				terms = append(terms, pool[r.IntN(len(pool))])
			}
			var cond ir.Expr
			switch len(terms) {
			case 0:
			case 1:
				cond = terms[0]
			default:
				cond = and(terms...)
			}
			cat := []string{"any", "process", "file"}[r.IntN(3)]
			rules = append(rules, rule(fmt.Sprint("r", i), evq(cat, cond)))
			want := cond
			if cat != "any" {
				want = and(append([]ir.Expr{in("event.category", cat)}, terms...)...)
			} else if want == nil {
				want = isNull(fld("never.set")) // `any where true`
			}
			exprs = append(exprs, want)
		}
		prog, diags := Compile(rules, Options{})
		if diags.HasErrors() {
			t.Fatalf("compile: %v", diags)
		}
		for _, o := range prog.ops {
			if o.rule < 0 {
				shared++
			}
		}
		eng := prog.NewEngine()
		for range 50 {
			doc := randEvent(r)
			if k := r.IntN(4); k > 0 {
				doc["event"] = map[string]any{"category": [][]any{nil, {"process"}, {"file", "process"}}[k-1]}
			}
			matchesOracle(t, eng, exprs, doc, fmt.Sprint("batch ", b))
		}
	}
	if shared == 0 {
		t.Error("no step was shared by several rules: the test does not exercise the plan")
	}
}

// TestPlanEmitsInRuleOrder: matches come out in the order of the rules,
// whatever order the plan tests them in.
func TestPlanEmitsInRuleOrder(t *testing.T) {
	rules := []*ir.Rule{
		rule("a", evq("process", in("process.name", "nc"))),
		rule("b", evq("process", and(in("event.type", "start"), in("process.name", "nc")))),
		rule("c", evq("any", in("process.name", "nc"))),
		rule("d", evq("process", and(in("event.type", "start"), in("user.name", "root")))),
	}
	prog, diags := Compile(rules, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var got []int
	line := `{"event":{"category":"process","type":"start"},"process":{"name":"nc"},"user":{"name":"root"}}`
	if err := prog.NewEngine().Process([]byte(line), func(m Match) { got = append(got, m.Rule) }); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[0 1 2 3]" {
		t.Errorf("rules matched in the order %v, want [0 1 2 3]", got)
	}
}
