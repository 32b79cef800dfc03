package native

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// kind is the JSON type of one extracted scalar.
type kind uint8

const (
	kNull kind = iota
	kBool
	kInt
	kFloat
	kStr
)

// scalar is one non-null value of a field: a string (bytes into the line or
// into the event's arena, valid until the next event), a number or a bool.
type scalar struct {
	k kind
	b bool
	i int64
	f float64 // set for kInt too, so numeric comparisons need no branch on kind
	s []byte
}

// trieNode is one step of a field path. The extractor descends only into
// objects that lie on a referenced path and skips everything else.
type trieNode struct {
	name     string
	path     string
	word     uint64 // keyWord(name)
	children []*trieNode
	// table finds a child by a multiplicative hash of its name's first 8
	// bytes and length, chosen at build time so that no two children
	// collide: a key is then one multiply, one load and one compare away
	// from its child or from being skipped, whatever the fan-out, with no
	// loop whose exit depends on the key.
	table []trieSlot
	mul   uint64
	shift uint8
	slot  int // -1 when no field ends here
	// first marks the first bytes of the children's names ('"' for an
	// empty name, being the byte after an empty key): a key whose first
	// byte is not marked is neither a child nor a dotted path through one.
	first [256]bool
}

// noChildren is the table of a node without children: one empty slot,
// which no key matches, so that lookup need not test for a table.
var noChildren = []trieSlot{{n: -1}}

// addChild appends a child named seg.
func (n *trieNode) addChild(seg, path string) *trieNode {
	ch := &trieNode{name: seg, path: path, word: keyWord([]byte(seg)), slot: -1, table: noChildren}
	n.children = append(n.children, ch)
	if seg != "" {
		n.first[seg[0]] = true
	} else {
		n.first['"'] = true // the byte after an empty key's opening quote
	}
	n.buildTable()
	return ch
}

// trieSlot is one entry of trieNode.table: the child's word and length
// are kept in the table itself, so that rejecting a key reads no node, and
// so is its last word, so that a name of up to 16 bytes is matched by two
// compares, without memequal.
type trieSlot struct {
	word uint64
	tail uint64 // the name's last 8 bytes, when it is longer than 8
	n    int    // the name's length, -1 for an empty slot
	node *trieNode
}

// buildTable finds a multiplier that sends every child to its own slot of
// the smallest table that allows one (tried in a fixed order, so a trie is
// a pure function of its paths).
func (n *trieNode) buildTable() {
	seed := uint64(0x9e3779b97f4a7c15)
	for bitsN := bits.Len(uint(len(n.children))); ; bitsN++ {
		size := 1 << bitsN
		table := make([]trieSlot, size)
		shift := uint8(64 - bitsN)
	try:
		for range 256 {
			seed += 0x9e3779b97f4a7c15 // splitmix64
			z := seed
			z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
			z = (z ^ z>>27) * 0x94d049bb133111eb
			mul := (z ^ z>>31) | 1
			for k := range table {
				table[k] = trieSlot{n: -1}
			}
			for _, c := range n.children {
				h := trieHash(c.word, len(c.name), mul, shift)
				if table[h].n >= 0 {
					continue try
				}
				table[h] = trieSlot{word: c.word, n: len(c.name), node: c}
				if len(c.name) > 8 {
					table[h].tail = binary.LittleEndian.Uint64([]byte(c.name[len(c.name)-8:]))
				}
			}
			n.table, n.mul, n.shift = table, mul, shift
			return
		}
	}
}

func trieHash(kw uint64, n int, mul uint64, shift uint8) uint64 {
	return ((kw + uint64(n)) * mul) >> (shift & 63) // shift < 64: no guard for a larger one
}

// keyWord packs the first 8 bytes of key, zero-padded, little-endian.
func keyWord(key []byte) uint64 {
	var w uint64
	for k := min(len(key), 8) - 1; k >= 0; k-- {
		w = w<<8 | uint64(key[k])
	}
	return w
}

func (n *trieNode) child(name []byte) *trieNode {
	return n.lookup(name, keyWord(name))
}

// lookup finds the child named key, whose keyWord is kw. It must stay
// within Go's inlining budget (75 of 80): object calls it for every key of
// a line, and a call there spills the loop's registers. The hash needs no
// mask: it is below the table's size by construction (and 0 for
// noChildren).
func (n *trieNode) lookup(key []byte, kw uint64) *trieNode {
	e := &n.table[trieHash(kw, len(key), n.mul, n.shift)]
	if e.word == kw && e.n == len(key) && (len(key) <= 8 || e.tail == binary.LittleEndian.Uint64(key[len(key)-8:]) && (len(key) <= 16 || e.node.name[8:] == string(key[8:]))) {
		return e.node
	}
	return nil
}

// hasDot reports whether key, whose keyWord is kw, holds a '.': most keys
// do not, and need no dotted lookup.
func hasDot(key []byte, kw uint64) bool {
	switch {
	case dotIn(kw):
		return true
	case len(key) <= 8:
		return false
	case len(key) <= 16:
		// The last 8 bytes (overlapping the first 8): no call for the
		// common key lengths.
		return dotIn(binary.LittleEndian.Uint64(key[len(key)-8:]))
	}
	return bytes.IndexByte(key[8:], '.') >= 0
}

// dotIn reports whether one of the 8 bytes of w is a '.' (a keyWord's
// zero padding is not).
func dotIn(w uint64) bool {
	t := w ^ (lo8 * '.')
	return (t-lo8)&^t&hi8 != 0
}

// dotted finds the node that a dotted key ({"process.name": "nc"}) names
// under n: dotted keys address the same fields as nested objects. Child
// names hold no dot, so a child matches when the key starts with its name
// and a dot; no scan for the dot is needed for keys that are not dotted.
func (n *trieNode) dotted(key []byte) *trieNode {
	for _, c := range n.children {
		l := len(c.name)
		if len(key) > l && key[l] == '.' && c.name == string(key[:l]) {
			rest := key[l+1:]
			if x := c.child(rest); x != nil {
				return x
			}
			return c.dotted(rest)
		}
	}
	return nil
}

// event is one decoded event: only the fields the program references, by
// slot number. It is reused from event to event; nothing in it may be kept
// after the next call to Engine.Process.
type event struct {
	Raw []byte // the event's line, as read
	// vals[s] are the non-null values of the field in slot s, in document
	// order. One slice per slot keeps a field's values contiguous even
	// when arrays of objects interleave several fields, with no copy
	// after decoding. A field that is missing, JSON null or [] has none:
	// predicates treat all three alike.
	vals  [][]scalar
	arena []byte
	// Warn is the first problem found with a referenced field (wrong type),
	// or "" when there was none; the event is still evaluated, with that
	// field missing.
	Warn string
	fold []byte // scratch for case folding
	// folded[s] are slot s's string values case-folded, computed on first
	// use in an event (foldGen[s] == gen) and shared by every `:`/`in~`
	// predicate on that field.
	folded  [][][]byte
	foldGen []uint32
	farena  []byte
	gen     uint32
	// memo caches leaf predicates that several rules share: 0 unknown,
	// else tri+1.
	memo []uint8
	// cand is scratch for Program.candidates (the candidates, then one
	// index's), matched for Program.matchEvents.
	cand, matched []uint64
	// gate is this event's candidates (over event rules, then stages),
	// or nil when every rule and stage runs.
	gate []uint64
	// binds are the script bindings in use (bindDepth) and spare.
	binds     []*binding
	bindDepth int
	blk       []block // the line's masks, scratch for decode
	ts        int64   // @timestamp in Unix nanoseconds, when hasTS
	hasTS     bool
}

func newEvent(nslots, nmemo int) *event {
	return &event{vals: make([][]scalar, nslots),
		folded: make([][][]byte, nslots), foldGen: make([]uint32, nslots), memo: make([]uint8, nmemo)}
}

// foldedValues returns slot s's string values, case-folded (nil entries
// for non-strings), folding them once per event.
func (ev *event) foldedValues(s int) [][]byte {
	if ev.foldGen[s] == ev.gen {
		return ev.folded[s]
	}
	ev.foldGen[s] = ev.gen
	out := ev.folded[s][:0]
	vals := ev.vals[s]
	for i := range vals {
		v := &vals[i] // not a copy of the scalar
		if v.k != kStr {
			out = append(out, nil)
			continue
		}
		if !needsFold(v.s) {
			out = append(out, v.s) // already folded: most values are
			continue
		}
		start := len(ev.farena)
		ev.farena = appendFold(ev.farena, v.s)
		out = append(out, ev.farena[start:len(ev.farena):len(ev.farena)])
	}
	ev.folded[s] = out
	return out
}

// values returns the non-null values of the field in slot i.
func (ev *event) values(i int) []scalar {
	return ev.vals[i]
}

// extractor decodes the referenced fields of an NDJSON line.
type extractor struct {
	root   *trieNode
	tsSlot int // slot of @timestamp, or -1
	// portable: skipKeys' Go steps even where passMembers is there (for
	// the tests that compare the two).
	portable bool
}

// syntaxError is a JSON syntax error at a byte offset of the line.
type syntaxError struct {
	off int
	msg string
}

func (e *syntaxError) Error() string { return fmt.Sprintf("column %d: %s", e.off+1, e.msg) }

// decode fills ev from line. A syntax error leaves ev unusable.
func (x *extractor) decode(ev *event, line []byte) error {
	ev.Raw = line
	ev.arena = ev.arena[:0]
	ev.Warn = ""
	ev.hasTS = false
	ev.gen++
	ev.farena = ev.farena[:0]
	clear(ev.memo)
	for i := range ev.vals {
		ev.vals[i] = ev.vals[i][:0]
	}
	blk, anyBS, stray := indexLine(ev.blk, line)
	ev.blk = blk
	d := decoder{b: line, ev: ev, blk: blk, bs: anyBS, portable: x.portable}
	if err := d.line(x.root); err != nil || stray >= 0 {
		// A stray backslash may sit in a container that no rule reads,
		// which the decoder skips by the masks alone; report it unless
		// an error comes before it.
		if se, ok := err.(*syntaxError); stray >= 0 && (err == nil || ok && se.off > stray) {
			return &syntaxError{stray, "unexpected '\\' outside a string"}
		}
		return err
	}
	if x.tsSlot >= 0 {
		for _, v := range ev.values(x.tsSlot) {
			switch v.k {
			case kStr:
				if t, ok := parseRFC3339(v.s); ok {
					ev.ts, ev.hasTS = t, true
				}
			case kInt, kFloat:
				// Epoch milliseconds, as Elasticsearch's date type accepts.
				ev.ts, ev.hasTS = int64(v.f*1e6), true
			}
			break
		}
	}
	return nil
}

// line decodes the whole line: one object and nothing after it.
func (d *decoder) line(root *trieNode) error {
	d.skipWS()
	if d.i >= len(d.b) || d.b[d.i] != '{' {
		return &syntaxError{d.i, "expected a JSON object"}
	}
	if err := d.object(root); err != nil {
		return err
	}
	d.skipWS()
	if d.i != len(d.b) {
		return &syntaxError{d.i, "unexpected data after the JSON object"}
	}
	return nil
}

type decoder struct {
	b   []byte
	i   int
	ev  *event
	blk []block // b's masks (indexLine)
	bs  bool    // b holds a backslash: strings must be checked for escapes
	err error   // the error that skipKeys returns atErr for
	// portable makes skipKeys take its Go steps where passMembers is
	// there (tests compare the two).
	portable bool
}

// quoteAfter returns the index of the first unescaped '"' at or after j,
// or -1. A quote within 64 bytes, the common case, takes one look at the
// masks.
func (d *decoder) quoteAfter(j int) int {
	if q := quotesFrom(d.blk, j); q != 0 {
		return j + bits.TrailingZeros64(q)
	}
	return d.quoteAfterSlow(j)
}

// quoteAfterSlow is quoteAfter for a quote more than 64 bytes away: the
// blocks after j's, none of whose quotes can be before j+64.
func (d *decoder) quoteAfterSlow(j int) int {
	for w := j>>6 + 1; w < len(d.blk); w++ {
		if m := d.blk[w].q; m != 0 {
			return w<<6 + bits.TrailingZeros64(m)
		}
	}
	return -1
}

// escaped reports whether b[from:to] holds a backslash: only lines that
// hold one anywhere need to look.
func (d *decoder) escaped(from, to int) bool {
	return d.bs && bytes.IndexByte(d.b[from:to], '\\') >= 0
}

// skipContainer returns the index just past the object or array that
// starts at b[i], counting the brackets outside strings 64 bytes at a
// time: a block with fewer closing brackets than the depth at its start
// cannot end the value and is passed by two population counts. In the
// others the brackets are taken one by one, in order, without a branch on
// which kind each is: the containers that no rule reads are mostly small
// ({"id":"0","name":"root"}), so this is usually a handful of steps.
func (d *decoder) skipContainer(i int) (int, bool) {
	w := i >> 6
	if w >= len(d.blk) {
		return len(d.b), false
	}
	sh := uint(i) & 63
	op := d.blk[w].op >> sh << sh
	cl := d.blk[w].cl >> sh << sh
	// Most such values hold no container and end in their first block:
	// then the first bracket after the opening one closes it.
	if m := (op | cl) &^ (1 << sh); m&-m&cl != 0 {
		return w<<6 + bits.TrailingZeros64(m) + 1, true
	}
	depth := 0
	for {
		if bits.OnesCount64(cl) < depth {
			depth += bits.OnesCount64(op) - bits.OnesCount64(cl)
		} else {
			for m := op | cl; m != 0; m &= m - 1 {
				p := bits.TrailingZeros64(m)
				depth += int(op>>p&1)<<1 - 1 // +1 for an opening bracket, -1 for a closing one
				if depth == 0 {
					return w<<6 + p + 1, true
				}
			}
		}
		if w++; w >= len(d.blk) {
			return len(d.b), false
		}
		op, cl = d.blk[w].op, d.blk[w].cl
	}
}

func (d *decoder) skipWS() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *decoder) errf(format string, args ...any) error {
	return &syntaxError{d.i, fmt.Sprintf(format, args...)}
}

// skipSpace returns the index of the first non-blank byte at or after i.
// NDJSON events seldom hold blanks, so the first test is the only one that
// usually runs.
func skipSpace(b []byte, i int) int {
	for i < len(b) && b[i] <= ' ' && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// What skipKeys stopped at, for object to go on from.
const (
	atKey   = iota // a key (or a blank before one) to read in full
	atValue        // a value: for next when it is not nil, else to skip
	atSep          // the end of a value, before ',' or '}' (or a blank)
	atEnd          // past the object's closing brace
	atErr          // a syntax error, in decoder.err, inside a nested object
)

// skipKeys passes, from the key at b[i], the members of an object under
// node that no rule reads, takes the strings of the fields that it finds
// when they need neither unescaping nor a larger slice, and stops at the
// first member that needs more: a key or string with an escape or over 64
// bytes, a key of over 16 bytes that may be a child's, a dotted key, a
// field's other values (objects, arrays, numbers), blanks, a syntax
// error. object reads that member in full and calls skipKeys again. Nearly
// every member of an event is passed here, and its loop calls nothing but
// skipContainer: in Go a call spills the registers that the loop holds,
// which had made the general loop in object cost about 210 instructions
// per key. On amd64 the steps that pass unread members are passMembers,
// in assembly; the Go steps serve elsewhere, and in tests.
func (d *decoder) skipKeys(node *trieNode, i int) (int, *trieNode, int) {
	b, blk, bs, ev := d.b, d.blk, d.bs, d.ev
	if i+1 >= len(b) || b[i] != '"' {
		return i, nil, atKey
	}
	for {
		var next *trieNode
		if havePass && !d.portable {
			// The same steps, up to a member that they do not pass, in
			// assembly (passMembers).
			var at int
			if i, next, at = passMembers(b, blk, i, bs, node); at != atValue {
				return i, nil, at
			}
		} else {
			// b[i] is a key's opening quote, and not the line's last byte.
			k := i + 1
			q := quotesFrom(blk, k)
			if q == 0 {
				return i, nil, atKey
			}
			n := bits.TrailingZeros64(q) & 63 // the key's length (& 63: a shift by n needs no guard)
			j := k + n
			if bs && backslashesFrom(blk, k)&(1<<n-1) != 0 || j+2 >= len(b) || b[j+1] != ':' || b[j+2] <= ' ' {
				return i, nil, atKey
			}
			i = j + 2
			// A key whose first byte starts no child's name (b[k] is the
			// closing quote for "") is neither a child nor a dotted path
			// through one: most keys are passed on this test alone.
			if node.first[b[k]] {
				if k+8 > len(b) {
					return k - 1, nil, atKey
				}
				kw := binary.LittleEndian.Uint64(b[k : k+8])
				if n < 8 {
					kw &= 1<<(8*n) - 1
				}
				// node.lookup, without its call to memequal for keys over
				// 16 bytes, which object looks up instead.
				if e := &node.table[trieHash(kw, n, node.mul, node.shift)]; e.word == kw && e.n == n {
					if n <= 8 || n <= 16 && e.tail == binary.LittleEndian.Uint64(b[j-8:j]) {
						next = e.node
					} else if n > 16 {
						return k - 1, nil, atKey
					}
				}
				// Maybe a dotted path through a child (hasDot, without
				// its call): object looks for it.
				if next == nil && (n > 16 || dotIn(kw) || n > 8 && dotIn(binary.LittleEndian.Uint64(b[j-8:j]))) {
					return k - 1, nil, atKey
				}
			}
		}
		switch c := b[i]; {
		case next != nil:
			// A field's strings without escapes, alone or in an array
			// (process.args), are added here while its values have room:
			// nothing here may call (append). Anything else is object's,
			// with the values added so far taken back.
			if c == '{' && len(next.children) > 0 {
				// An object on a path (process.parent): read here, so
				// that object is not called back for each.
				d.i = i
				if d.err = d.object(next); d.err != nil {
					return i, nil, atErr
				}
				i = d.i
				break
			}
			if (c == 't' || c == 'f') && next.slot >= 0 {
				// true or false (process.interactive), followed by a
				// delimiter, as value reads it.
				lit, vals := "false", &ev.vals[next.slot]
				if c == 't' {
					lit = "true"
				}
				if end := i + len(lit); end < len(b) && string(b[i:end]) == lit && isDelim[b[end]] && len(*vals) < cap(*vals) {
					*vals = (*vals)[:len(*vals)+1] // not append: nothing here may call
					(*vals)[len(*vals)-1] = scalar{k: kBool, b: c == 't'}
					i = end
					break
				}
			}
			if next.slot < 0 || c != '"' && c != '[' {
				return i, next, atValue
			}
			vals := &ev.vals[next.slot]
			n0, p := len(*vals), i
			if c == '[' {
				p++
			}
			for p+1 < len(b) && b[p] == '"' {
				q := quotesFrom(blk, p+1)
				l := bits.TrailingZeros64(q) & 63
				if q == 0 || bs && backslashesFrom(blk, p+1)&(1<<l-1) != 0 || len(*vals) == cap(*vals) {
					break
				}
				*vals = (*vals)[:len(*vals)+1]
				(*vals)[len(*vals)-1] = scalar{k: kStr, s: b[p+1 : p+1+l]}
				if p += l + 2; c == '"' {
					break // a single string
				}
				// Past a ',' only to a string: `["x",]` is object's to
				// reject.
				if p+2 < len(b) && binary.LittleEndian.Uint16(b[p:p+2]) == ','|'"'<<8 {
					p++
				} else {
					break
				}
			}
			switch {
			case c == '"' && len(*vals) > n0:
				i = p
			case c == '[' && p < len(b) && b[p] == ']' && (len(*vals) > n0 || p == i+1):
				i = p + 1 // the whole array, or []
			default:
				*vals = (*vals)[:n0]
				return i, next, atValue
			}
		case c == '"':
			q := quotesFrom(blk, i+1)
			if q == 0 {
				return i, nil, atValue
			}
			i += bits.TrailingZeros64(q) + 2
		case c == '{' || c == '[':
			end, ok := d.skipContainer(i)
			if !ok {
				return i, nil, atValue
			}
			i = end
		default:
			j := literalEnd(b, i)
			if j == i {
				return i, nil, atValue
			}
			i = j
		}
		// `,"` goes on to the next key, with one compare.
		if i+2 < len(b) && binary.LittleEndian.Uint16(b[i:i+2]) == ','|'"'<<8 {
			i++
			continue
		}
		if i < len(b) && b[i] == '}' {
			return i + 1, nil, atEnd
		}
		return i, nil, atSep
	}
}

// object reads an object whose keys are looked up under node (nil: skip).
// skipKeys passes the members that no rule reads; the members that it
// stops at are read here. The cursor is kept in a local between calls
// (writes through d cost).
func (d *decoder) object(node *trieNode) error {
	if node == nil {
		node = noFields
	}
	b := d.b
	i := skipSpace(b, d.i+1) // past '{'
	if i < len(b) && b[i] == '}' {
		d.i = i + 1
		return nil
	}
	for {
		var next *trieNode
		var at int
		i, next, at = d.skipKeys(node, i)
		switch at {
		case atEnd:
			d.i = i
			return nil
		case atErr:
			return d.err
		}
		if at == atKey {
			i = skipSpace(b, i)
			if i >= len(b) || b[i] != '"' {
				d.i = i
				return d.errf("expected a string key")
			}
			j := d.quoteAfter(i + 1)
			if j < 0 {
				d.i = len(b)
				return d.errf("unterminated string")
			}
			key := b[i+1 : j]
			if d.escaped(i+1, j) {
				d.i = i
				k, err := d.str()
				if err != nil {
					return err
				}
				key, i = k, d.i
			} else {
				i = j + 1
			}
			kw := keyWord(key)
			i = skipSpace(b, i)
			if i >= len(b) || b[i] != ':' {
				d.i = i
				return d.errf("expected ':' after a key")
			}
			i = skipSpace(b, i+1)
			if next = node.lookup(key, kw); next == nil && len(key) > 0 && node.first[key[0]] && hasDot(key, kw) {
				next = node.dotted(key)
			}
		}
		if at != atSep {
			if i >= len(b) {
				d.i = i
				return d.errf("expected a value")
			}
			var err error
			if i, err = d.member(next, i); err != nil {
				return err
			}
		}
		i = skipSpace(b, i)
		if i >= len(b) {
			d.i = i
			return d.errf("unexpected end of line inside an object")
		}
		switch b[i] {
		case ',':
			i++
			continue
		case '}':
			d.i = i + 1
			return nil
		}
		d.i = i
		return d.errf("expected ',' or '}'")
	}
}

// literalEnd returns the index past the number, true, false or null at
// b[i] (i itself when there is none): only its extent matters to a value
// that no rule reads, and it ends where a delimiter starts.
func literalEnd(b []byte, i int) int {
	for i < len(b) && !isDelim[b[i]] {
		i++
	}
	return i
}

// noFields is the node of an object under which no rule reads anything.
var noFields = &trieNode{table: noChildren, slot: -1}

// member reads the value at b[i] of an object's member, for next (nil:
// skip it), and returns the index past it.
func (d *decoder) member(next *trieNode, i int) (int, error) {
	b := d.b
	switch c := b[i]; {
	case next != nil && c == '"' && next.slot >= 0:
		// A string for a field: taken here when it has no escape.
		if j := d.quoteAfter(i + 1); j >= 0 && !d.escaped(i+1, j) {
			d.add(next, scalar{k: kStr, s: b[i+1 : j]})
			return j + 1, nil
		}
	case next != nil && c == '[' && next.slot >= 0:
		return d.fieldArray(i, next)
	case next != nil:
	case c == '"':
		// An unread string, the commonest value.
		j := d.quoteAfter(i + 1)
		if j < 0 {
			d.i = len(b)
			return 0, d.errf("unterminated string")
		}
		return j + 1, nil
	case c == '{' || c == '[':
		end, ok := d.skipContainer(i)
		if !ok {
			d.i = len(b)
			return 0, d.errf("unexpected end of line inside a value")
		}
		return end, nil
	default:
		j := literalEnd(b, i)
		if j == i {
			d.i = i
			return 0, d.errf("expected a value")
		}
		return j, nil
	}
	d.i = i
	if err := d.value(next, false); err != nil {
		return 0, err
	}
	return d.i, nil
}

// fieldArray reads the array at b[i] for a field (process.args, event.type)
// and returns the index past it. Strings without escapes, nearly every
// element, are taken here; anything else goes through value.
func (d *decoder) fieldArray(i int, node *trieNode) (int, error) {
	b := d.b
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, nil
	}
	for {
		taken := false
		if i < len(b) && b[i] == '"' {
			if j := d.quoteAfter(i + 1); j >= 0 && !d.escaped(i+1, j) {
				d.add(node, scalar{k: kStr, s: b[i+1 : j]})
				i, taken = j+1, true
			}
		}
		if !taken {
			d.i = i
			if err := d.value(node, true); err != nil {
				return 0, err
			}
			i = d.i
		}
		i = skipSpace(b, i)
		if i >= len(b) {
			d.i = i
			return 0, d.errf("unexpected end of line inside an array")
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
			continue
		case ']':
			return i + 1, nil
		}
		d.i = i
		return 0, d.errf("expected ',' or ']'")
	}
}

// isDelim marks the bytes that end a number or literal: structure, quotes
// and blanks. It is a read-only table.
var isDelim = [256]bool{',': true, '}': true, ']': true, ':': true, '"': true, '{': true, '[': true,
	' ': true, '\t': true, '\n': true, '\r': true}

// value reads one value for node, which is not nil: object skips the
// values that no rule reads itself.
func (d *decoder) value(node *trieNode, inArray bool) error {
	if d.i >= len(d.b) {
		return d.errf("expected a value")
	}
	c := d.b[d.i]
	switch {
	case c == '{':
		if node != nil && len(node.children) == 0 {
			d.warn(node, "an object")
			node = nil
		}
		return d.object(node)
	case c == '[':
		d.i++
		d.skipWS()
		if d.i < len(d.b) && d.b[d.i] == ']' {
			d.i++
			return nil
		}
		for {
			d.skipWS()
			if err := d.value(node, true); err != nil {
				return err
			}
			d.skipWS()
			if d.i >= len(d.b) {
				return d.errf("unexpected end of line inside an array")
			}
			if d.b[d.i] == ',' {
				d.i++
				continue
			}
			if d.b[d.i] == ']' {
				d.i++
				return nil
			}
			return d.errf("expected ',' or ']'")
		}
	case c == '"':
		s, err := d.str()
		if err != nil {
			return err
		}
		if node != nil && node.slot >= 0 {
			d.add(node, scalar{k: kStr, s: s})
		} else if node != nil {
			d.warn(node, "a string")
		}
		return nil
	case c == 't' || c == 'f' || c == 'n':
		var lit string
		var v scalar
		switch c {
		case 't':
			lit, v = "true", scalar{k: kBool, b: true}
		case 'f':
			lit, v = "false", scalar{k: kBool}
		default:
			lit, v = "null", scalar{k: kNull}
		}
		if !bytes.HasPrefix(d.b[d.i:], []byte(lit)) {
			return d.errf("invalid literal")
		}
		d.i += len(lit)
		if node != nil && v.k != kNull {
			if node.slot >= 0 {
				d.add(node, v)
			} else {
				d.warn(node, "a boolean")
			}
		}
		return nil
	case c == '-' || (c >= '0' && c <= '9'):
		start := d.i
		isFloat := false
		for d.i < len(d.b) {
			c := d.b[d.i]
			if c >= '0' && c <= '9' || c == '-' || c == '+' {
				d.i++
				continue
			}
			if c == '.' || c == 'e' || c == 'E' {
				isFloat = true
				d.i++
				continue
			}
			break
		}
		if node == nil {
			return nil
		}
		if node.slot < 0 {
			d.warn(node, "a number")
			return nil
		}
		num := d.b[start:d.i]
		// s keeps the number's text: a keyword field indexes it as such.
		if !isFloat {
			if n, ok := parseInt(num); ok {
				d.add(node, scalar{k: kInt, i: n, f: float64(n), s: num})
				return nil
			}
		}
		f, ok := parseFloat(num)
		if !ok {
			return &syntaxError{start, "invalid number"}
		}
		d.add(node, scalar{k: kFloat, f: f, s: num})
		return nil
	}
	return d.errf("unexpected character %q", c)
}

func (d *decoder) add(node *trieNode, v scalar) {
	d.ev.vals[node.slot] = append(d.ev.vals[node.slot], v)
}

func (d *decoder) warn(node *trieNode, what string) {
	if d.ev.Warn == "" {
		d.ev.Warn = fmt.Sprintf("field %q: found %s where %s was expected", node.path, what,
			map[bool]string{true: "an object", false: "a value"}[node.slot < 0])
	}
}

// parseFloat parses a number without allocating for usual lengths.
func parseFloat(b []byte) (float64, bool) {
	var buf [64]byte
	if len(b) > len(buf) {
		f, err := strconv.ParseFloat(string(b), 64)
		return f, err == nil || math.IsInf(f, 0)
	}
	n := copy(buf[:], b)
	f, err := strconv.ParseFloat(string(buf[:n]), 64)
	return f, err == nil || math.IsInf(f, 0)
}

// numberIn reads a string value of a numeric-typed field as a number, as
// Elasticsearch coerces "12" when indexing a long field.
func numberIn(b []byte) (scalar, bool) {
	t := bytes.TrimSpace(b)
	if n, ok := parseInt(t); ok {
		return scalar{k: kInt, i: n, f: float64(n), s: b}, true
	}
	if len(t) == 0 || !(t[0] == '-' || t[0] == '+' || t[0] == '.' || t[0] >= '0' && t[0] <= '9') {
		return scalar{}, false
	}
	f, ok := parseFloat(t)
	if !ok {
		return scalar{}, false
	}
	return scalar{k: kFloat, f: f, s: b}, true
}

func parseInt(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && b[0] == '-' {
		neg, b = true, b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// str reads a JSON string at d.i and returns its unescaped bytes: a slice of
// the line when it holds no escape, else of the event's arena.
func (d *decoder) str() ([]byte, error) {
	d.i++ // opening quote
	start := d.i
	j := d.quoteAfter(d.i)
	if j < 0 {
		return nil, d.errf("unterminated string")
	}
	if !d.escaped(start, j) {
		d.i = j + 1
		return d.b[start:j], nil
	}
	ar := d.ev.arena
	from := len(ar)
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			d.ev.arena = ar
			return ar[from:len(ar):len(ar)], nil
		case c == '\\':
			if d.i+1 >= len(d.b) {
				return nil, d.errf("unterminated escape")
			}
			e := d.b[d.i+1]
			d.i += 2
			switch e {
			case '"', '\\', '/':
				ar = append(ar, e)
			case 'b':
				ar = append(ar, '\b')
			case 'f':
				ar = append(ar, '\f')
			case 'n':
				ar = append(ar, '\n')
			case 'r':
				ar = append(ar, '\r')
			case 't':
				ar = append(ar, '\t')
			case 'u':
				r, ok := d.hex4()
				if !ok {
					return nil, d.errf("invalid \\u escape")
				}
				if utf16.IsSurrogate(r) {
					r2 := rune(-1)
					if d.i+1 < len(d.b) && d.b[d.i] == '\\' && d.b[d.i+1] == 'u' {
						save := d.i
						d.i += 2
						if x, ok := d.hex4(); ok {
							r2 = x
						} else {
							d.i = save
						}
					}
					r = utf16.DecodeRune(r, r2)
				}
				ar = utf8.AppendRune(ar, r)
			default:
				return nil, d.errf("invalid escape \\%c", e)
			}
		default:
			ar = append(ar, c)
			d.i++
		}
	}
	return nil, d.errf("unterminated string")
}

const (
	lo8 = 0x0101010101010101
	hi8 = 0x8080808080808080
)

func (d *decoder) hex4() (rune, bool) {
	if d.i+4 > len(d.b) {
		return 0, false
	}
	var r rune
	for _, c := range d.b[d.i : d.i+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	d.i += 4
	return r, true
}

// parseRFC3339 reads "2006-01-02T15:04:05[.frac](Z|±hh:mm)" into Unix
// nanoseconds without allocating.
func parseRFC3339(b []byte) (int64, bool) {
	num := func(s []byte) (int, bool) {
		n := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || (b[10] != 'T' && b[10] != 't' && b[10] != ' ') || b[13] != ':' || b[16] != ':' {
		return 0, false
	}
	y, ok1 := num(b[0:4])
	mo, ok2 := num(b[5:7])
	dd, ok3 := num(b[8:10])
	hh, ok4 := num(b[11:13])
	mi, ok5 := num(b[14:16])
	ss, ok6 := num(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mo < 1 || mo > 12 || dd < 1 || dd > 31 || hh > 23 || mi > 59 || ss > 60 {
		return 0, false
	}
	i := 19
	var frac int64
	if i < len(b) && b[i] == '.' {
		i++
		digits := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			if digits < 9 {
				frac = frac*10 + int64(b[i]-'0')
				digits++
			}
			i++
		}
		for ; digits < 9; digits++ {
			frac *= 10
		}
	}
	var off int64
	switch {
	case i < len(b) && (b[i] == 'Z' || b[i] == 'z'):
		i++
	case i+6 == len(b) && (b[i] == '+' || b[i] == '-') && b[i+3] == ':':
		oh, ok1 := num(b[i+1 : i+3])
		om, ok2 := num(b[i+4 : i+6])
		if !ok1 || !ok2 {
			return 0, false
		}
		off = int64(oh*3600+om*60) * 1e9
		if b[i] == '-' {
			off = -off
		}
		i += 6
	default:
		return 0, false
	}
	if i != len(b) {
		return 0, false
	}
	days := daysFromCivil(y, mo, dd)
	secs := days*86400 + int64(hh*3600+mi*60+ss)
	return secs*1e9 + frac - off, true
}

// daysFromCivil is the number of days from 1970-01-01 to y-m-d (proleptic
// Gregorian), after Howard Hinnant's algorithm.
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}
