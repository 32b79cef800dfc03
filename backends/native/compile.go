package native

import (
	"bytes"
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/eqlx/eqlx/ir"
	"github.com/eqlx/eqlx/ir/ecs"
)

// Options tune a Program.
type Options struct {
	// MaxState caps the pending partial sequences (and incomplete sample
	// groups) each sequence or sample rule keeps per Engine; when full, the
	// oldest is dropped and counted in Stats. 0 means DefaultMaxState.
	MaxState int
}

// DefaultMaxState is the per-rule state cap when Options.MaxState is 0.
const DefaultMaxState = 100_000

// Program is a set of rules planned for evaluation: field paths resolved to
// slots, value lists to hash sets, patterns compiled. It is immutable and
// safe for concurrent use by many Engines.
type Program struct {
	rules    []*ir.Rule
	ext      extractor
	nslots   int
	paths    []string
	events   []eventRule // single-event rules, in the order of Rules
	ops      []op        // the plan of the event rules (see step), flattened
	opRules  [][]uint64  // over 64 event rules: each op's rule set
	seqs     []*seqPlan
	samples  []*samplePlan
	pipes    []ir.Pipe // per rule: the effective head/tail (Kind 0: none)
	maxState int
	needTS   bool
	nmemo    int
	// indexes gate the event rules: a rule runs only when every index
	// lets it (see ruleIndex). Empty: every rule runs.
	indexes []ruleIndex
}

// forEachCond calls fn on the condition and the category test of every
// event query in q.
func forEachCond(q ir.Query, fn func(ir.Expr)) {
	each := func(e *ir.EventQuery) {
		fn(e.Cond)
		if cat := categoryLeaf(e); cat != nil {
			fn(cat)
		}
	}
	switch x := q.(type) {
	case *ir.EventQuery:
		each(x)
	case *ir.Sequence:
		for _, s := range x.Stages {
			each(s.Query)
		}
		if x.Until != nil {
			each(x.Until.Query)
		}
	case *ir.Sample:
		for _, s := range x.Stages {
			each(s.Query)
		}
	}
}

// Rules returns the rules in the order Compile got them; Match.Rule indexes it.
func (p *Program) Rules() []*ir.Rule { return p.rules }

// Fields returns the field paths the program reads, in slot order.
func (p *Program) Fields() []string { return p.paths }

type eventRule struct {
	rule int // index in Rules
}

// tri is a three-valued truth value (Kleene logic).
type tri uint8

const (
	tFalse tri = iota
	tTrue
	tNull
)

// cond evaluates a condition on the current event.
type cond func(ev *event) tri

// fieldType is what the ECS catalogue says a field holds; it decides how
// values of other JSON types compare (ir's contract, "Types").
type fieldType uint8

const (
	ftUnknown fieldType = iota // the JSON types decide
	ftString                   // keyword-like: numbers stand for their text
	ftNumber                   // numeric: strings holding numbers are numbers
	ftDate                     // date: compared as instants
	ftIP                       // ip: compared by address
)

func typeOf(path string) fieldType {
	f, ok := ecs.Lookup(path)
	switch {
	case !ok:
		return ftUnknown
	case f.Type == ecs.IP:
		return ftIP
	case f.Type == ecs.Date:
		return ftDate
	case f.Type.IsNumeric():
		return ftNumber
	case f.Type.IsString():
		return ftString
	}
	return ftUnknown
}

// coerce converts one value to the field's type, when it can.
func coerce(ft fieldType, v scalar) scalar {
	switch {
	case ft == ftString && (v.k == kInt || v.k == kFloat):
		return scalar{k: kStr, s: v.s}
	case ft == ftNumber && v.k == kStr:
		if n, ok := numberIn(v.s); ok {
			return n
		}
	}
	return v
}

// litText is a numeric constant's decimal text, as a keyword field sees it.
func litText(v ir.Value) string {
	if v.Kind == ir.KindInt {
		return strconv.FormatInt(v.Int, 10)
	}
	return strconv.FormatFloat(v.Float, 'f', -1, 64)
}

// isIP reports whether path is an ECS field of type ip, which
// Elasticsearch compares by address value ("::1" equals "0:0:0:0:0:0:0:1").
func isIP(path string) bool {
	f, ok := ecs.Lookup(path)
	return ok && f.Type == ecs.IP
}

type compiler struct {
	// stageQs are the queries of sequence and sample stages, which the
	// rule indexes gate too: stage i is bit len(event rules)+i, stored in
	// *stageBits[i] once the event rules are known.
	stageQs   []*ir.EventQuery
	stageBits []*int
	leafCount map[string]int
	memo      map[string]int
	keys      map[ir.Expr]string // shareKey, per node
	compiled  map[string]cond    // leaf, per shareKey, when it compiled without error
	slots     map[string]int
	paths     []string
	diags     ir.Diagnostics
	file      string
}

func (c *compiler) slot(path string) int {
	if s, ok := c.slots[path]; ok {
		return s
	}
	s := len(c.paths)
	c.slots[path] = s
	c.paths = append(c.paths, path)
	return s
}

// Compile plans rules for evaluation. Rules that cannot be evaluated (a
// regex that RE2 cannot express, an unknown function) get error
// diagnostics and are left out of the Program's evaluation, but keep their
// index in Rules. The Program is never nil.
func Compile(rules []*ir.Rule, opt Options) (*Program, ir.Diagnostics) {
	c := &compiler{slots: map[string]int{}, leafCount: map[string]int{}, memo: map[string]int{},
		keys: map[ir.Expr]string{}, compiled: map[string]cond{}}
	for _, r := range rules {
		forEachCond(r.Query, c.countLeaves)
	}
	p := &Program{rules: rules, maxState: opt.MaxState, pipes: make([]ir.Pipe, len(rules))}
	if p.maxState <= 0 {
		p.maxState = DefaultMaxState
	}
	tsSlot := -1
	var evQueries []*ir.EventQuery // parallel to p.events
	for i, r := range rules {
		before := len(c.diags)
		c.file = r.Meta.File
		if r.Query == nil {
			c.diags.Errorf(ir.Span{Start: ir.Pos{File: r.Meta.File}}, "native/no-query", "rule %q has no query", r.Meta.Name)
			continue
		}
		if pp := r.Query.PipeList(); len(pp) > 0 {
			p.pipes[i] = effectivePipe(pp)
		}
		switch q := r.Query.(type) {
		case *ir.EventQuery:
			// Compiled here for its diagnostics: the rules that compile
			// are compiled again, together, into the plan.
			c.eventQuery(q)
			if len(c.diags) == before || !c.diags[before:].HasErrors() {
				p.events = append(p.events, eventRule{rule: i})
				evQueries = append(evQueries, q)
			}
		case *ir.Sequence:
			sp := c.sequence(i, q)
			if !c.diags[before:].HasErrors() {
				p.seqs = append(p.seqs, sp)
				if q.MaxSpan != nil {
					p.needTS = true
				}
			}
		case *ir.Sample:
			sp := c.sample(i, q)
			if !c.diags[before:].HasErrors() {
				p.samples = append(p.samples, sp)
			}
		default:
			c.diags.Errorf(r.Query.Loc(), "native/unknown-query", "unsupported query type %T", r.Query)
		}
	}
	for i, b := range c.stageBits {
		*b = len(evQueries) + i
	}
	for _, sp := range p.seqs {
		all := slices.Clone(sp.pos)
		for _, g := range sp.gaps {
			all = append(all, g...)
		}
		if sp.until != nil {
			all = append(all, *sp.until)
		}
		sp.gate = stageGate(all...)
	}
	for _, sp := range p.samples {
		sp.gate = stageGate(sp.stages...)
	}
	p.indexes = c.ruleIndexes(append(evQueries, c.stageQs...))
	p.ops, p.opRules = flatten(c.plan(evQueries), nil, nil)
	if p.needTS {
		tsSlot = c.slot("@timestamp")
	}
	p.paths = c.paths
	p.nslots = len(c.paths)
	p.nmemo = len(c.memo)
	p.ext = extractor{root: buildTrie(c.paths), tsSlot: tsSlot}
	c.diags.Sort()
	return p, c.diags
}

// effectivePipe folds a chain of head/tail pipes into the one this engine
// applies: the first pipe, with the limit of the smallest N of the same kind
// that follows it. Mixed chains (head then tail) keep the first pipe only.
func effectivePipe(pp []ir.Pipe) ir.Pipe {
	out := pp[0]
	for _, q := range pp[1:] {
		if q.Kind == out.Kind && q.N < out.N {
			out.N = q.N
		}
	}
	return out
}

func buildTrie(paths []string) *trieNode {
	root := &trieNode{slot: -1, table: noChildren}
	for s, p := range paths {
		n := root
		for _, seg := range strings.Split(p, ".") {
			ch := n.child([]byte(seg))
			if ch == nil {
				path := seg
				if n.path != "" {
					path = n.path + "." + seg
				}
				ch = n.addChild(seg, path)
			}
			n = ch
		}
		n.slot = s
	}
	return root
}

// eventQuery compiles `category where cond`: the category test first (it
// is the cheapest and most selective, and shared by every rule of the
// category, so evaluated once per event), then the condition.
func (c *compiler) eventQuery(q *ir.EventQuery) cond {
	body := c.boolExpr(q.Cond)
	cat := categoryLeaf(q)
	if cat == nil {
		return body
	}
	catTest := c.boolExpr(cat)
	if q.Cond == nil {
		return catTest
	}
	return func(ev *event) tri {
		if catTest(ev) != tTrue {
			return tFalse
		}
		return body(ev)
	}
}

// categoryLeaf is the category test of q as a predicate (an exact,
// case-sensitive element of the category field), or nil for `any`.
func categoryLeaf(q *ir.EventQuery) ir.Expr {
	if q.IsAny() || q.Category == "" {
		return nil
	}
	field := q.CategoryField
	if field == "" {
		field = ir.CategoryField
	}
	return &ir.In{X: &ir.Field{Path: field}, Values: []ir.Value{ir.StringValue(q.Category)}}
}

// cost is a static estimate used to evaluate the cheapest terms first. A
// test of an array field (process.args) is tested on each of its values,
// several for most events: twice the cost of the same test on one value.
func cost(e ir.Expr) int {
	switch x := e.(type) {
	case *ir.IsNull:
		return 1
	case *ir.In:
		f, ok := x.X.(*ir.Field)
		if !ok {
			return 50
		}
		if len(x.Values) == 1 && x.Values[0].Kind == ir.KindBool {
			return 2
		}
		n := 3
		if x.CaseInsensitive {
			n = 6
		}
		return n * values(f)
	case *ir.Compare:
		return 4
	case *ir.Match:
		f, ok := x.X.(*ir.Field)
		if !ok {
			return 60
		}
		n := 8 + len(x.Patterns)
		if x.Kind == ir.Regex {
			n += 30
		}
		if x.CaseInsensitive {
			n += 4
		}
		return n * values(f)
	case *ir.Not:
		return cost(x.X)
	case *ir.And:
		n := 0
		for _, t := range x.Terms {
			n += cost(t)
		}
		return n
	case *ir.Or:
		n := 0
		for _, t := range x.Terms {
			n += cost(t)
		}
		return n
	}
	return 40
}

// values is the weight of a field's number of values in cost.
func values(f *ir.Field) int {
	if d, ok := ecs.Lookup(f.Path); ok && d.Array {
		return 2
	}
	return 1
}

// isLeaf reports whether e is a query predicate on a plain field: the
// tests that rules share and that memo may cache per event.
func isLeaf(e ir.Expr) bool {
	switch x := e.(type) {
	case *ir.In:
		_, ok := x.X.(*ir.Field)
		return ok
	case *ir.Match:
		_, ok := x.X.(*ir.Field)
		return ok
	case *ir.IsNull:
		_, ok := x.X.(*ir.Field)
		return ok
	}
	return false
}

// leafKey identifies a leaf predicate for sharing.
func leafKey(e ir.Expr) string {
	switch x := e.(type) {
	case *ir.In:
		return fmt.Sprintf("in %s %v %v", x.X.(*ir.Field).Path, x.CaseInsensitive, x.Values)
	case *ir.Match:
		return fmt.Sprintf("match %s %d %v %q", x.X.(*ir.Field).Path, x.Kind, x.CaseInsensitive, x.Patterns)
	case *ir.IsNull:
		return "null " + x.X.(*ir.Field).Path
	}
	return ""
}

// shareKey identifies a leaf, or an and/or/not built of leaves, for
// sharing; "" for anything else. Computed once per node: countLeaves, the
// compile and the plan each ask for the keys of every node.
func (c *compiler) shareKey(e ir.Expr) string {
	if k, ok := c.keys[e]; ok {
		return k
	}
	k := c.newShareKey(e)
	c.keys[e] = k
	return k
}

func (c *compiler) newShareKey(e ir.Expr) string {
	var op string
	var terms []ir.Expr
	switch x := e.(type) {
	case *ir.And:
		op, terms = "and(", x.Terms
	case *ir.Or:
		op, terms = "or(", x.Terms
	case *ir.Not:
		op, terms = "not(", []ir.Expr{x.X}
	default:
		if isLeaf(e) {
			return leafKey(e)
		}
		return ""
	}
	var b strings.Builder
	b.WriteString(op)
	for i, t := range terms {
		k := c.shareKey(t)
		if k == "" {
			return ""
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k)
	}
	b.WriteString(")")
	return b.String()
}

// countLeaves counts each leaf predicate, and each and/or/not of leaves,
// over every rule, so that only shared ones pay for the per-event cache.
// Rules often repeat whole clauses (the shell names and the `which`/`man`
// exclusions of the Defend for Containers rules), and then the second
// rule reads the first one's answer.
func (c *compiler) countLeaves(e ir.Expr) {
	if k := c.shareKey(e); k != "" {
		c.leafCount[k]++
	}
	switch x := e.(type) {
	case *ir.And:
		for _, t := range x.Terms {
			c.countLeaves(t)
		}
	case *ir.Or:
		for _, t := range x.Terms {
			c.countLeaves(t)
		}
	case *ir.Not:
		c.countLeaves(x.X)
	}
}

// boolExpr compiles a condition. A nil Expr means "true". A leaf or clause
// that several rules share is evaluated once per event.
func (c *compiler) boolExpr(e ir.Expr) cond { return c.boolExprUses(e, 1) }

// boolExprUses is boolExpr for a test that stands for uses of e's
// occurrences (a step of the plan, for the rules under it): when those are
// all of them, nothing else asks for e and the per-event cache would only
// cost.
func (c *compiler) boolExprUses(e ir.Expr, uses int) cond {
	k := c.shareKey(e)
	if k == "" {
		return c.leaf(e)
	}
	inner, ok := c.compiled[k]
	if !ok {
		before := len(c.diags)
		inner = c.leaf(e)
		if len(c.diags) == before {
			// Not when it failed: each rule that has it must be told.
			c.compiled[k] = inner
		}
	}
	if c.leafCount[k] <= uses {
		return inner
	}
	id, ok := c.memo[k]
	if !ok {
		id = len(c.memo)
		c.memo[k] = id
	}
	return func(ev *event) tri {
		if m := ev.memo[id]; m != 0 {
			return tri(m - 1)
		}
		r := inner(ev)
		ev.memo[id] = uint8(r) + 1
		return r
	}
}

// leaf compiles a condition without the per-event cache.
func (c *compiler) leaf(e ir.Expr) cond {
	switch x := e.(type) {
	case nil:
		return func(*event) tri { return tTrue }
	case *ir.And:
		terms := c.sortedTerms(x.Terms)
		return func(ev *event) tri {
			r := tTrue
			for _, t := range terms {
				switch t(ev) {
				case tFalse:
					return tFalse
				case tNull:
					r = tNull
				}
			}
			return r
		}
	case *ir.Or:
		terms := c.sortedTerms(x.Terms)
		return func(ev *event) tri {
			r := tFalse
			for _, t := range terms {
				switch t(ev) {
				case tTrue:
					return tTrue
				case tNull:
					r = tNull
				}
			}
			return r
		}
	case *ir.Not:
		inner := c.boolExpr(x.X)
		if !ir.IsScript(x.X) {
			// Lucene's must_not: a null inside (a script's, or a query
			// call's on an absent field) counts as false.
			return func(ev *event) tri {
				if inner(ev) == tTrue {
					return tFalse
				}
				return tTrue
			}
		}
		return func(ev *event) tri {
			switch inner(ev) {
			case tTrue:
				return tFalse
			case tFalse:
				return tTrue
			}
			return tNull
		}
	case *ir.In:
		if f, ok := x.X.(*ir.Field); ok {
			return c.fieldIn(f, x)
		}
	case *ir.Match:
		if f, ok := x.X.(*ir.Field); ok {
			return c.fieldMatch(f, x)
		}
	case *ir.IsNull:
		if f, ok := x.X.(*ir.Field); ok {
			s := c.slot(f.Path)
			return func(ev *event) tri {
				if len(ev.vals[s]) == 0 {
					return tTrue
				}
				return tFalse
			}
		}
	case *ir.Compare:
		if f, ok := x.Left.(*ir.Field); ok {
			if l, ok := x.Right.(*ir.Literal); ok && x.Op != ir.Eq && x.Op != ir.Ne {
				return c.fieldCompare(f, x.Op, l.Value)
			}
		}
		if f, ok := x.Right.(*ir.Field); ok {
			if l, ok := x.Left.(*ir.Literal); ok && x.Op != ir.Eq && x.Op != ir.Ne {
				return c.fieldCompare(f, flipOp(x.Op), l.Value)
			}
		}
	case *ir.Literal:
		v := x.Value
		return func(*event) tri {
			switch {
			case v.Kind == ir.KindNull:
				return tNull
			case v.Kind == ir.KindBool && v.Bool:
				return tTrue
			}
			return tFalse
		}
	}
	return c.script(e)
}

func (c *compiler) sortedTerms(terms []ir.Expr) []cond {
	idx := make([]int, len(terms))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return cost(terms[idx[a]]) < cost(terms[idx[b]]) })
	out := make([]cond, len(terms))
	for i, j := range idx {
		out[i] = c.boolExpr(terms[j])
	}
	return out
}

func flipOp(op ir.CmpOp) ir.CmpOp {
	switch op {
	case ir.Lt:
		return ir.Gt
	case ir.Le:
		return ir.Ge
	case ir.Gt:
		return ir.Lt
	case ir.Ge:
		return ir.Le
	}
	return op
}

func boolTri(b bool) tri {
	if b {
		return tTrue
	}
	return tFalse
}

// fieldIn is a query predicate: true when any element of the field equals
// any value; false on a missing field (never null).
func (c *compiler) fieldIn(f *ir.Field, x *ir.In) cond {
	s := c.slot(f.Path)
	strs := map[string]struct{}{}
	nums := map[float64]struct{}{}
	var hasTrue, hasFalse bool
	var ips []netip.Addr
	isIPField := isIP(f.Path)
	ft := typeOf(f.Path)
	for _, v := range x.Values {
		switch {
		case ft == ftString && (v.Kind == ir.KindInt || v.Kind == ir.KindFloat):
			v = ir.StringValue(litText(v))
		case ft == ftNumber && v.Kind == ir.KindString:
			if n, ok := numberIn([]byte(v.Str)); ok {
				nums[n.f] = struct{}{}
				continue
			}
		}
		switch v.Kind {
		case ir.KindString:
			k := v.Str
			if x.CaseInsensitive {
				k = foldString(k)
			}
			strs[k] = struct{}{}
			if isIPField {
				if a, err := netip.ParseAddr(v.Str); err == nil {
					ips = append(ips, a.Unmap())
				}
			}
		case ir.KindInt:
			nums[float64(v.Int)] = struct{}{}
		case ir.KindFloat:
			nums[v.Float] = struct{}{}
		case ir.KindBool:
			if v.Bool {
				hasTrue = true
			} else {
				hasFalse = true
			}
		}
	}
	ci := x.CaseInsensitive
	// The common `field == "x"` gets a compare instead of a map probe.
	if len(x.Values) == 1 && x.Values[0].Kind == ir.KindString && !ci && !isIPField && ft != ftNumber {
		want := newConstStr(x.Values[0].Str)
		return func(ev *event) tri {
			for _, v := range ev.values(s) {
				if (v.k == kStr || ft == ftString && (v.k == kInt || v.k == kFloat)) && want.eq(v.s) {
					return tTrue
				}
			}
			return tFalse
		}
	}
	// Strings only (after the keyword coercion above): a table probe per
	// value.
	if len(strs) > 0 && len(nums) == 0 && !hasTrue && !hasFalse && !isIPField && ft != ftNumber {
		return setLeaf(s, textMode{fold: ci, numText: ft == ftString}, newStrSet(strs))
	}
	if len(x.Values) == 1 && x.Values[0].Kind == ir.KindBool {
		want := x.Values[0].Bool
		return func(ev *event) tri {
			for _, v := range ev.values(s) {
				if v.k == kBool && v.b == want {
					return tTrue
				}
			}
			return tFalse
		}
	}
	return func(ev *event) tri {
		for i, v := range ev.values(s) {
			if ft == ftString && v.k != kStr || ft == ftNumber && v.k == kStr {
				v = coerce(ft, v)
			}
			switch v.k {
			case kStr:
				if isIPField && len(ips) > 0 {
					if a, ok := parseIP(v.s); ok {
						for _, w := range ips {
							if a == w {
								return tTrue
							}
						}
						continue
					}
				}
				if ci {
					fv := ev.foldedValues(s)[i]
					if fv == nil {
						fv = v.s // a number's text: nothing to fold
					}
					if _, ok := strs[string(fv)]; ok {
						return tTrue
					}
				} else if _, ok := strs[string(v.s)]; ok {
					return tTrue
				}
			case kInt, kFloat:
				if _, ok := nums[v.f]; ok {
					return tTrue
				}
			case kBool:
				if v.b && hasTrue || !v.b && hasFalse {
					return tTrue
				}
			}
		}
		return tFalse
	}
}

func allStrings(vals []ir.Value) bool {
	for _, v := range vals {
		if v.Kind != ir.KindString {
			return false
		}
	}
	return true
}

// parseIP parses an address without allocating for the common lengths.
func parseIP(b []byte) (netip.Addr, bool) {
	var buf [64]byte
	if len(b) > len(buf) {
		return netip.Addr{}, false
	}
	n := copy(buf[:], b)
	a, err := netip.ParseAddr(string(buf[:n]))
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// fieldMatch is a query predicate over wildcard or regex patterns.
func (c *compiler) fieldMatch(f *ir.Field, x *ir.Match) cond {
	s := c.slot(f.Path)
	if typeOf(f.Path) == ftIP {
		// ir's contract: an IP is not a string, so no pattern matches it.
		return func(*event) tri { return tFalse }
	}
	if x.Kind == ir.Wildcard && x.CaseInsensitive {
		ps := wildcardSet(x)
		if ps.exactOnly() {
			return setLeaf(s, textMode{fold: true}, newStrSet(ps.exact))
		}
		return func(ev *event) tri {
			if len(ev.vals[s]) == 0 {
				return tFalse
			}
			if ps.any {
				for _, v := range ev.values(s) {
					if v.k == kStr {
						return tTrue
					}
				}
				return tFalse
			}
			for _, v := range ev.foldedValues(s) {
				if v != nil && ps.match(v) {
					return tTrue
				}
			}
			return tFalse
		}
	}
	if x.Kind == ir.Wildcard {
		if ps := newPatternSet(x.Patterns); ps.exactOnly() {
			return setLeaf(s, textMode{}, newStrSet(ps.exact))
		}
	}
	m := c.matcher(x)
	if m == nil {
		return func(*event) tri { return tFalse }
	}
	return func(ev *event) tri {
		for _, v := range ev.values(s) {
			if v.k == kStr && m(ev, v.s) {
				return tTrue
			}
		}
		return tFalse
	}
}

// wildcardSet plans the patterns of a wildcard match, case-folded when
// the match is case-insensitive, as the values they meet will be.
func wildcardSet(x *ir.Match) *patternSet {
	if !x.CaseInsensitive {
		return newPatternSet(x.Patterns)
	}
	pats := make([]string, len(x.Patterns))
	for i, p := range x.Patterns {
		pats[i] = foldString(p)
	}
	return newPatternSet(pats)
}

// matcher compiles Match's patterns into one test over a string.
func (c *compiler) matcher(x *ir.Match) func(ev *event, s []byte) bool {
	ci := x.CaseInsensitive
	if x.Kind == ir.Regex {
		var res []*regexp.Regexp
		for _, p := range x.Patterns {
			t, err := translateLucene(p, ci)
			if err == nil {
				var re *regexp.Regexp
				re, err = regexp.Compile(t)
				if err == nil {
					res = append(res, re)
					continue
				}
			}
			c.diags.Errorf(x.Span, "native/regex", "regex %s cannot be evaluated: %v", ir.Quote(p), err)
		}
		if len(res) != len(x.Patterns) {
			return nil
		}
		return func(_ *event, s []byte) bool {
			for _, re := range res {
				if re.Match(s) {
					return true
				}
			}
			return false
		}
	}
	ps := wildcardSet(x)
	if ps.any {
		return func(*event, []byte) bool { return true }
	}
	if !ci {
		return func(_ *event, s []byte) bool { return ps.match(s) }
	}
	return func(ev *event, s []byte) bool {
		ev.fold = appendFold(ev.fold[:0], s)
		return ps.match(ev.fold)
	}
}

// fieldCompare is a range predicate: any element ordered against the
// constant; numbers against numbers, strings against strings (by code
// point), addresses against addresses on ip fields; else false.
func (c *compiler) fieldCompare(f *ir.Field, op ir.CmpOp, lit ir.Value) cond {
	s := c.slot(f.Path)
	ft := typeOf(f.Path)
	if ft == ftString && (lit.Kind == ir.KindInt || lit.Kind == ir.KindFloat) {
		lit = ir.StringValue(litText(lit))
	}
	if ft == ftNumber && lit.Kind == ir.KindString {
		if n, ok := numberIn([]byte(lit.Str)); ok {
			lit = ir.FloatValue(n.f)
		}
	}
	if ft == ftDate && lit.Kind == ir.KindString {
		if t, ok := parseRFC3339([]byte(lit.Str)); ok {
			return c.dateCompare(s, op, t)
		}
	}
	var num float64
	isNum := false
	switch lit.Kind {
	case ir.KindInt:
		num, isNum = float64(lit.Int), true
	case ir.KindFloat:
		num, isNum = lit.Float, true
	case ir.KindString:
	default:
		return func(*event) tri { return tFalse }
	}
	str := []byte(lit.Str)
	var ip netip.Addr
	ipCmp := false
	if isIP(f.Path) && lit.Kind == ir.KindString {
		if a, err := netip.ParseAddr(lit.Str); err == nil {
			ip, ipCmp = a.Unmap(), true
		}
	}
	return func(ev *event) tri {
		for _, v := range ev.values(s) {
			if ft == ftString && v.k != kStr || ft == ftNumber && v.k == kStr {
				v = coerce(ft, v)
			}
			var d int
			switch {
			case isNum && (v.k == kInt || v.k == kFloat):
				switch {
				case v.f < num:
					d = -1
				case v.f > num:
					d = 1
				}
			case ipCmp && v.k == kStr:
				a, ok := parseIP(v.s)
				if !ok {
					continue
				}
				d = a.Compare(ip)
			case !isNum && v.k == kStr:
				d = bytes.Compare(v.s, str)
			default:
				continue
			}
			if cmpHolds(op, d) {
				return tTrue
			}
		}
		return tFalse
	}
}

// dateCompare is a range query on a date field: RFC 3339 strings and epoch
// milliseconds compared as instants with the constant t (Unix ns).
func (c *compiler) dateCompare(s int, op ir.CmpOp, t int64) cond {
	return func(ev *event) tri {
		for _, v := range ev.values(s) {
			var at int64
			switch v.k {
			case kStr:
				x, ok := parseRFC3339(v.s)
				if !ok {
					continue
				}
				at = x
			case kInt, kFloat:
				at = int64(v.f * 1e6)
			default:
				continue
			}
			if cmpHolds(op, cmpInt(at, t)) {
				return tTrue
			}
		}
		return tFalse
	}
}

func cmpHolds(op ir.CmpOp, d int) bool {
	switch op {
	case ir.Eq:
		return d == 0
	case ir.Ne:
		return d != 0
	case ir.Lt:
		return d < 0
	case ir.Le:
		return d <= 0
	case ir.Gt:
		return d > 0
	case ir.Ge:
		return d >= 0
	}
	return false
}

// strSet is the string constants of an exact-match leaf (`==`, `in`, a
// wildcard list without wildcards), case-folded when the leaf is
// case-insensitive. A set of one compares by strWords; a larger one is a
// strTable probe per value.
type strSet struct {
	one   constStr
	multi bool
	tab   strTable
}

func newStrSet(consts map[string]struct{}) *strSet {
	if len(consts) == 1 {
		for k := range consts {
			return &strSet{one: newConstStr(k)}
		}
	}
	return &strSet{multi: true, tab: setTable(consts)}
}

// textMode is how a string test sees a field's values: case-folded or as
// they are, and with a number's text counted as a string (numText: `==`
// and `in` on a keyword field, as Elasticsearch indexes it) or not
// (wildcard patterns see strings only).
type textMode struct {
	fold, numText bool
}

// text returns value i of the field in slot s as a test in mode m sees it,
// or nil when the test skips it. folded is ev.foldedValues(s) when m.fold.
func (m textMode) text(v *scalar, folded [][]byte, i int) []byte {
	switch {
	case v.k == kStr:
		if m.fold {
			return folded[i]
		}
		return v.s
	case m.numText && (v.k == kInt || v.k == kFloat):
		return v.s // a number's text: nothing to fold
	}
	return nil
}

// setLeaf is true when any value of the field in slot s, seen in mode m,
// is in set.
func setLeaf(s int, m textMode, set *strSet) cond {
	// The membership test is written out here, a compare or a length
	// test and (rarely) a probe, rather than a call to a method per value.
	one, multi, tab := set.one, set.multi, &set.tab
	return func(ev *event) tri {
		vals := ev.vals[s]
		if len(vals) == 0 {
			return tFalse
		}
		var folded [][]byte
		if m.fold {
			folded = ev.foldedValues(s)
		}
		for i := range vals {
			t := m.text(&vals[i], folded, i)
			if t == nil {
				continue
			}
			if multi {
				if tab.mayHold(t) && tab.lookup(t) >= 0 {
					return tTrue
				}
			} else if one.eq(t) {
				return tTrue
			}
		}
		return tFalse
	}
}

// ruleIndex is a necessary condition for a group of event rules: each of
// them is true only when a field (process.name, event.action...), or one
// of a few fields (process.name or process.args), holds one of a few
// strings, compared exactly or case-folded. An event runs a gated rule
// only when one of those fields' values is listed for it, so a benign
// process name skips every rule about other names with a lookup per
// field. Gating never changes a result: a skipped rule's condition could
// not be true.
type ruleIndex struct {
	parts []indexPart
	open  []uint64 // the rules that this index does not gate
}

// indexPart is the lookup of one field, exact or folded, in an index.
type indexPart struct {
	slot  int
	mode  textMode
	tab   strTable   // the values listed for the field, numbered
	byID  [][]uint64 // byID[id]: bit set over Program.events of the rules that value id lets through
	rules []uint64   // the union of byID: the rules this lookup can let through
}

// maxIndexes bounds the indexes: each costs a lookup per field per event,
// about what evaluating one or two rules costs; minIndexScore is the
// number of rules that an index must be expected to skip per event.
const (
	maxIndexes    = 4
	minIndexScore = 2
)

// reqKey is a field as an index looks it up, in the mode that the rules'
// own tests use (textMode): its values exactly or case-folded (`:`, `in~`,
// `like~`), a number's text included (`in` on a keyword) or not (`like`,
// which sees strings only).
type reqKey struct {
	path          string
	fold, numText bool
}

// requirement maps the fields of an index to the values one of which
// they must hold (folded where the key says so).
type requirement map[reqKey]map[string]struct{}

// String is r in a canonical form, its keys and values sorted.
func (r requirement) String() string {
	var parts []string
	for k, vs := range r {
		var b strings.Builder
		b.WriteString(k.path)
		if k.fold {
			b.WriteString(" folded")
		}
		if k.numText {
			b.WriteString(" numText")
		}
		for _, v := range slices.Sorted(maps.Keys(vs)) {
			b.WriteString(" ")
			b.WriteString(strconv.Quote(v))
		}
		parts = append(parts, b.String())
	}
	sort.Strings(parts)
	return strings.Join(parts, "; ")
}

// add puts o's values into r.
func (r requirement) add(o requirement) {
	for k, vs := range o {
		if r[k] == nil {
			r[k] = map[string]struct{}{}
		}
		for v := range vs {
			r[k][v] = struct{}{}
		}
	}
}

// ruleIndexes builds indexes on the fields, or groups of fields tested
// in one `or` (process.name or process.args), that discriminate best
// between the queries they gate (event rules, then the stages of
// sequences and samples): a group scores the number of queries that an
// event would skip through it. A field that every rule requires to hold
// one value (event.type == "start") scores nothing: the shared-leaf memo
// already makes that test cheap.
func (c *compiler) ruleIndexes(qs []*ir.EventQuery) []ruleIndex {
	conds := make([]ir.Expr, len(qs))
	groups := map[string][]string{} // key: the group's paths, sorted and joined
	for i, q := range qs {
		conds[i] = q.Cond
		if cat := categoryLeaf(q); cat != nil {
			conds[i] = &ir.And{Terms: []ir.Expr{cat, q.Cond}}
		}
		ir.Walk(conds[i], func(e ir.Expr) bool {
			switch x := e.(type) {
			case *ir.In, *ir.Match:
				if f := testedField(x); f != "" {
					groups[f] = []string{f}
				}
			case *ir.Or:
				// The fields tested by the terms directly under an `or`.
				set := map[string]bool{}
				for _, t := range x.Terms {
					ir.Walk(t, func(e ir.Expr) bool {
						if f := testedField(e); f != "" {
							set[f] = true
						}
						_, isAnd := e.(*ir.And)
						return e == t && isAnd // an `and` branch's own terms only
					})
				}
				if len(set) >= 2 && len(set) <= 3 {
					paths := slices.Sorted(maps.Keys(set))
					groups[strings.Join(paths, "|")] = paths
				}
			}
			return true
		})
	}
	type cand struct {
		key   string
		paths []string
		reqs  []requirement // per query: what it requires of paths, or nil
		score float64
	}
	var cands []cand
	for key, paths := range groups {
		indexable := true
		for _, p := range paths {
			if ft := typeOf(p); ft == ftNumber || ft == ftIP {
				indexable = false // their `in` compares numbers or addresses, not text
			}
		}
		if !indexable {
			continue
		}
		reqs := make([]requirement, len(conds))
		vals := requirement{}
		for i, cond := range conds {
			reqs[i] = required(cond, paths)
			vals.add(reqs[i])
		}
		// The tests an event skips, were each field's value any of
		// those listed for it with equal odds: a rule that lets through
		// 1 of 3 values (host.os.type) is skipped 2 times in 3, one that
		// lets through 5 of 500 (process.name) nearly always. Rules that
		// require the same values count once: the memo and the plan (see
		// step) test that requirement once per event, however many rules
		// share it, so an index on event.action, which most rules require
		// to be "exec", saves next to nothing. Less the lookups it costs,
		// each about a rule's evaluation, twice that for an array field
		// such as process.args.
		score := 0.0
		counted := map[string]bool{}
		for _, req := range reqs {
			if req == nil {
				continue
			}
			canon := req.String()
			if counted[canon] {
				continue
			}
			counted[canon] = true
			pass := 0.0
			for k, vs := range req {
				pass += float64(len(vs)) / float64(len(vals[k]))
			}
			score += 1 - min(pass, 1)
		}
		for k := range vals {
			score--
			if f, ok := ecs.Lookup(k.path); ok && f.Array {
				score--
			}
		}
		if score >= minIndexScore {
			cands = append(cands, cand{key, paths, reqs, score})
		}
	}
	sort.Slice(cands, func(a, b int) bool {
		if cands[a].score != cands[b].score {
			return cands[a].score > cands[b].score
		}
		return cands[a].key < cands[b].key
	})
	words := (len(qs) + 63) / 64
	var out []ruleIndex
	used := map[string]bool{}
	for _, cd := range cands {
		if len(out) == maxIndexes {
			break
		}
		if slices.ContainsFunc(cd.paths, func(p string) bool { return used[p] }) {
			continue // a second index on a field gates little that the first does not
		}
		for _, p := range cd.paths {
			used[p] = true
		}
		ix := ruleIndex{open: make([]uint64, words)}
		parts := map[reqKey]int{}
		var ids []map[string]int32 // per part: the values listed, numbered
		for i, req := range cd.reqs {
			if req == nil {
				ix.open[i>>6] |= 1 << (i & 63)
				continue
			}
			for _, k := range slices.SortedFunc(maps.Keys(req), func(a, b reqKey) int {
				if c := strings.Compare(a.path, b.path); c != 0 {
					return c
				}
				if c := cmpBool(a.fold, b.fold); c != 0 {
					return c
				}
				return cmpBool(a.numText, b.numText)
			}) {
				pi, ok := parts[k]
				if !ok {
					pi = len(ix.parts)
					parts[k] = pi
					ix.parts = append(ix.parts, indexPart{slot: c.slot(k.path), mode: textMode{k.fold, k.numText}})
					ids = append(ids, map[string]int32{})
				}
				part := &ix.parts[pi]
				for v := range req[k] {
					id, ok := ids[pi][v]
					if !ok {
						id = int32(len(part.byID))
						ids[pi][v] = id
						part.byID = append(part.byID, make([]uint64, words))
					}
					part.byID[id][i>>6] |= 1 << (i & 63)
				}
				if part.rules == nil {
					part.rules = make([]uint64, words)
				}
				part.rules[i>>6] |= 1 << (i & 63)
			}
		}
		for pi := range ix.parts {
			ix.parts[pi].tab = newStrTable(ids[pi])
		}
		out = append(out, ix)
	}
	// The index of fewer lookups first: when it leaves no rule, or none
	// that a lookup of the next one could let through, those are skipped.
	slices.SortStableFunc(out, func(a, b ruleIndex) int { return len(a.parts) - len(b.parts) })
	return out
}

// testedField is the field that an `in` or a wildcard match tests, or "".
func testedField(e ir.Expr) string {
	var x ir.Expr
	switch t := e.(type) {
	case *ir.In:
		x = t.X
	case *ir.Match:
		x = t.X
	}
	if f, ok := x.(*ir.Field); ok {
		return f.Path
	}
	return ""
}

// cmpBool orders false before true.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// required returns the values one of which one of the fields paths must
// hold for e to be true, or nil when e does not require any: a string
// `in` on one of them (exact, or folded when case-insensitive); the first
// such term of an `and`; the union over an `or` whose every branch has
// one.
func required(e ir.Expr, paths []string) requirement {
	switch x := e.(type) {
	case *ir.In:
		f, ok := x.X.(*ir.Field)
		if !ok || !slices.Contains(paths, f.Path) {
			return nil
		}
		set := map[string]struct{}{}
		for _, v := range x.Values {
			if v.Kind != ir.KindString {
				return nil
			}
			k := v.Str
			if x.CaseInsensitive {
				k = foldString(k)
			}
			set[k] = struct{}{}
		}
		return requirement{{f.Path, x.CaseInsensitive, typeOf(f.Path) == ftString}: set}
	case *ir.Match:
		// Patterns without wildcards are the equalities that fieldMatch
		// turns into a set test.
		f, ok := x.X.(*ir.Field)
		if !ok || x.Kind != ir.Wildcard || !slices.Contains(paths, f.Path) || typeOf(f.Path) == ftIP {
			return nil
		}
		ps := wildcardSet(x)
		if !ps.exactOnly() || len(ps.exact) == 0 {
			return nil
		}
		return requirement{{f.Path, x.CaseInsensitive, false}: ps.exact}
	case *ir.And:
		for _, t := range x.Terms {
			if req := required(t, paths); req != nil {
				return req
			}
		}
	case *ir.Or:
		out := requirement{}
		for _, t := range x.Terms {
			sub := required(t, paths)
			if sub == nil {
				return nil
			}
			out.add(sub)
		}
		return out
	}
	return nil
}

// candidates returns the bit set over p.events of the rules that the
// indexes let through for ev, or nil when every rule runs.
func (p *Program) candidates(ev *event) []uint64 {
	if len(p.indexes) == 0 {
		return nil
	}
	n := len(p.indexes[0].open)
	if cap(ev.cand) < 2*n {
		ev.cand = make([]uint64, 2*n)
	}
	cand, scratch := ev.cand[:n], ev.cand[n:2*n]
	for k := range p.indexes {
		ix := &p.indexes[k]
		for w, m := range ix.open {
			scratch[w] = m
		}
		for j := range ix.parts {
			part := &ix.parts[j]
			// A lookup that could only let through rules that an
			// earlier index has ruled out is skipped.
			if k > 0 && !intersects(part.rules, cand) {
				continue
			}
			vals := ev.vals[part.slot]
			var folded [][]byte
			if part.mode.fold && len(vals) > 0 {
				folded = ev.foldedValues(part.slot)
			}
			for i := range vals {
				if t := part.mode.text(&vals[i], folded, i); t != nil && part.tab.mayHold(t) {
					if id := part.tab.lookup(t); id >= 0 {
						for w, m := range part.byID[id] {
							scratch[w] |= m
						}
					}
				}
			}
		}
		left := uint64(0)
		for w, m := range scratch {
			if k > 0 {
				m &= cand[w]
			}
			cand[w] = m
			left |= m
		}
		if left == 0 {
			break // no rule left: the other indexes cannot add one
		}
	}
	return cand
}

// intersects reports whether the bit sets a and b share a bit.
func intersects(a, b []uint64) bool {
	if len(a) == 1 { // up to 64 rules
		return a[0]&b[0] != 0
	}
	for w := range a {
		if a[w]&b[w] != 0 {
			return true
		}
	}
	return false
}
