package native

import (
	"encoding/binary"
	"math"
	"slices"

	"github.com/eqlx/eqlx/ir"
)

// keyFn appends the encoded value of one join key to buf; ok is false when
// the key is null and not optional (null keys never join).
type keyFn func(ev *event, buf []byte) ([]byte, bool)

type stagePlan struct {
	cond    cond
	bit     *int // the stage's bit in event.gate, set when Compile ends
	keys    []keyFn
	missing bool
}

// gateWord is one word of event.gate and the bits in it of a sequence's
// or sample's stages.
type gateWord struct {
	w int
	m uint64
}

// stageGate gathers the bits of stages into words, for a test of whether
// an event may fill any of them.
func stageGate(stages ...stagePlan) []gateWord {
	var out []gateWord
	for _, st := range stages {
		w, m := *st.bit>>6, uint64(1)<<(*st.bit&63)
		i := slices.IndexFunc(out, func(g gateWord) bool { return g.w == w })
		if i < 0 {
			out = append(out, gateWord{w: w})
			i = len(out) - 1
		}
		out[i].m |= m
	}
	return out
}

// gateOpen reports whether gate (nil: no indexes) lets through one of the
// stages whose bits are g.
func gateOpen(gate []uint64, g []gateWord) bool {
	if gate == nil {
		return true
	}
	for _, x := range g {
		if gate[x.w]&x.m != 0 {
			return true
		}
	}
	return false
}

// seqPlan is a sequence with its `runs` expanded and its missing stages
// attached to the gaps between positive stages.
type seqPlan struct {
	rule    int
	pos     []stagePlan   // positive stages in order
	gaps    [][]stagePlan // gaps[j]: missing stages before pos[j]; gaps[len(pos)]: trailing
	until   *stagePlan
	gate    []gateWord // the bits of all its stages, until included
	maxspan int64      // nanoseconds
	bounded bool       // has maxspan
	// hasMissing: some gap holds a missing stage, so matches carry
	// MissingEvent placeholders.
	hasMissing bool
}

type samplePlan struct {
	rule   int
	stages []stagePlan
	gate   []gateWord
}

func (c *compiler) stage(seqBy []ir.Expr, st *ir.Stage) stagePlan {
	cd, bit := c.gatedStage(st.Query)
	sp := stagePlan{cond: cd, bit: bit, missing: st.Missing}
	for _, k := range append(append([]ir.Expr(nil), seqBy...), st.By...) {
		sp.keys = append(sp.keys, c.key(k))
	}
	return sp
}

// gatedStage compiles a stage's query behind the rule indexes: an event
// that they rule out for the stage skips its condition, as it skips an
// event rule's. Sequences and samples test every stage on every event,
// so in a large rule set most of their time would go to stages about
// other kinds of event.
func (c *compiler) gatedStage(q *ir.EventQuery) (cond, *int) {
	inner := c.eventQuery(q)
	bit := new(int)
	c.stageQs = append(c.stageQs, q)
	c.stageBits = append(c.stageBits, bit)
	return func(ev *event) tri {
		if g := ev.gate; g != nil && g[*bit>>6]&(1<<(*bit&63)) == 0 {
			return tFalse
		}
		return inner(ev)
	}, bit
}

func (c *compiler) sequence(rule int, q *ir.Sequence) *seqPlan {
	sp := &seqPlan{rule: rule}
	if q.MaxSpan != nil {
		sp.maxspan, sp.bounded = int64(q.MaxSpan.D()), true
	}
	var gap []stagePlan
	for _, st := range q.Stages {
		runs := st.Runs
		if runs < 1 {
			runs = 1
		}
		plan := c.stage(q.By, st)
		for r := 0; r < runs; r++ {
			if st.Missing {
				gap = append(gap, plan)
				continue
			}
			sp.gaps = append(sp.gaps, gap)
			gap = nil
			sp.pos = append(sp.pos, plan)
		}
	}
	sp.gaps = append(sp.gaps, gap)
	if len(sp.pos) == 0 {
		c.diags.Errorf(q.Span, "native/sequence", "a sequence needs at least one stage that is not missing (![...])")
	}
	if q.Until != nil {
		u := c.stage(q.By, q.Until)
		sp.until = &u
	}
	hasMissing := false
	for _, g := range sp.gaps {
		hasMissing = hasMissing || len(g) > 0
	}
	sp.hasMissing = hasMissing
	if hasMissing && !sp.bounded {
		c.diags.Errorf(q.Span, "native/sequence", "missing events (![...]) need `with maxspan`")
	}
	return sp
}

func (c *compiler) sample(rule int, q *ir.Sample) *samplePlan {
	sp := &samplePlan{rule: rule}
	for _, st := range q.Stages {
		sp.stages = append(sp.stages, c.stage(q.By, st))
	}
	return sp
}

// Key encoding: a tag byte, then the value; numbers as float64 bits so that
// 1 and 1.0 join, as Elasticsearch compares numeric keys by value.
const (
	tagNull  = 'z'
	tagStr   = 's'
	tagNum   = 'n'
	tagBool  = 'b'
	tagArray = 'a'
)

func appendScalar(buf []byte, v scalar) []byte {
	switch v.k {
	case kStr:
		buf = append(buf, tagStr)
		buf = binary.AppendUvarint(buf, uint64(len(v.s)))
		return append(buf, v.s...)
	case kInt, kFloat:
		buf = append(buf, tagNum)
		return binary.BigEndian.AppendUint64(buf, math.Float64bits(v.f))
	case kBool:
		if v.b {
			return append(buf, tagBool, 1)
		}
		return append(buf, tagBool, 0)
	}
	return append(buf, tagNull)
}

func (c *compiler) key(e ir.Expr) keyFn {
	if f, ok := e.(*ir.Field); ok {
		s := c.slot(f.Path)
		opt := f.Optional
		return func(ev *event, buf []byte) ([]byte, bool) {
			vals := ev.values(s)
			switch len(vals) {
			case 0:
				if !opt {
					return buf, false
				}
				return append(buf, tagNull), true
			case 1:
				return appendScalar(buf, vals[0]), true
			}
			// A multi-valued key joins on all its values, in order.
			buf = append(buf, tagArray)
			buf = binary.AppendUvarint(buf, uint64(len(vals)))
			for _, v := range vals {
				buf = appendScalar(buf, v)
			}
			return buf, true
		}
	}
	// A computed key (no corpus rule has one) reads each field's first value.
	sc := &scriptScope{}
	v := c.val(sc, e)
	slots := sc.slots
	return func(ev *event, buf []byte) ([]byte, bool) {
		b := binding{cur: make([]sval, len(slots))}
		for i, s := range slots {
			if vals := ev.values(s); len(vals) > 0 {
				b.cur[i] = toSval(vals[0])
			}
		}
		r := v(&b)
		switch r.k {
		case kNull:
			return append(buf, tagNull), false
		case kStr:
			return appendScalar(buf, scalar{k: kStr, s: []byte(r.s)}), true
		}
		return appendScalar(buf, scalar{k: r.k, b: r.b, i: r.i, f: r.f}), true
	}
}

// decodeKeys turns an encoded key back into values for output.
func decodeKeys(k string) []ir.Value {
	var out []ir.Value
	b := []byte(k)
	var one func() ir.Value
	one = func() ir.Value {
		if len(b) == 0 {
			return ir.Null
		}
		t := b[0]
		b = b[1:]
		switch t {
		case tagStr:
			n, w := binary.Uvarint(b)
			s := string(b[w : w+int(n)])
			b = b[w+int(n):]
			return ir.StringValue(s)
		case tagNum:
			f := math.Float64frombits(binary.BigEndian.Uint64(b))
			b = b[8:]
			if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
				return ir.IntValue(int64(f))
			}
			return ir.FloatValue(f)
		case tagBool:
			v := b[0] == 1
			b = b[1:]
			return ir.BoolValue(v)
		case tagArray:
			n, w := binary.Uvarint(b)
			b = b[w:]
			// Arrays render as their first value followed by the rest as
			// separate keys would be ambiguous; join them into one string.
			var s string
			for i := uint64(0); i < n; i++ {
				if i > 0 {
					s += ","
				}
				s += one().String()
			}
			return ir.StringValue("[" + s + "]")
		}
		return ir.Null
	}
	for len(b) > 0 {
		out = append(out, one())
	}
	return out
}

// partial is a sequence in progress.
type partial struct {
	key    string
	stage  int // index of the last positive stage matched
	first  int64
	last   int64
	lead   int64 // timestamp of the last leading missing event seen before it started
	hasLd  bool
	events [][]byte
	nums   []int64
	live   bool
}

type keyState struct {
	at []*partial // at[j]: the pending partial that has matched positive stage j
}

type seqState struct {
	plan     *seqPlan
	keys     map[string]*keyState
	lastLead map[string]int64
	awaiting []*partial // complete, waiting for a trailing missing window to close
	queue    []*partial // creation order, for expiry and the state cap
	live     int
	dropped  int64
}

func newSeqState(p *seqPlan) *seqState {
	return &seqState{plan: p, keys: map[string]*keyState{}, lastLead: map[string]int64{}}
}

func (s *seqState) kill(p *partial) {
	if !p.live {
		return
	}
	p.live = false
	s.live--
	if ks := s.keys[p.key]; ks != nil && ks.at[p.stage] == p {
		ks.at[p.stage] = nil
		for _, q := range ks.at {
			if q != nil {
				return
			}
		}
		delete(s.keys, p.key)
	}
}

func (s *seqState) dropIfEmpty(k string, ks *keyState) {
	for _, q := range ks.at {
		if q != nil {
			return
		}
	}
	delete(s.keys, k)
}

// sweep drops partials whose window has closed and enforces the state cap,
// oldest first.
func (s *seqState) sweep(wm int64, max int) {
	for len(s.queue) > 0 {
		p := s.queue[0]
		switch {
		case !p.live:
		case s.plan.bounded && p.first+s.plan.maxspan < wm:
			s.kill(p)
		case s.live > max:
			s.kill(p)
			s.dropped++
		default:
			return
		}
		s.queue[0] = nil
		s.queue = s.queue[1:]
	}
}

// expire emits the sequences whose trailing missing stage's window has
// closed (the watermark passed first+maxspan) without the missing event.
func (e *Engine) expire(s *seqState, emit func(Match)) {
	for len(s.awaiting) > 0 {
		a := s.awaiting[0]
		if a.live && a.first+s.plan.maxspan >= e.wm {
			break
		}
		s.awaiting[0] = nil
		s.awaiting = s.awaiting[1:]
		if a.live {
			a.live = false
			e.emitSeq(s, a, emit)
		}
	}
}

// process runs one event through the sequence's state machine.
func (e *Engine) seqProcess(s *seqState, emit func(Match)) {
	p, ev := s.plan, e.ev
	if p.bounded && !ev.hasTS {
		e.stats.NoTimestamp++
		return
	}
	if !gateOpen(ev.gate, p.gate) {
		// No stage can take the event: only the expiry of pending
		// sequences, as the watermark moves, is left to do.
		s.sweep(e.wm, e.p.maxState)
		return
	}
	ts := ev.ts
	if p.until != nil && p.until.cond(ev) == tTrue {
		if k, ok := e.keyOf(p.until); ok {
			if ks := s.keys[k]; ks != nil {
				for _, q := range ks.at {
					if q != nil {
						s.kill(q)
					}
				}
			}
		}
	}
	n := len(p.pos)
	for j, gap := range p.gaps {
		for gi := range gap {
			m := &gap[gi]
			if m.cond(ev) != tTrue {
				continue
			}
			k, ok := e.keyOf(m)
			if !ok {
				continue
			}
			switch {
			case j == 0:
				s.lastLead[k] = ts
			case j == n:
				for _, a := range s.awaiting {
					if a.live && a.key == k && ts > a.last && ts <= a.first+p.maxspan {
						a.live = false
					}
				}
			default:
				if ks := s.keys[k]; ks != nil && ks.at[j-1] != nil {
					s.kill(ks.at[j-1])
				}
			}
		}
	}
	for j := n - 1; j >= 0; j-- {
		st := &p.pos[j]
		if st.cond(ev) != tTrue {
			continue
		}
		k, ok := e.keyOf(st)
		if !ok {
			continue
		}
		var q *partial
		if j == 0 {
			q = &partial{key: k, first: ts, live: true}
			if len(p.gaps[0]) > 0 {
				q.lead, q.hasLd = s.lastLead[k]
			}
			s.live++
			s.queue = append(s.queue, q)
		} else {
			ks := s.keys[k]
			if ks == nil || ks.at[j-1] == nil {
				continue
			}
			q = ks.at[j-1]
			if p.bounded && ts-q.first > p.maxspan {
				s.kill(q)
				continue
			}
			ks.at[j-1] = nil
			if j == n-1 {
				s.dropIfEmpty(k, ks)
			}
		}
		q.last = ts
		q.events = append(q.events, e.rawCopy())
		q.nums = append(q.nums, e.cur)
		if j == n-1 {
			e.completeSeq(s, q, emit)
			continue
		}
		ks := s.keys[k]
		if ks == nil {
			ks = &keyState{at: make([]*partial, n)}
			s.keys[k] = ks
		}
		if old := ks.at[j]; old != nil && old != q && old.live {
			// One pending sequence per (stage, key): the newer wins.
			old.live = false
			s.live--
		}
		ks.at[j] = q
		q.stage = j
	}
	s.sweep(e.wm, e.p.maxState)
	if len(s.lastLead) > e.p.maxState {
		for k, t := range s.lastLead {
			if t+p.maxspan < e.wm {
				delete(s.lastLead, k)
			}
		}
	}
}

func (e *Engine) completeSeq(s *seqState, q *partial, emit func(Match)) {
	p := s.plan
	// The partial leaves the (stage, key) table; it is no longer pending.
	if q.live {
		q.live = false
		s.live--
	}
	if q.hasLd && q.lead >= q.last-p.maxspan && q.lead <= q.first {
		return // a leading missing event fell inside the sequence's window
	}
	if len(p.gaps[len(p.pos)]) > 0 {
		q.live = true
		s.awaiting = append(s.awaiting, q)
		return
	}
	e.emitSeq(s, q, emit)
}

// MissingEvent is the placeholder a missing stage (`![q]`) puts in
// Match.Events, as Elasticsearch returns it; its Nums entry is -1.
var MissingEvent = []byte(`{"missing":true}`)

func (e *Engine) emitSeq(s *seqState, q *partial, emit func(Match)) {
	p := s.plan
	events, nums := q.events, q.nums
	if p.hasMissing {
		events, nums = nil, nil
		for j, gap := range p.gaps {
			for range gap {
				events = append(events, MissingEvent)
				nums = append(nums, -1)
			}
			if j < len(q.events) {
				events = append(events, q.events[j])
				nums = append(nums, q.nums[j])
			}
		}
	}
	e.emitMatch(Match{Rule: p.rule, Events: events, Nums: nums, Keys: decodeKeys(q.key)}, true, emit)
}

// keyOf encodes the join keys of a stage for the current event.
func (e *Engine) keyOf(st *stagePlan) (string, bool) {
	buf := e.keyBuf[:0]
	for _, k := range st.keys {
		var ok bool
		if buf, ok = k(e.ev, buf); !ok {
			e.keyBuf = buf
			return "", false
		}
	}
	e.keyBuf = buf
	return string(buf), true
}

type group struct {
	key    string
	events [][]byte
	nums   []int64
	filled int
}

type sampleState struct {
	plan    *samplePlan
	groups  map[string]*group
	order   []*group
	done    map[string]struct{}
	dropped int64
}

func newSampleState(p *samplePlan) *sampleState {
	return &sampleState{plan: p, groups: map[string]*group{}, done: map[string]struct{}{}}
}

// sampleProcess fills the first empty slot, in filter order, that the event
// matches for its key; one event fills one slot. A full group is a sample;
// like Elasticsearch's default max_samples_per_key, a key yields one sample.
func (e *Engine) sampleProcess(s *sampleState, emit func(Match)) {
	if !gateOpen(e.ev.gate, s.plan.gate) {
		return
	}
	n := len(s.plan.stages)
	for i := range s.plan.stages {
		st := &s.plan.stages[i]
		if st.cond(e.ev) != tTrue {
			continue
		}
		k, ok := e.keyOf(st)
		if !ok {
			continue
		}
		if _, done := s.done[k]; done {
			return
		}
		g := s.groups[k]
		if g == nil {
			g = &group{key: k, events: make([][]byte, n), nums: make([]int64, n)}
			s.groups[k] = g
			s.order = append(s.order, g)
			if len(s.groups) > e.p.maxState {
				for len(s.order) > 0 {
					old := s.order[0]
					s.order = s.order[1:]
					if s.groups[old.key] == old && old != g {
						delete(s.groups, old.key)
						s.dropped++
						break
					}
				}
			}
		}
		if g.events[i] != nil {
			continue
		}
		g.events[i] = e.rawCopy()
		g.nums[i] = e.cur
		g.filled++
		if g.filled == n {
			delete(s.groups, k)
			if len(s.done) < e.p.maxState {
				s.done[k] = struct{}{}
			}
			e.emitMatch(Match{Rule: s.plan.rule, Events: g.events, Nums: g.nums, Keys: decodeKeys(k)}, true, emit)
		}
		return
	}
}
