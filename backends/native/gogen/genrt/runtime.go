package genrt

// Run-time support of the generated package (copied from eqlx's gogen/genrt).
// The semantics are those of eqlx's native evaluator: see its package doc.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
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

// scalar is one non-null value of a field. s is the string, or a number's
// text as written in the event (a keyword field indexes a number as its
// text); it is a view of the event line or of the event's arena, valid
// until the next event.
type scalar struct {
	k kind
	b bool
	f float64
	s string
}

// fieldType is what the ECS catalogue says a field holds; it decides how
// values of other JSON types compare.
type fieldType uint8

const (
	ftUnknown fieldType = iota // the JSON types decide
	ftString                   // keyword-like: numbers stand for their text
	ftNumber                   // numeric: strings holding numbers are numbers
	ftDate                     // date: compared as instants
	ftIP                       // ip: compared by address
)

// trieNode is one step of a referenced field path.
type trieNode struct {
	path  string
	slot  int32 // -1 when no referenced field ends here
	inner bool  // some referenced path goes through it
}

// extractor reads the referenced fields of an event. child returns the
// node for the key name under node, or -1; the generated code supplies it,
// and readObject, the reader of the objects on the referenced paths,
// specialised for exactly those paths: it reads what objectGeneric reads,
// faster.
type extractor struct {
	nodes  []trieNode
	child  func(node int32, name string) int32
	tsSlot int32 // slot of @timestamp, or -1
	// generic reads every object with the generic trie walk instead of
	// readObject: the reference that tests compare the readers with.
	generic bool
}

// event is one decoded event: only the referenced fields, by slot. It is
// reused from event to event.
type event struct {
	raw   []byte
	slots [][]scalar
	arena []byte
	fold  []byte
	warn  string
	ts    int64 // @timestamp in Unix nanoseconds, when hasTS
	hasTS bool
	// Per-event caches of the conditions, reset by engine.process: gen
	// numbers the event; fstrs[s] are slot s's folded strings when
	// fgen[s] == gen, in farena; memo holds the shared predicates.
	gen    uint64
	fstrs  [][]string
	fgen   []uint64
	farena []byte
	memo   []uint8
	// skipped[site] is a copy of the container that the generated readers
	// last passed over unread at a skip site (see skipRepeat).
	skipped [][]byte
	// skipMiss[site] counts the misses at a site since its last hit: a
	// site whose containers keep changing is copied only now and then.
	skipMiss []uint8
}

func newEvent(nslots int) *event {
	return &event{slots: make([][]scalar, nslots), fstrs: make([][]string, nslots), fgen: make([]uint64, nslots)}
}

// foldedStrs returns the string values of slot s case-folded, computed
// once per event however many case-insensitive patterns read them: views
// of the values themselves when folding changes nothing, else of the
// event's fold arena.
func (ev *event) foldedStrs(s int) []string {
	if ev.fgen[s] == ev.gen {
		return ev.fstrs[s]
	}
	out := ev.fstrs[s][:0]
	for _, v := range ev.slots[s] {
		if v.k != kStr {
			continue
		}
		t := v.s
		if needsFold(t) {
			// Growing the arena leaves earlier views on the old array,
			// which they keep alive: they stay valid for the event.
			start := len(ev.farena)
			ev.farena = appendFold(ev.farena, t)
			t = view(ev.farena[start:])
		}
		out = append(out, t)
	}
	ev.fstrs[s], ev.fgen[s] = out, ev.gen
	return out
}

// needsFold reports whether folding could change s.
func needsFold(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c-'A' < 26 || c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// memoize records, per event, a predicate that several conditions share: 0
// not evaluated yet, 1 false, 2 true.
func (ev *event) memoize(k int, v bool) bool {
	ev.memo[k] = 1
	if v {
		ev.memo[k] = 2
	}
	return v
}

// view returns b as a string without copying; the bytes must not change
// while the string is in use (they belong to the current event).
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// syntaxError is a JSON syntax error at a byte offset of the line.
type syntaxError struct {
	off int
	msg string
}

func (e *syntaxError) Error() string { return fmt.Sprintf("column %d: %s", e.off+1, e.msg) }

// decode fills ev from line. A syntax error leaves ev unusable.
func (x *extractor) decode(ev *event, line []byte) error {
	ev.raw = line
	ev.arena = ev.arena[:0]
	ev.warn = ""
	ev.hasTS = false
	for i := range ev.slots {
		ev.slots[i] = ev.slots[i][:0]
	}
	d := decoder{b: line, ev: ev, x: x}
	d.i = skipSpace(line, 0)
	if d.i >= len(d.b) || d.b[d.i] != '{' {
		return &syntaxError{d.i, "expected a JSON object"}
	}
	if err := d.object(0); err != nil {
		return err
	}
	d.i = skipSpace(line, d.i)
	if d.i != len(d.b) {
		return &syntaxError{d.i, "unexpected data after the JSON object"}
	}
	if x.tsSlot >= 0 {
		if vals := ev.slots[x.tsSlot]; len(vals) > 0 {
			switch v := vals[0]; v.k {
			case kStr:
				if t, ok := parseRFC3339(v.s); ok {
					ev.ts, ev.hasTS = t, true
				}
			case kInt, kFloat:
				// Epoch milliseconds, as Elasticsearch's date type accepts.
				ev.ts, ev.hasTS = int64(v.f*1e6), true
			}
		}
	}
	return nil
}

type decoder struct {
	b  []byte
	i  int
	ev *event
	x  *extractor
}

func (d *decoder) errf(format string, args ...any) error {
	return &syntaxError{d.i, fmt.Sprintf(format, args...)}
}

// skipSpace returns the index of the first non-blank byte at or after i.
// NDJSON events seldom hold blanks: the first test is usually the only one.
func skipSpace(b []byte, i int) int {
	for i < len(b) && b[i] <= ' ' && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// lookup finds the node of key under node: a child, or a dotted path
// through children ({"process.name": "nc"} addresses process.name).
func (d *decoder) lookup(node int32, key string) int32 {
	if node < 0 || key == "" {
		return -1
	}
	if next := d.x.child(node, key); next >= 0 || strings.IndexByte(key, '.') < 0 {
		return next
	}
	next := node
	for next >= 0 {
		j := strings.IndexByte(key, '.')
		if j < 0 {
			return d.x.child(next, key)
		}
		next = d.x.child(next, key[:j])
		key = key[j+1:]
	}
	return -1
}

// object reads an object whose keys are looked up under node (-1: skip),
// with the generated reader.
func (d *decoder) object(node int32) error {
	if node < 0 || d.x.generic {
		return d.objectGeneric(node)
	}
	return readObject(d, node)
}

// objectGeneric is object without the generated reader: keys are looked up
// in the trie one by one.
func (d *decoder) objectGeneric(node int32) error {
	b := d.b
	i := skipSpace(b, d.i+1) // past '{'
	if i < len(b) && b[i] == '}' {
		d.i = i + 1
		return nil
	}
	for {
		i = skipSpace(b, i)
		if i >= len(b) || b[i] != '"' {
			d.i = i
			return d.errf("expected a string key")
		}
		var key string
		if j := scanQuote(b, i+1); j >= 0 && b[j] == '"' {
			key, i = view(b[i+1:j]), j+1
		} else {
			d.i = i
			k, err := d.str()
			if err != nil {
				return err
			}
			key, i = k, d.i
		}
		i = skipSpace(b, i)
		if i >= len(b) || b[i] != ':' {
			d.i = i
			return d.errf("expected ':' after a key")
		}
		i = skipSpace(b, i+1)
		next := d.lookup(node, key)
		switch {
		case next < 0 && i < len(b) && b[i] == '"':
			// An unread string, the commonest value: skip it here.
			j := i + 1
			for {
				j = scanQuote(b, j)
				if j < 0 {
					d.i = len(b)
					return d.errf("unterminated string")
				}
				if b[j] == '\\' {
					j += 2
					continue
				}
				break
			}
			i = j + 1
		case next < 0 && i < len(b) && (b[i] == '{' || b[i] == '['):
			end, ok := skipContainer(b, i)
			if !ok {
				return d.containerErr(end)
			}
			i = end
		case next < 0:
			d.i = i
			if err := d.skip(); err != nil {
				return err
			}
			if d.i == i {
				return d.errf("expected a value")
			}
			i = d.i
		default:
			d.i = i
			if err := d.value(next); err != nil {
				return err
			}
			i = d.i
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

// value reads one value for node (-1: skip it). Arrays are flattened into
// the field's values, objects in arrays included.
func (d *decoder) value(node int32) error {
	if d.i >= len(d.b) {
		return d.errf("expected a value")
	}
	if node < 0 {
		start := d.i
		if err := d.skip(); err != nil {
			return err
		}
		if d.i == start {
			return d.errf("expected a value")
		}
		return nil
	}
	n := &d.x.nodes[node]
	c := d.b[d.i]
	switch {
	case c == '{':
		if !n.inner {
			d.warn(n, "an object")
			node = -1
		}
		return d.object(node)
	case c == '[':
		d.i = skipSpace(d.b, d.i+1)
		if d.i < len(d.b) && d.b[d.i] == ']' {
			d.i++
			return nil
		}
		for {
			d.i = skipSpace(d.b, d.i)
			if err := d.value(node); err != nil {
				return err
			}
			d.i = skipSpace(d.b, d.i)
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
		if n.slot >= 0 {
			d.add(n, scalar{k: kStr, s: s})
		} else {
			d.warn(n, "a string")
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
		if v.k != kNull {
			if n.slot >= 0 {
				d.add(n, v)
			} else {
				d.warn(n, "a boolean")
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
		if n.slot < 0 {
			d.warn(n, "a number")
			return nil
		}
		num := view(d.b[start:d.i])
		if !isFloat {
			if i, ok := parseInt(num); ok {
				d.add(n, scalar{k: kInt, f: float64(i), s: num})
				return nil
			}
		}
		f, ok := parseFloat(num)
		if !ok {
			return &syntaxError{start, "invalid number"}
		}
		d.add(n, scalar{k: kFloat, f: f, s: num})
		return nil
	}
	return d.errf("unexpected character %q", c)
}

func (d *decoder) add(n *trieNode, v scalar) {
	d.ev.slots[n.slot] = append(d.ev.slots[n.slot], v)
}

// warn records the first referenced field of the wrong type; the event is
// still evaluated, with that value left out.
func (d *decoder) warn(n *trieNode, what string) {
	if d.ev.warn == "" {
		want := "a value"
		if n.slot < 0 {
			want = "an object"
		}
		d.ev.warn = fmt.Sprintf("field %q: found %s where %s was expected", n.path, what, want)
	}
}

func parseFloat(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil || math.IsInf(f, 0)
}

// parseInt parses a decimal integer of up to 18 digits.
func parseInt(s string) (int64, bool) {
	neg := false
	if len(s) > 0 && s[0] == '-' {
		neg, s = true, s[1:]
	}
	if len(s) == 0 || len(s) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
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

// numberIn reads a string value of a numeric-typed field as a number, as
// Elasticsearch coerces "12" when indexing a long field.
func numberIn(s string) (scalar, bool) {
	t := strings.TrimSpace(s)
	if n, ok := parseInt(t); ok {
		return scalar{k: kInt, f: float64(n), s: s}, true
	}
	if len(t) == 0 || !(t[0] == '-' || t[0] == '+' || t[0] == '.' || t[0] >= '0' && t[0] <= '9') {
		return scalar{}, false
	}
	f, ok := parseFloat(t)
	if !ok {
		return scalar{}, false
	}
	return scalar{k: kFloat, f: f, s: s}, true
}

// coerce converts one value to its field's type, when it can.
func coerce(ft fieldType, v scalar) scalar {
	switch {
	case ft == ftString && (v.k == kInt || v.k == kFloat):
		v.k = kStr
	case ft == ftNumber && v.k == kStr:
		if n, ok := numberIn(v.s); ok {
			return n
		}
	}
	return v
}

// str reads a JSON string at d.i and returns its unescaped text: a view of
// the line when it holds no escape, else of the event's arena.
func (d *decoder) str() (string, error) {
	d.i++ // opening quote
	start := d.i
	j := scanQuote(d.b, d.i)
	if j < 0 {
		return "", d.errf("unterminated string")
	}
	if d.b[j] == '"' {
		d.i = j + 1
		return view(d.b[start:j]), nil
	}
	ar := d.ev.arena
	from := len(ar)
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			d.ev.arena = ar
			return view(ar[from:]), nil
		case c == '\\':
			if d.i+1 >= len(d.b) {
				return "", d.errf("unterminated escape")
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
					return "", d.errf("invalid \\u escape")
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
				return "", d.errf("invalid escape \\%c", e)
			}
		default:
			ar = append(ar, c)
			d.i++
		}
	}
	return "", d.errf("unterminated string")
}

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

const (
	lo8 = 0x0101010101010101
	hi8 = 0x8080808080808080
)

// scanQuote returns the index of the first '"' or '\\' at or after i, or
// -1, 8 bytes at a time: most of an event is strings that no rule reads.
func scanQuote(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		q := x ^ (lo8 * '"')
		s := x ^ (lo8 * '\\')
		if m := ((q-lo8)&^q | (s-lo8)&^s) & hi8; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(b); i++ {
		if b[i] == '"' || b[i] == '\\' {
			return i
		}
	}
	return -1
}

// Helpers of the generated object readers (readObject): each reads what
// the generic object loop reads, with the keys matched by a generated
// switch instead of trie lookups.

// scanKey returns the index of the first '"', '\\' or '.' at or after i,
// or -1, 8 bytes at a time. A key that ends before any '\\' or '.' is
// matched as it is; the others (escaped or dotted keys) take slowKey.
func scanKey(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		q := x ^ (lo8 * '"')
		s := x ^ (lo8 * '\\')
		p := x ^ (lo8 * '.')
		if m := ((q-lo8)&^q | (s-lo8)&^s | (p-lo8)&^p) & hi8; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == '"' || c == '\\' || c == '.' {
			return i
		}
	}
	return -1
}

// The first steps of scanKey and scanQuote, inlined by the object
// readers: two words, because most keys (entry_leader, working_directory)
// and many of the strings that no rule reads end within 16 bytes, and a
// call to the scan costs more than the second word.

// word returns the 8 bytes at b[i:] as a little-endian word.
func word(b []byte, i int) uint64 { return binary.LittleEndian.Uint64(b[i:]) }

// quoteBits sets bit 7 of the first byte of x that is '"' or '\\' (and
// maybe of later bytes: only the first is exact).
func quoteBits(x uint64) uint64 {
	q, s := x^(lo8*'"'), x^(lo8*'\\')
	return ((q-lo8)&^q | (s-lo8)&^s) & hi8
}

// keyBits is quoteBits for '"', '\\' and '.'.
func keyBits(x uint64) uint64 {
	q, s, p := x^(lo8*'"'), x^(lo8*'\\'), x^(lo8*'.')
	return ((q-lo8)&^q | (s-lo8)&^s | (p-lo8)&^p) & hi8
}

// firstByte is the index of the first byte marked in m (not 0).
func firstByte(m uint64) int { return bits.TrailingZeros64(m) / 8 }

// slowKey reads the key at b[i] (its opening quote) the generic way,
// unescaping it and following its dots, and returns its node under node
// and the index past the key.
func (d *decoder) slowKey(node int32, i int) (int32, int, error) {
	b := d.b
	var key string
	if j := scanQuote(b, i+1); j >= 0 && b[j] == '"' {
		key, i = view(b[i+1:j]), j+1
	} else {
		d.i = i
		k, err := d.str()
		if err != nil {
			return -1, i, err
		}
		key, i = k, d.i
	}
	return d.lookup(node, key), i, nil
}

// skipUnread passes over the value at b[i] that no rule reads and returns
// the index past it.
func (d *decoder) skipUnread(i int) (int, error) {
	b := d.b
	if i < len(b) {
		switch b[i] {
		case '"':
			j := i + 1
			for {
				j = scanQuote(b, j)
				if j < 0 {
					d.i = len(b)
					return 0, d.errf("unterminated string")
				}
				if b[j] == '\\' {
					j += 2
					continue
				}
				return j + 1, nil
			}
		case '{', '[':
			end, ok := skipContainer(b, i)
			if !ok {
				return 0, d.containerErr(end)
			}
			return end, nil
		}
	}
	// A number, true, false or null: only its extent matters, and it ends
	// where a delimiter starts (as skip finds).
	j := i
	for j < len(b) && !isDelim[b[j]] {
		j++
	}
	if j == i {
		d.i = i
		return 0, d.errf("expected a value")
	}
	return j, nil
}

// skipSites is the number of skip sites of each generated object reader:
// an unread container is remembered under its key's site (keySite), so
// that an optional member (a container present in some events only)
// does not shift the others.
const skipSites = 64

// keySite is the skip site of the key b[k:j] (a hash of its length and
// first 8 bytes): two keys may share one, which costs hits, not
// correctness.
func keySite(b []byte, k, j int) int {
	n := j - k
	var x uint64
	if k+8 <= len(b) {
		x = word(b, k)
		if n < 8 {
			x &= 1<<(8*n) - 1
		}
	}
	return int((x ^ uint64(n)) * 0x9e3779b97f4a7c15 >> 58)
}

// maxSkipCopy bounds the containers that skipRepeat remembers, so that a
// stream of large, changing containers does not pay for copying them.
const maxSkipCopy = 1024

// skipRepeat passes over the unread container (object or array) at b[i],
// like skipUnread, at a skip site of a generated reader. Events of a
// stream repeat whole subobjects (agent, cloud, ecs, data_stream, the
// process's tty, user and group): when the bytes at i start with the
// container last skipped at the site, it ends where that one ended, and
// one comparison replaces the scan. That is exact: skipContainer's result
// depends only on the bytes from i to the end it returns (it never looks
// past the closing bracket), so equal bytes give an equal end, valid as
// before.
func (d *decoder) skipRepeat(i, site int) (int, error) {
	b, ev := d.b, d.ev
	if site < len(ev.skipped) {
		if m := ev.skipped[site]; len(m) > 0 && len(m) <= len(b)-i && string(b[i:i+len(m)]) == string(m) {
			ev.skipMiss[site] = 0
			return i + len(m), nil
		}
	}
	end, ok := skipContainer(b, i)
	if !ok {
		return 0, d.containerErr(end)
	}
	if site >= len(ev.skipped) {
		ev.skipped = append(ev.skipped, make([][]byte, site+1-len(ev.skipped))...)
		ev.skipMiss = append(ev.skipMiss, make([]uint8, site+1-len(ev.skipMiss))...)
	}
	// After 4 misses in a row, one in 16 is remembered.
	if n := ev.skipMiss[site]; n < 4 || n&15 == 0 {
		ev.skipped[site] = ev.skipped[site][:0]
		if end-i <= maxSkipCopy {
			ev.skipped[site] = append(ev.skipped[site], b[i:end]...)
		}
	}
	ev.skipMiss[site]++
	return end, nil
}

// isDelim marks the bytes that end a number or literal that is skipped:
// structure, quotes, blanks and a backslash (an error, which the caller
// then reports). It is never written.
var isDelim = [256]bool{',': true, '}': true, ']': true, ':': true, '"': true, '{': true, '[': true,
	' ': true, '\t': true, '\n': true, '\r': true, '\\': true}

// leaf reads the value at b[i] of the referenced field node and returns
// the index past it. Strings without escapes and booleans, alone or in an
// array, are taken here; the rest goes through value, which reads them the
// same way.
func (d *decoder) leaf(i int, node int32) (int, error) {
	b := d.b
	n := &d.x.nodes[node]
	if n.slot < 0 || i >= len(b) {
		d.i = i
		err := d.value(node)
		return d.i, err
	}
	if b[i] != '[' {
		if j, ok := d.simple(i, n.slot); ok {
			return j, nil
		}
		d.i = i
		err := d.value(node)
		return d.i, err
	}
	// An array: the same steps as value's.
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, nil
	}
	for {
		i = skipSpace(b, i)
		if j, ok := d.simple(i, n.slot); ok {
			i = j
		} else {
			d.i = i
			if err := d.value(node); err != nil {
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
			i++
			continue
		case ']':
			return i + 1, nil
		}
		d.i = i
		return 0, d.errf("expected ',' or ']'")
	}
}

// simple adds the value at b[i] to slot when it is a string without
// escapes or a boolean, returning the index past it; false for any other
// value, left to value.
func (d *decoder) simple(i int, slot int32) (int, bool) {
	b := d.b
	if i >= len(b) {
		return 0, false
	}
	var v scalar
	switch b[i] {
	case '"':
		k := i + 1
		var j int
		if k+16 <= len(b) {
			if m := quoteBits(word(b, k)); m != 0 {
				j = k + firstByte(m)
			} else if m := quoteBits(word(b, k+8)); m != 0 {
				j = k + 8 + firstByte(m)
			} else {
				j = scanQuote(b, k+16)
			}
		} else {
			j = scanQuote(b, k)
		}
		if j < 0 || b[j] != '"' {
			return 0, false
		}
		v, i = scalar{k: kStr, s: view(b[i+1 : j])}, j+1
	case 't':
		if !bytes.HasPrefix(b[i:], []byte("true")) {
			return 0, false
		}
		v, i = scalar{k: kBool, b: true}, i+4
	case 'f':
		if !bytes.HasPrefix(b[i:], []byte("false")) {
			return 0, false
		}
		v, i = scalar{k: kBool}, i+5
	default:
		return 0, false
	}
	d.ev.slots[slot] = append(d.ev.slots[slot], v)
	return i, true
}

// skip passes over one scalar value (or container) that no rule reads,
// checking bracket nesting and string termination only.
func (d *decoder) skip() error {
	b := d.b
	i := d.i
	if i < len(b) && (b[i] == '{' || b[i] == '[') {
		end, ok := skipContainer(b, i)
		if !ok {
			return d.containerErr(end)
		}
		d.i = end
		return nil
	}
	if i < len(b) && b[i] == '"' {
		j := i + 1
		for {
			j = scanQuote(b, j)
			if j < 0 {
				d.i = len(b)
				return d.errf("unterminated string")
			}
			if b[j] == '\\' {
				j += 2
				continue
			}
			d.i = j + 1
			return nil
		}
	}
	for i < len(b) {
		switch b[i] {
		case ',', ' ', '\t', '\n', '\r', ':', '}', ']', '"', '{', '[', '\\':
			d.i = i
			return nil
		}
		i++
	}
	d.i = i
	return nil
}

// containerErr is the error of a container that skipContainer could not
// pass, stopped at b[end].
func (d *decoder) containerErr(end int) error {
	d.i = end
	if end < len(d.b) {
		return d.errf("unexpected '\\' outside a string")
	}
	return d.errf("unexpected end of line inside a value")
}

// skipContainer returns the index just past the object or array that
// starts at b[i], or false and where it stopped: the end of b, or a
// backslash outside a string (which is not JSON). Brackets outside
// strings change the depth; a string is passed over 8 bytes at a time
// (SWAR) to its closing quote. This takes
// fewer instructions on ECS events than counting brackets a word at a time
// (a prefix XOR of the quote mask tells which bytes are inside strings,
// about 55 operations per word whatever the bytes): most of a skipped
// object is strings, and a short string costs one word.
func skipContainer(b []byte, i int) (int, bool) {
	depth := 0
	for i < len(b) {
		c := b[i]
		if c == '"' {
			// Pass the string, inline: a call per string would cost more
			// than the one word that most strings take.
			j := i + 1
			for {
				if j+16 <= len(b) {
					// Two words a step: one step takes most strings.
					if m := quoteBits(word(b, j)); m != 0 {
						j += firstByte(m)
					} else if m := quoteBits(word(b, j+8)); m != 0 {
						j += 8 + firstByte(m)
					} else {
						j += 16
						continue
					}
				} else {
					for j < len(b) && b[j] != '"' && b[j] != '\\' {
						j++
					}
					if j >= len(b) {
						return len(b), false
					}
				}
				if b[j] == '"' {
					break
				}
				j += 2 // an escape: the escaped byte never ends the string
			}
			i = j + 1
			// The commonest continuations, `":"` and `","`, lead
			// straight to the next string.
			if i+1 < len(b) && (b[i] == ':' || b[i] == ',') && b[i+1] == '"' {
				i++
			}
			continue
		}
		i++
		// '[' | 0x20 is '{' and ']' | 0x20 is '}', and no other byte maps
		// to either: one compare finds both kinds of bracket.
		switch c | 0x20 {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i, true
			}
		case '\\' | 0x20: // '|' too
			if c == '\\' {
				return i - 1, false
			}
		}
	}
	return len(b), false
}

// parseRFC3339 reads "2006-01-02T15:04:05[.frac](Z|±hh:mm)" into Unix
// nanoseconds without allocating.
func parseRFC3339(b string) (int64, bool) {
	num := func(s string) (int, bool) {
		n := 0
		for i := 0; i < len(s); i++ {
			c := s[i]
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

// foldRune maps r to the representative of its Unicode simple case-folding
// orbit: the ASCII lower-case letter when the orbit holds an ASCII letter
// ('K', 'k' and the Kelvin sign all give 'k'), else the smallest member.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	best := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < utf8.RuneSelf {
			if 'A' <= f && f <= 'Z' {
				return f + 'a' - 'A'
			}
			return f
		}
		if f < best {
			best = f
		}
	}
	return best
}

// appendFold appends the case-folded form of s to dst; invalid bytes are
// kept as they are.
func appendFold(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, c)
		} else {
			dst = utf8.AppendRune(dst, foldRune(r))
		}
		i += n
	}
	return dst
}

// folded returns s case-folded, in the event's scratch buffer (valid until
// the next call); s itself when folding would not change it.
func (ev *event) folded(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c-'A' < 26 || c >= utf8.RuneSelf {
			ev.fold = appendFold(ev.fold[:0], s)
			return view(ev.fold)
		}
	}
	return s
}

// segAt reports whether seg (literal bytes and '?', one rune each) matches
// s at its start, returning the bytes used.
func segAt(s, seg string) (int, bool) {
	if strings.IndexByte(seg, '?') < 0 {
		if strings.HasPrefix(s, seg) {
			return len(seg), true
		}
		return 0, false
	}
	j := 0
	for k := 0; k < len(seg); k++ {
		c := seg[k]
		if j >= len(s) {
			return 0, false
		}
		if c == '?' {
			_, n := utf8.DecodeRuneInString(s[j:])
			j += n
			continue
		}
		if s[j] != c {
			return 0, false
		}
		j++
	}
	return j, true
}

// segFind finds the leftmost match of seg in s, returning its start and
// length, or -1.
func segFind(s, seg string) (int, int) {
	if strings.IndexByte(seg, '?') < 0 {
		return strings.Index(s, seg), len(seg)
	}
	for i := 0; i <= len(s); {
		if n, ok := segAt(s[i:], seg); ok {
			return i, n
		}
		if i == len(s) {
			break
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		i += n
	}
	return -1, 0
}

// suffixAt reports whether seg matches the end of s, and where.
func suffixAt(s, seg string) (int, bool) {
	if strings.IndexByte(seg, '?') < 0 {
		if strings.HasSuffix(s, seg) {
			return len(s) - len(seg), true
		}
		return 0, false
	}
	j := len(s)
	for k := len(seg) - 1; k >= 0; k-- {
		c := seg[k]
		if j <= 0 {
			return 0, false
		}
		if c == '?' {
			_, n := utf8.DecodeLastRuneInString(s[:j])
			j -= n
			continue
		}
		if s[j-1] != c {
			return 0, false
		}
		j--
	}
	return j, true
}

// inOrder reports whether the parts occur in s in order, without
// overlapping: the middle of a pattern whose only wildcard is '*'
// (leftmost matches first, as wildMatch takes them).
func inOrder(s string, parts ...string) bool {
	for _, p := range parts {
		at := strings.Index(s, p)
		if at < 0 {
			return false
		}
		s = s[at+len(p):]
	}
	return true
}

// wildMatch reports whether s matches the wildcard pattern p as a whole:
// '*' any run of characters, '?' one character (rune), no escape. The
// anchored ends are placed first, then each middle segment at its leftmost
// match, which is optimal between '*'s: time linear in len(s) per segment.
func wildMatch(s, p string) bool {
	i := strings.IndexByte(p, '*')
	if i < 0 {
		n, ok := segAt(s, p)
		return ok && n == len(s)
	}
	n, ok := segAt(s, p[:i])
	if !ok {
		return false
	}
	s, p = s[n:], p[i+1:]
	last := p
	if j := strings.LastIndexByte(p, '*'); j >= 0 {
		last, p = p[j+1:], p[:j]
	} else {
		p = ""
	}
	if last != "" {
		at, ok := suffixAt(s, last)
		if !ok {
			return false
		}
		s = s[:at]
	}
	for p != "" {
		seg := p
		if k := strings.IndexByte(p, '*'); k >= 0 {
			seg, p = p[:k], p[k+1:]
		} else {
			p = ""
		}
		if seg == "" {
			continue
		}
		at, l := segFind(s, seg)
		if at < 0 {
			return false
		}
		s = s[at+l:]
	}
	return true
}

// mustRegexp compiles a pattern that the generator has already checked.
func mustRegexp(p string) *regexp.Regexp { return regexp.MustCompile(p) }

// mustAddr parses an address that the generator has already checked.
func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s).Unmap() }

// parseIP parses an address value of an ip field.
func parseIP(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// cmpOp is an ordering operator of a range predicate.
type cmpOp uint8

const (
	opLt cmpOp = iota + 1
	opLe
	opGt
	opGe
)

func (op cmpOp) holds(d int) bool {
	switch op {
	case opLt:
		return d < 0
	case opLe:
		return d <= 0
	case opGt:
		return d > 0
	case opGe:
		return d >= 0
	}
	return false
}

// rangePred is `field <op> constant`, planned once: numbers against numbers,
// strings against strings (by code point), addresses on ip fields, instants
// on date fields; any element; false on an absent field.
type rangePred struct {
	ft    fieldType
	op    cmpOp
	never bool // a constant that orders against nothing (bool, null)
	isNum bool
	num   float64
	str   string
	ipCmp bool
	ip    netip.Addr
	date  bool
	at    int64
}

// newRange plans a range predicate; lit is the constant's kind (kInt and
// kFloat carry num, kStr carries str).
func newRange(ft fieldType, op cmpOp, lit kind, num float64, str string) *rangePred {
	p := &rangePred{ft: ft, op: op}
	if ft == ftString && (lit == kInt || lit == kFloat) {
		lit = kStr
	}
	if ft == ftNumber && lit == kStr {
		if n, ok := numberIn(str); ok {
			lit, num = kFloat, n.f
		}
	}
	if ft == ftDate && lit == kStr {
		if t, ok := parseRFC3339(str); ok {
			p.date, p.at = true, t
			return p
		}
	}
	switch lit {
	case kInt, kFloat:
		p.isNum, p.num = true, num
	case kStr:
		p.str = str
		if ft == ftIP {
			if a, ok := parseIP(str); ok {
				p.ipCmp, p.ip = true, a
			}
		}
	default:
		p.never = true
	}
	return p
}

func (p *rangePred) test(vals []scalar) bool {
	if p.never {
		return false
	}
	for _, v := range vals {
		if p.date {
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
			d := 0
			if at < p.at {
				d = -1
			} else if at > p.at {
				d = 1
			}
			if p.op.holds(d) {
				return true
			}
			continue
		}
		if p.ft == ftString && v.k != kStr || p.ft == ftNumber && v.k == kStr {
			v = coerce(p.ft, v)
		}
		var d int
		switch {
		case p.isNum && (v.k == kInt || v.k == kFloat):
			switch {
			case v.f < p.num:
				d = -1
			case v.f > p.num:
				d = 1
			}
		case p.ipCmp && v.k == kStr:
			a, ok := parseIP(v.s)
			if !ok {
				continue
			}
			d = a.Compare(p.ip)
		case !p.isNum && v.k == kStr:
			d = strings.Compare(v.s, p.str)
		default:
			continue
		}
		if p.op.holds(d) {
			return true
		}
	}
	return false
}

// ---- Matching engine: event rules, sequences, samples, pipes ----

// pipeKind is a rule's effective `| head N` / `| tail N`.
type pipeKind uint8

const (
	pipeNone pipeKind = iota
	pipeHead
	pipeTail
)

type pipe struct {
	kind pipeKind
	n    int64
}

// eventRule is a single-event rule in evaluation order.
type eventRule struct {
	rule int
	cond func(ev *event) bool
}

// keyField is one join key: a plain field; a missing value never joins
// unless the field is optional.
type keyField struct {
	slot     int32
	optional bool
}

type stagePlan struct {
	cond func(ev *event) bool
	keys []keyField
}

// seqPlan is a sequence with its `runs` expanded and its missing stages
// attached to the gaps between positive stages.
type seqPlan struct {
	rule       int
	pos        []stagePlan   // positive stages in order
	gaps       [][]stagePlan // gaps[j]: missing stages before pos[j]; gaps[len(pos)]: trailing
	until      *stagePlan
	maxspan    int64 // nanoseconds
	bounded    bool
	hasMissing bool
}

type samplePlan struct {
	rule   int
	stages []stagePlan
}

// program is the generated rules, planned.
type program struct {
	ext      extractor
	nslots   int
	nmemo    int // predicates memoized per event
	events   []eventRule
	seqs     []*seqPlan
	samples  []*samplePlan
	pipes    []pipe // per rule
	nrules   int
	maxState int
}

// match is one alert: the rule's index and its events.
type match struct {
	rule   int
	events [][]byte
	nums   []int64
}

// missingEvent is the placeholder of a missing stage (`![q]`) in a
// sequence's events, as Elasticsearch returns it; its number is -1.
var missingEvent = []byte(`{"missing":true}`)

// engine evaluates a program over one stream of events.
type engine struct {
	p       *program
	ev      *event
	seqs    []*seqState
	samples []*sampleState
	num     int64
	wm      int64 // the largest @timestamp seen
	raw     []byte
	rawOK   bool
	keyBuf  []byte
	one     [1][]byte
	oneNum  [1]int64
	emitted []int64
	tails   [][]match
	dropped []int64
}

func newEngine(p *program) *engine {
	ev := newEvent(p.nslots)
	ev.memo = make([]uint8, p.nmemo)
	e := &engine{p: p, ev: ev, emitted: make([]int64, p.nrules),
		tails: make([][]match, p.nrules), dropped: make([]int64, p.nrules)}
	for _, s := range p.seqs {
		e.seqs = append(e.seqs, &seqState{plan: s, keys: map[string]*keyState{}, lastLead: map[string]int64{}})
	}
	for _, s := range p.samples {
		e.samples = append(e.samples, &sampleState{plan: s, groups: map[string]*group{}, done: map[string]struct{}{}})
	}
	return e
}

// inputError is a problem with one event.
type inputError struct {
	num       int64
	column    int // 1-based byte column, 0 when not about one place
	msg       string
	evaluated bool
}

// process evaluates one event and calls emit for each match, in rule order.
func (e *engine) process(line []byte, emit func(match)) *inputError {
	num := e.num
	e.num++
	e.rawOK = false
	ev := e.ev
	if err := e.p.ext.decode(ev, line); err != nil {
		if se, ok := err.(*syntaxError); ok {
			return &inputError{num: num, column: se.off + 1, msg: se.msg}
		}
		return &inputError{num: num, msg: err.Error()}
	}
	ev.gen++
	ev.farena = ev.farena[:0]
	clear(ev.memo)
	if ev.hasTS && ev.ts > e.wm {
		e.wm = ev.ts
		for _, s := range e.seqs {
			if len(s.awaiting) > 0 {
				e.expire(s, emit)
			}
		}
	}
	for i := range e.p.events {
		r := &e.p.events[i]
		if r.cond(ev) {
			e.one[0] = line
			e.oneNum[0] = num
			e.emitMatch(match{rule: r.rule, events: e.one[:], nums: e.oneNum[:]}, false, emit)
		}
	}
	for _, s := range e.seqs {
		e.seqProcess(s, num, emit)
	}
	for _, s := range e.samples {
		e.sampleProcess(s, num, emit)
	}
	if ev.warn != "" {
		return &inputError{num: num, msg: ev.warn, evaluated: true}
	}
	return nil
}

// rawCopy returns a copy of the current event, made once per event and
// shared by every sequence and sample that keeps it.
func (e *engine) rawCopy() []byte {
	if !e.rawOK {
		e.raw = bytes.Clone(e.ev.raw)
		e.rawOK = true
	}
	return e.raw
}

// emitMatch applies the rule's head/tail pipe; owned says m's slices are
// not reused by the engine.
func (e *engine) emitMatch(m match, owned bool, emit func(match)) {
	p := e.p.pipes[m.rule]
	switch p.kind {
	case pipeHead:
		if e.emitted[m.rule] >= p.n {
			return
		}
	case pipeTail:
		if !owned {
			m.events = [][]byte{bytes.Clone(m.events[0])}
			m.nums = []int64{m.nums[0]}
		}
		t := append(e.tails[m.rule], m)
		if int64(len(t)) > p.n {
			t = t[1:]
		}
		e.tails[m.rule] = t
		return
	}
	e.emitted[m.rule]++
	emit(m)
}

// flush ends the stream: sequences waiting for a trailing missing stage's
// window are matches now, and `| tail` results are emitted.
func (e *engine) flush(emit func(match)) {
	for _, s := range e.seqs {
		for _, a := range s.awaiting {
			if a.live {
				a.live = false
				e.emitSeq(s, a, emit)
			}
		}
		s.awaiting = nil
	}
	for r, t := range e.tails {
		for _, m := range t {
			e.emitted[r]++
			emit(m)
		}
		e.tails[r] = nil
	}
}

// Key encoding: a tag byte, then the value; numbers as float64 bits so
// that 1 and 1.0 join.
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

// keyOf encodes a stage's join keys for the current event; false when a
// key is absent and not optional.
func (e *engine) keyOf(st *stagePlan) (string, bool) {
	buf := e.keyBuf[:0]
	for _, k := range st.keys {
		vals := e.ev.slots[k.slot]
		switch len(vals) {
		case 0:
			if !k.optional {
				e.keyBuf = buf
				return "", false
			}
			buf = append(buf, tagNull)
		case 1:
			buf = appendScalar(buf, vals[0])
		default:
			// A multi-valued key joins on all its values, in order.
			buf = append(buf, tagArray)
			buf = binary.AppendUvarint(buf, uint64(len(vals)))
			for _, v := range vals {
				buf = appendScalar(buf, v)
			}
		}
	}
	e.keyBuf = buf
	return string(buf), true
}

// partial is a sequence in progress.
type partial struct {
	key    string
	stage  int // index of the last positive stage matched
	first  int64
	last   int64
	lead   int64 // timestamp of the last leading missing event before it started
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
}

func (s *seqState) kill(p *partial) {
	if !p.live {
		return
	}
	p.live = false
	s.live--
	if ks := s.keys[p.key]; ks != nil && ks.at[p.stage] == p {
		ks.at[p.stage] = nil
		s.dropIfEmpty(p.key, ks)
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
func (e *engine) sweep(s *seqState) {
	for len(s.queue) > 0 {
		p := s.queue[0]
		switch {
		case !p.live:
		case s.plan.bounded && p.first+s.plan.maxspan < e.wm:
			s.kill(p)
		case s.live > e.p.maxState:
			s.kill(p)
			e.dropped[s.plan.rule]++
		default:
			return
		}
		s.queue[0] = nil
		s.queue = s.queue[1:]
	}
}

// expire emits the sequences whose trailing missing stage's window has
// closed without the missing event.
func (e *engine) expire(s *seqState, emit func(match)) {
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

// seqProcess runs one event through a sequence's state machine: until,
// missing stages, then the positive stages from the last to the first.
func (e *engine) seqProcess(s *seqState, num int64, emit func(match)) {
	p, ev := s.plan, e.ev
	if p.bounded && !ev.hasTS {
		return
	}
	ts := ev.ts
	if p.until != nil && p.until.cond(ev) {
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
			if !m.cond(ev) {
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
		if !st.cond(ev) {
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
		q.nums = append(q.nums, num)
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
	e.sweep(s)
	if len(s.lastLead) > e.p.maxState {
		for k, t := range s.lastLead {
			if t+p.maxspan < e.wm {
				delete(s.lastLead, k)
			}
		}
	}
}

func (e *engine) completeSeq(s *seqState, q *partial, emit func(match)) {
	p := s.plan
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

func (e *engine) emitSeq(s *seqState, q *partial, emit func(match)) {
	p := s.plan
	events, nums := q.events, q.nums
	if p.hasMissing {
		events, nums = nil, nil
		for j, gap := range p.gaps {
			for range gap {
				events = append(events, missingEvent)
				nums = append(nums, -1)
			}
			if j < len(q.events) {
				events = append(events, q.events[j])
				nums = append(nums, q.nums[j])
			}
		}
	}
	e.emitMatch(match{rule: p.rule, events: events, nums: nums}, true, emit)
}

type group struct {
	key    string
	events [][]byte
	nums   []int64
	filled int
}

type sampleState struct {
	plan   *samplePlan
	groups map[string]*group
	order  []*group
	done   map[string]struct{}
}

// sampleProcess fills the first empty slot, in filter order, that the event
// matches for its key; one event fills one slot; a key yields one sample.
func (e *engine) sampleProcess(s *sampleState, num int64, emit func(match)) {
	n := len(s.plan.stages)
	for i := range s.plan.stages {
		st := &s.plan.stages[i]
		if !st.cond(e.ev) {
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
						e.dropped[s.plan.rule]++
						break
					}
				}
			}
		}
		if g.events[i] != nil {
			continue
		}
		g.events[i] = e.rawCopy()
		g.nums[i] = num
		g.filled++
		if g.filled == n {
			delete(s.groups, k)
			if len(s.done) < e.p.maxState {
				s.done[k] = struct{}{}
			}
			e.emitMatch(match{rule: s.plan.rule, events: g.events, nums: g.nums}, true, emit)
		}
		return
	}
}
