package native

import (
	"slices"

	"github.com/eqlx/eqlx/ir"
)

// step is one step of the plan that evaluates the event rules: a test
// that several rules require (a conjunct they share, such as
// `event.type == "start"` or the category), with the steps of the rules
// under it, or one rule's remaining conjuncts. Rules are true only when
// every conjunct is, so a shared conjunct that does not hold rules out all
// the rules under it at once, where evaluating rule by rule would ask each
// of them (a memo lookup each, at best).
type step struct {
	test  cond     // the shared conjunct, or the rule's rest (nil: none left)
	rule  int      // for a rule's step: its index in Program.events; else -1
	rules []uint64 // bit set over Program.events of the rules under this step
	kids  []step
}

// conjuncts lists the terms that q requires: its category test and the
// terms of its condition's top-level `and`.
func conjuncts(q *ir.EventQuery) []ir.Expr {
	var out []ir.Expr
	if cat := categoryLeaf(q); cat != nil {
		out = append(out, cat)
	}
	switch x := q.Cond.(type) {
	case nil:
	case *ir.And:
		out = append(out, x.Terms...)
	default:
		out = append(out, x)
	}
	return out
}

// plan plans the evaluation of the event queries qs (parallel to
// Program.events): greedily, the conjunct that most of the rules at hand
// share (two at least; the cheaper one on a tie) becomes a step over the
// rules that have it, and the rules without it are planned beside it.
func (c *compiler) plan(qs []*ir.EventQuery) []step {
	words := (len(qs) + 63) / 64
	rest := make([][]ir.Expr, len(qs))
	keys := make([][]string, len(qs)) // shareKey of each of rest
	idx := make([]int, len(qs))
	for i, q := range qs {
		rest[i] = conjuncts(q)
		for _, e := range rest[i] {
			keys[i] = append(keys[i], c.shareKey(e))
		}
		idx[i] = i
	}
	var split func(rules []int) []step
	split = func(rules []int) []step {
		count := map[string]int{}
		expr := map[string]ir.Expr{}
		for _, i := range rules {
			for j, k := range keys[i] {
				if k != "" && !slices.Contains(keys[i][:j], k) {
					count[k]++
					expr[k] = rest[i][j]
				}
			}
		}
		best := ""
		for k, n := range count {
			if n < 2 {
				continue
			}
			if best == "" || n > count[best] ||
				n == count[best] && (cost(expr[k]) < cost(expr[best]) || cost(expr[k]) == cost(expr[best]) && k < best) {
				best = k
			}
		}
		if best == "" {
			out := make([]step, len(rules))
			for j, i := range rules {
				out[j] = step{rule: i, rules: bitOf(i, words)}
				switch len(rest[i]) {
				case 0:
				case 1:
					out[j].test = c.boolExpr(rest[i][0])
				default:
					out[j].test = c.boolExpr(&ir.And{Terms: rest[i]})
				}
			}
			return out
		}
		var with, without []int
		for _, i := range rules {
			j := slices.Index(keys[i], best)
			if j < 0 {
				without = append(without, i)
				continue
			}
			rest[i] = append(rest[i][:j:j], rest[i][j+1:]...)
			keys[i] = append(keys[i][:j:j], keys[i][j+1:]...)
			with = append(with, i)
		}
		g := step{test: c.boolExprUses(expr[best], len(with)), rule: -1, rules: make([]uint64, words), kids: split(with)}
		for _, i := range with {
			g.rules[i>>6] |= 1 << (i & 63)
		}
		out := []step{g}
		if len(without) > 0 {
			out = append(out, split(without)...)
		}
		return out
	}
	if len(qs) == 0 {
		return nil
	}
	return split(idx)
}

func bitOf(i, words int) []uint64 {
	b := make([]uint64, words)
	b[i>>6] |= 1 << (i & 63)
	return b
}

// op is one step of the plan laid out in a flat slice, in the order a walk
// of the steps visits them: a step whose test does not hold, or whose rules
// the indexes all ruled out, skips the ops of the steps under it. No
// recursion, and an op is small.
type op struct {
	test cond   // nil: none
	mask uint64 // the first word of the step's rules: all of them up to 64 event rules
	rule int32  // a rule's step: its index in Program.events; else -1
	skip int32  // the ops of this step and of the steps under it
}

// flatten lays steps out as ops, and their rule sets, for more than 64
// event rules, in rules (parallel to the ops): 24 bytes an op keeps the
// plan of 20 rules in 15 cache lines, which decoding the next line would
// otherwise evict more of.
func flatten(steps []step, ops []op, rules [][]uint64) ([]op, [][]uint64) {
	for i := range steps {
		s := &steps[i]
		at := len(ops)
		ops = append(ops, op{test: s.test, mask: s.rules[0], rule: int32(s.rule)})
		if len(s.rules) > 1 {
			rules = append(rules, s.rules)
		}
		ops, rules = flatten(s.kids, ops, rules)
		ops[at].skip = int32(len(ops) - at)
	}
	return ops, rules
}

// matchEvents evaluates the event rules on ev, those that cand lets
// through (nil: all), and returns the bit set over Program.events of the
// rules that match: the caller emits them in rule order, whatever order
// the plan tested them in.
func (p *Program) matchEvents(ev *event, cand []uint64) []uint64 {
	n := (len(p.events) + 63) / 64
	if cap(ev.matched) < n {
		ev.matched = make([]uint64, n)
	}
	m := ev.matched[:n]
	clear(m)
	ops := p.ops
	if n == 1 && cand != nil {
		// Up to 64 event rules, gated by the indexes: the common case,
		// with the candidates and the matches in registers.
		c, got := cand[0], uint64(0)
		for i := 0; i < len(ops); {
			o := &ops[i]
			if o.mask&c == 0 || o.test != nil && o.test(ev) != tTrue {
				i += int(o.skip)
				continue
			}
			if o.rule >= 0 {
				got |= 1 << o.rule
			}
			i++
		}
		m[0] = got
		return m
	}
	for i := 0; i < len(ops); {
		o := &ops[i]
		// Here cand, when there is one, spans several words: the case of
		// one word returned above.
		if cand != nil && !intersects(p.opRules[i], cand) ||
			o.test != nil && o.test(ev) != tTrue {
			i += int(o.skip)
			continue
		}
		if o.rule >= 0 {
			m[o.rule>>6] |= 1 << (o.rule & 63)
		}
		i++
	}
	return m
}
