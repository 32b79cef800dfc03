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

// slot is where the values of one field are in event.vals. A field that is
// missing, JSON null or [] has n == 0: predicates treat all three alike.
type slot struct {
	off, n int32
}

// trieNode is one step of a field path. The extractor descends only into
// objects that lie on a referenced path and skips everything else.
type trieNode struct {
	name     string
	path     string
	children []*trieNode
	slot     int // -1 when no field ends here
	// first marks the first bytes of the children's names: a key whose first
	// byte is not marked can be neither a child nor a dotted path through
	// one, and is skipped without a lookup.
	first [256]bool
}

func (n *trieNode) child(name []byte) *trieNode {
	for _, c := range n.children {
		if c.name == string(name) {
			return c
		}
	}
	return nil
}

// event is one decoded event: only the fields the program references, by
// slot number. It is reused from event to event; nothing in it may be kept
// after the next call to Engine.Process.
type event struct {
	Raw   []byte // the event's line, as read
	slots []slot
	vals  []scalar
	arena []byte
	// scratch holds per-field values while an array is being read, so that
	// a field's values end up contiguous even when arrays of objects
	// interleave several fields.
	pending [][]scalar
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
	memo  []uint8
	ts    int64 // @timestamp in Unix nanoseconds, when hasTS
	hasTS bool
}

func newEvent(nslots, nmemo int) *event {
	return &event{slots: make([]slot, nslots), pending: make([][]scalar, nslots),
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
	for _, v := range ev.values(s) {
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

// needsFold reports whether s holds an ASCII upper-case letter or any
// non-ASCII byte, that is, whether folding could change it.
func needsFold(s []byte) bool {
	for _, c := range s {
		if c-'A' < 26 || c >= 0x80 {
			return true
		}
	}
	return false
}

// values returns the non-null values of the field in slot i.
func (ev *event) values(i int) []scalar {
	s := ev.slots[i]
	return ev.vals[s.off : s.off+s.n]
}

// extractor decodes the referenced fields of an NDJSON line.
type extractor struct {
	root   *trieNode
	tsSlot int // slot of @timestamp, or -1
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
	ev.vals = ev.vals[:0]
	ev.arena = ev.arena[:0]
	ev.Warn = ""
	ev.hasTS = false
	ev.gen++
	ev.farena = ev.farena[:0]
	clear(ev.memo)
	for i := range ev.pending {
		ev.pending[i] = ev.pending[i][:0]
	}
	d := decoder{b: line, ev: ev}
	d.skipWS()
	if d.i >= len(d.b) || d.b[d.i] != '{' {
		return &syntaxError{d.i, "expected a JSON object"}
	}
	if err := d.object(x.root); err != nil {
		return err
	}
	d.skipWS()
	if d.i != len(d.b) {
		return &syntaxError{d.i, "unexpected data after the JSON object"}
	}
	// Lay the collected values out contiguously per slot.
	for i := range ev.slots {
		p := ev.pending[i]
		ev.slots[i] = slot{off: int32(len(ev.vals)), n: int32(len(p))}
		ev.vals = append(ev.vals, p...)
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

type decoder struct {
	b  []byte
	i  int
	ev *event
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
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// object reads an object whose keys are looked up under node (nil: skip).
// The cursor is kept in a local between calls (writes through d cost).
func (d *decoder) object(node *trieNode) error {
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
		var key []byte
		if j := scanQuote(b, i+1); j >= 0 && b[j] == '"' {
			key, i = b[i+1:j], j+1
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
		var next *trieNode
		if node != nil && len(key) > 0 && node.first[key[0]] {
			next = node.child(key)
			if next == nil && bytes.IndexByte(key, '.') >= 0 {
				// Dotted keys ({"process.name": "nc"}) address the same
				// field as nested objects.
				next = node
				for k := key; next != nil; {
					j := bytes.IndexByte(k, '.')
					if j < 0 {
						next = next.child(k)
						break
					}
					next = next.child(k[:j])
					k = k[j+1:]
				}
			}
		}
		switch {
		case next == nil && i < len(b) && b[i] == '"':
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
		case next == nil && i < len(b) && (b[i] == '{' || b[i] == '['):
			end, ok := skipContainer(b, i)
			if !ok {
				d.i = len(b)
				return d.errf("unexpected end of line inside a value")
			}
			i = end
		case next == nil:
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
			if err := d.value(next, false); err != nil {
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

// value reads one value for node (nil: skip it).
func (d *decoder) value(node *trieNode, inArray bool) error {
	if d.i >= len(d.b) {
		return d.errf("expected a value")
	}
	if node == nil {
		start := d.i
		if err := d.skip(); err != nil {
			return err
		}
		if d.i == start {
			return d.errf("expected a value")
		}
		return nil
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
	d.ev.pending[node.slot] = append(d.ev.pending[node.slot], v)
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
	j := scanQuote(d.b, d.i)
	if j < 0 {
		return nil, d.errf("unterminated string")
	}
	if d.b[j] == '"' {
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

// scanQuote returns the index of the first '"' or '\\' at or after i, or
// -1, looking at 8 bytes at a time (SWAR): most of an event is strings that
// no rule reads, and this scan is most of the work of skipping them.
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

// skip passes over one value that no rule reads. It checks the nesting of
// brackets and the termination of strings, not the rest of JSON's grammar.
// The cursor lives in a local: this loop is most of the decoding time.
func (d *decoder) skip() error {
	b := d.b
	i := d.i
	if i < len(b) && (b[i] == '{' || b[i] == '[') {
		end, ok := skipContainer(b, i)
		if !ok {
			d.i = len(b)
			return d.errf("unexpected end of line inside a value")
		}
		d.i = end
		return nil
	}
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '"':
			// Find the closing quote, 8 bytes at a time (SWAR).
			i++
			for {
				for ; i+8 <= len(b); i += 8 {
					x := binary.LittleEndian.Uint64(b[i:])
					q := x ^ (lo8 * '"')
					e := x ^ (lo8 * '\\')
					if m := ((q-lo8)&^q | (e-lo8)&^e) & hi8; m != 0 {
						i += bits.TrailingZeros64(m) / 8
						goto found
					}
				}
				for ; i < len(b) && b[i] != '"' && b[i] != '\\'; i++ {
				}
			found:
				if i >= len(b) {
					d.i = i
					return d.errf("unterminated string")
				}
				if b[i] == '\\' {
					i += 2
					continue
				}
				i++
				break
			}
			if depth == 0 {
				d.i = i
				return nil
			}
		case '{', '[':
			depth++
			i++
		case '}', ']':
			if depth == 0 {
				d.i = i
				return nil // the end of the enclosing value
			}
			depth--
			i++
			if depth == 0 {
				d.i = i
				return nil
			}
		case ',', ' ', '\t', '\n', '\r', ':':
			if depth == 0 {
				d.i = i
				return nil
			}
			i++
		default:
			i++
		}
	}
	d.i = i
	if depth > 0 {
		return d.errf("unexpected end of line inside a value")
	}
	return nil
}

// eqMask has bit 7 of each byte of x set exactly where the byte equals the
// byte that pat repeats.
func eqMask(x, pat uint64) uint64 {
	t := x ^ pat
	return ^(((t & 0x7f7f7f7f7f7f7f7f) + 0x7f7f7f7f7f7f7f7f) | t) & hi8
}

// skipContainer returns the index just past the object or array that
// starts at b[i], 8 bytes at a time: a prefix XOR of the quote positions
// tells which bytes are inside strings, and only brackets outside strings
// change the depth, so a word without them costs a few instructions and no
// branch. Words with a backslash take a byte-by-byte path.
func skipContainer(b []byte, i int) (int, bool) {
	depth := 0
	inStr := uint64(0) // 1: the previous byte was inside a string
	esc := false       // the next byte is escaped
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		if esc || eqMask(x, lo8*'\\') != 0 {
			for k := i; k < i+8; k++ {
				c := b[k]
				switch {
				case esc:
					esc = false
				case inStr == 1:
					if c == '\\' {
						esc = true
					} else if c == '"' {
						inStr = 0
					}
				case c == '"':
					inStr = 1
				case c == '{' || c == '[':
					depth++
				case c == '}' || c == ']':
					depth--
					if depth == 0 {
						return k + 1, true
					}
				}
			}
			continue
		}
		q := eqMask(x, lo8*'"')
		p := q
		p ^= p << 8
		p ^= p << 16
		p ^= p << 32
		p ^= -inStr & hi8 // flip when the word starts inside a string
		inStr = p >> 63
		// '[' | 0x20 is '{' and ']' | 0x20 is '}', and no other byte maps
		// to either: one compare finds both kinds of bracket.
		y := x | lo8*0x20
		open := eqMask(y, lo8*'{') &^ p
		closing := eqMask(y, lo8*'}') &^ p
		// When the closes cannot bring the depth to zero, order does not
		// matter: count instead of walking the bits.
		if nc := bits.OnesCount64(closing); depth > nc {
			depth += bits.OnesCount64(open) - nc
			continue
		}
		for m := open | closing; m != 0; m &= m - 1 {
			bit := m & -m
			if open&bit != 0 {
				depth++
				continue
			}
			depth--
			if depth == 0 {
				return i + bits.TrailingZeros64(bit)/8 + 1, true
			}
		}
	}
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case esc:
			esc = false
		case inStr == 1:
			if c == '\\' {
				esc = true
			} else if c == '"' {
				inStr = 0
			}
		case c == '"':
			inStr = 1
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
			if depth == 0 {
				return i + 1, true
			}
		}
	}
	return len(b), false
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
