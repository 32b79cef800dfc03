package falcotest

import (
	"fmt"
	"strings"
)

// This file checks conditions against current Falco's condition grammar
// (libsinsp's recursive-descent parser, libs 0.7.0 and later, as released
// in libs 0.25.4 / Falco 0.44; notes §4.1, §4.4), written from the
// grammar's description: `and` binds tighter than `or`, `not` may repeat,
// operators that are words need a blank after them, quoted strings end at
// the first delimiter not preceded by a backslash and then accept only the
// escapes \b \f \n \r \t \\ \/ and the delimiter itself, bare strings stop
// at blanks, parentheses, quotes, '=' and ','.

// NodeKind is the kind of a parsed condition node.
type NodeKind uint8

const (
	// OrNode and AndNode hold two or more Children.
	OrNode NodeKind = iota + 1
	AndNode
	// NotNode holds one child.
	NotNode
	// CheckNode is `<field or transformer> <op> [<value(s)>]`.
	CheckNode
	// MacroNode is a bare identifier: a macro reference.
	MacroNode
)

// Node is one node of a parsed condition.
type Node struct {
	Kind NodeKind
	// Pos is the byte offset where the node starts.
	Pos int
	// Paren is set when the node was written inside its own parentheses.
	Paren    bool
	Children []*Node
	// Left is the checked field as written (with its [arg]), or the
	// transformer expression's source text; Transformer tells which.
	Left        string
	Transformer bool
	// Op is the operator (with its modifier, e.g. "glob anyof").
	Op string
	// Values are the unescaped operands: one for binary operators, the
	// items for a list. RightIsExpr marks a transformer/val() right side,
	// whose source text is Values[0]. List names a list identifier (for
	// `in my_list`) instead of Values; Macro names a MacroNode's macro.
	Values      []string
	RightIsExpr bool
	List, Macro string
}

// SyntaxError is a condition the grammar rejects, with its position.
type SyntaxError struct {
	// Offset is the byte offset; Line and Col are 1-based.
	Offset, Line, Col int
	Msg               string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg)
}

// Operators of the current grammar, in the order the parser tries them
// (longest or most specific first); a trailing space marks a word operator
// that needs a blank after it.
var (
	unaryOps    = []string{"exists"}
	numOps      = []string{"<=", "<", ">=", ">"}
	strOps      = []string{"==", "=", "!=", "glob ", "iglob ", "contains ", "icontains ", "bcontains ", "startswith ", "bstartswith ", "endswith ", "regex "}
	modifierOps = []string{"oneof ", "anyof ", "allof "}
	listOps     = []string{"intersects", "in", "pmatch"}
	transforms  = []string{"tolower(", "toupper(", "b64(", "basename(", "len(", "join(", "concat(", "getopt("}
)

// ParseCurrent parses cond with current Falco's condition grammar and
// returns nil or a *SyntaxError.
func ParseCurrent(cond string) error {
	_, err := ParseCurrentTree(cond)
	return err
}

// ParseCurrentTree parses cond with current Falco's condition grammar.
func ParseCurrentTree(cond string) (*Node, error) {
	n, _, err := parseCurrent(cond)
	return n, err
}

func parseCurrent(cond string) (*Node, *parser, error) {
	if cond == "" {
		return nil, nil, &SyntaxError{Line: 1, Col: 1, Msg: "filter input string is empty"}
	}
	p := &parser{src: cond}
	n, err := p.parse()
	if err != nil {
		return nil, nil, err
	}
	return n, p, nil
}

// maxNesting bounds parenthesis nesting, so that hostile input cannot
// exhaust the stack; generated conditions stay far below it.
const maxNesting = 1000

type parser struct {
	src   string
	i     int
	depth int    // open parentheses
	last  string // the last token, for messages
	// quotes records the raw quoted literals (offset, text), which the
	// portable check inspects.
	quotes []literal
}

type literal struct {
	pos int
	raw string
}

// bail aborts parsing with a positioned error.
type bail struct{ err *SyntaxError }

func (p *parser) fail(at int, format string, args ...any) {
	line, col := 1, 1
	for _, c := range []byte(p.src[:min(at, len(p.src))]) {
		col++
		if c == '\n' || c == '\r' {
			line, col = line+1, 1
		}
	}
	panic(bail{&SyntaxError{Offset: at, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}})
}

func (p *parser) parse() (n *Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bail)
			if !ok {
				panic(r)
			}
			n, err = nil, b.err
		}
	}()
	n = p.or()
	if p.i != len(p.src) {
		p.fail(p.i, "unexpected token after '%s', expecting 'or', 'and'", p.last)
	}
	return n, nil
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\b' || c == '\r' || c == '\n' }

// isSpace is POSIX [:space:] as the parser's regular expressions use it.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func (p *parser) blank() bool {
	start := p.i
	for p.i < len(p.src) && isBlank(p.src[p.i]) {
		p.i++
	}
	return p.i > start
}

func (p *parser) lit(s string) bool {
	if strings.HasPrefix(p.src[p.i:], s) {
		p.i += len(s)
		p.last = s
		return true
	}
	return false
}

// operator lexes one of ops; a word operator must be followed by a blank,
// which is consumed.
func (p *parser) operator(ops []string) (string, bool) {
	for _, op := range ops {
		if !strings.HasSuffix(op, " ") {
			if p.lit(op) {
				return op, true
			}
			continue
		}
		save := p.i
		if p.lit(strings.TrimSpace(op)) {
			if p.blank() {
				return strings.TrimSpace(op), true
			}
			p.i = save
		}
	}
	return "", false
}

func (p *parser) or() *Node {
	pos := p.i
	p.blank()
	kids := []*Node{p.and()}
	p.blank()
	for p.lit("or") {
		if !p.blank() {
			if !p.lit("(") {
				p.fail(p.i, "expected blank or '(' after 'or'")
			}
			kids = append(kids, p.embedded())
		} else {
			kids = append(kids, p.and())
		}
		p.blank()
	}
	if len(kids) == 1 {
		return kids[0]
	}
	return &Node{Kind: OrNode, Pos: pos, Children: kids}
}

func (p *parser) and() *Node {
	pos := p.i
	p.blank()
	kids := []*Node{p.not()}
	p.blank()
	for p.lit("and") {
		if !p.blank() {
			if !p.lit("(") {
				p.fail(p.i, "expected blank or '(' after 'and'")
			}
			kids = append(kids, p.embedded())
		} else {
			kids = append(kids, p.not())
		}
		p.blank()
	}
	if len(kids) == 1 {
		return kids[0]
	}
	return &Node{Kind: AndNode, Pos: pos, Children: kids}
}

// notBlank lexes `not` followed by at least one [:space:] character.
func (p *parser) notBlank() bool {
	if !strings.HasPrefix(p.src[p.i:], "not") || p.i+3 >= len(p.src) || !isSpace(p.src[p.i+3]) {
		return false
	}
	p.i += 3
	for p.i < len(p.src) && isSpace(p.src[p.i]) {
		p.i++
	}
	p.last = "not"
	return true
}

func (p *parser) not() *Node {
	pos := p.i
	p.blank()
	negs := 0
	for p.notBlank() {
		negs++
	}
	var child *Node
	if p.lit("not(") {
		negs++
		child = p.embedded()
	} else {
		child = p.check()
	}
	// Each `not` is kept, so that double negations stay visible.
	for ; negs > 0; negs-- {
		child = &Node{Kind: NotNode, Pos: pos, Children: []*Node{child}}
	}
	return child
}

// enter counts one more open parenthesis and returns its closing.
func (p *parser) enter() func() {
	if p.depth++; p.depth > maxNesting {
		p.fail(p.i, "more than %d nested parentheses", maxNesting)
	}
	return func() { p.depth-- }
}

// embedded parses the rest of a parenthesised expression after its "(".
func (p *parser) embedded() *Node {
	defer p.enter()()
	p.blank()
	n := p.or()
	p.blank()
	if !p.lit(")") {
		p.fail(p.i, "expected a ')' token")
	}
	n.Paren = true
	return n
}

func (p *parser) check() *Node {
	pos := p.i
	p.blank()
	if p.lit("(") {
		return p.embedded()
	}
	if f, ok := p.fieldName(); ok {
		left := f + p.optionalFieldArg()
		return p.condition(&Node{Kind: CheckNode, Pos: pos, Left: left})
	}
	if t, ok := p.transformerType(); ok {
		p.blank()
		start := p.i - len(t)
		p.transformerRemainder()
		return p.condition(&Node{Kind: CheckNode, Pos: pos, Left: p.src[start:p.i], Transformer: true})
	}
	if id, ok := p.identifier(); ok {
		return &Node{Kind: MacroNode, Pos: pos, Macro: id}
	}
	p.fail(p.i, "expected a '(' token, a field check, or an identifier")
	return nil
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// word lexes [a-zA-Z]+[a-zA-Z0-9_]* at j and returns its end, or j.
func (p *parser) word(j int) int {
	k := j
	for k < len(p.src) && isAlpha(p.src[k]) {
		k++
	}
	if k == j {
		return j
	}
	for k < len(p.src) && (isAlpha(p.src[k]) || isDigit(p.src[k]) || p.src[k] == '_') {
		k++
	}
	return k
}

func (p *parser) identifier() (string, bool) {
	k := p.word(p.i)
	if k == p.i {
		return "", false
	}
	s := p.src[p.i:k]
	p.i, p.last = k, s
	return s, true
}

// fieldName lexes Identifier ('.' Identifier)+.
func (p *parser) fieldName() (string, bool) {
	k := p.word(p.i)
	if k == p.i {
		return "", false
	}
	parts := 0
	for k < len(p.src) && p.src[k] == '.' {
		k2 := p.word(k + 1)
		if k2 == k+1 {
			break
		}
		k = k2
		parts++
	}
	if parts == 0 {
		return "", false
	}
	s := p.src[p.i:k]
	p.i, p.last = k, s
	return s, true
}

// optionalFieldArg lexes '[' (QuotedStr | bare) ']' and returns its text.
func (p *parser) optionalFieldArg() string {
	start := p.i
	if !p.lit("[") {
		return ""
	}
	if _, ok := p.quoted(); !ok {
		k := p.i
		for k < len(p.src) && !isSpace(p.src[k]) && !strings.ContainsRune(`[]"'`, rune(p.src[k])) {
			k++
		}
		if k == p.i {
			p.fail(p.i, "expected a valid field argument: a quoted string or a bare string")
		}
		p.i = k
	}
	if !p.lit("]") {
		p.fail(p.i, "expected a ']' token")
	}
	return p.src[start:p.i]
}

func (p *parser) transformerType() (string, bool) {
	for _, t := range transforms {
		if p.lit(t) {
			return t, true
		}
	}
	return "", false
}

// transformerRemainder parses the arguments and ')' of a transformer whose
// "name(" has been read, then an optional [arg].
func (p *parser) transformerRemainder() {
	defer p.enter()()
	p.blank()
	for {
		p.transformerArg()
		p.blank()
		if !p.lit(",") {
			break
		}
	}
	p.blank()
	if !p.lit(")") {
		p.fail(p.i, "expected a ')' token closing the transformer")
	}
	p.optionalFieldArg()
}

func (p *parser) transformerArg() {
	p.blank()
	if p.number() {
		return
	}
	if _, ok := p.quoted(); ok {
		return
	}
	if p.lit("(") {
		p.transformerList()
		return
	}
	if _, ok := p.transformerType(); ok {
		p.transformerRemainder()
		return
	}
	if _, ok := p.fieldName(); ok {
		p.optionalFieldArg()
		return
	}
	p.fail(p.i, "expected field transformer argument: field, transformer, quoted string, number, or transformer list")
}

func (p *parser) transformerList() {
	defer p.enter()()
	p.blank()
	if p.lit(")") {
		return
	}
	for first := true; first || p.lit(","); first = false {
		p.blank()
		switch {
		case p.fieldNameArg():
		case p.transformerInList():
		case p.quotedOK():
		case p.number():
		default:
			p.fail(p.i, "expected transformer list argument: field, transformer, quoted string, or number")
		}
		p.blank()
	}
	if !p.lit(")") {
		p.fail(p.i, "expected ')'")
	}
}

func (p *parser) fieldNameArg() bool {
	if _, ok := p.fieldName(); ok {
		p.optionalFieldArg()
		return true
	}
	return false
}

func (p *parser) transformerInList() bool {
	if _, ok := p.transformerType(); ok {
		p.blank()
		p.transformerRemainder()
		return true
	}
	return false
}

func (p *parser) quotedOK() bool { _, ok := p.quoted(); return ok }

// number lexes HexNumber | [+-]?[0-9]+[.]?[0-9]*([eE][+-][0-9]+)?.
func (p *parser) number() bool {
	s := p.src[p.i:]
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		k := 2
		for k < len(s) && (isDigit(s[k]) || 'a' <= s[k] && s[k] <= 'f' || 'A' <= s[k] && s[k] <= 'F') {
			k++
		}
		if k > 2 {
			p.i, p.last = p.i+k, s[:k]
			return true
		}
	}
	k := 0
	if k < len(s) && (s[k] == '+' || s[k] == '-') {
		k++
	}
	d := k
	for k < len(s) && isDigit(s[k]) {
		k++
	}
	if k == d {
		return false
	}
	if k < len(s) && s[k] == '.' {
		k++
	}
	for k < len(s) && isDigit(s[k]) {
		k++
	}
	if k+2 < len(s) && (s[k] == 'e' || s[k] == 'E') && (s[k+1] == '+' || s[k+1] == '-') && isDigit(s[k+2]) {
		k += 2
		for k < len(s) && isDigit(s[k]) {
			k++
		}
	}
	p.i, p.last = p.i+k, s[:k]
	return true
}

// quoted lexes a quoted string: it ends at the first delimiter that does
// not follow a backslash (so "a\\" does not end); then the escapes are
// decoded, and an unsupported one is an error.
func (p *parser) quoted() (string, bool) {
	if p.i >= len(p.src) || (p.src[p.i] != '"' && p.src[p.i] != '\'') {
		return "", false
	}
	delim := p.src[p.i]
	for k := p.i + 1; k < len(p.src); k++ {
		if p.src[k] == delim && p.src[k-1] != '\\' {
			raw := p.src[p.i : k+1]
			v, err := unescape(raw)
			if err != "" {
				p.fail(p.i, "%s", err)
			}
			p.quotes = append(p.quotes, literal{p.i, raw})
			p.i, p.last = k+1, raw
			return v, true
		}
	}
	return "", false
}

// unescape decodes the body of a quoted literal (delimiters included).
func unescape(raw string) (string, string) {
	delim := raw[0]
	var b strings.Builder
	body := raw[1 : len(raw)-1]
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(body) {
			break // cannot happen: a final backslash would escape the delimiter
		}
		switch e := body[i]; e {
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case ' ', '\\':
			b.WriteByte('\\')
		case '/':
			b.WriteByte('/')
		case '"', '\'':
			if e != delim {
				return "", fmt.Sprintf("invalid \\%c escape in %c-quoted string", e, delim)
			}
			b.WriteByte(e)
		default:
			return "", fmt.Sprintf("unsupported string escape sequence: \\%c", e)
		}
	}
	return b.String(), ""
}

// bare lexes [^()"'[:space:]=,]+.
func (p *parser) bare() (string, bool) {
	k := p.i
	for k < len(p.src) && !isSpace(p.src[k]) && !strings.ContainsRune(`()"'=,`, rune(p.src[k])) {
		k++
	}
	if k == p.i {
		return "", false
	}
	s := p.src[p.i:k]
	p.i, p.last = k, s
	return s, true
}

func (p *parser) condition(n *Node) *Node {
	p.blank()
	if op, ok := p.operator(unaryOps); ok {
		n.Op = op
		return n
	}
	p.blank()
	if op, ok := p.operator(numOps); ok {
		n.Op = op
		p.blank()
		if p.transformerOrVal(n) {
			return n
		}
		if !p.number() {
			p.fail(p.i, "expected a number value or a field with a valid transformer")
		}
		n.Values = []string{p.last}
		return n
	}
	if op, ok := p.operator(strOps); ok {
		n.Op = op
		hadBlank := isAlpha(op[0]) || p.blank()
		save := p.i
		if hadBlank {
			if mod, ok := p.operator(modifierOps); ok && p.listFollows() && !p.boolKeywordFollows() {
				n.Op = op + " " + mod
				p.listValue(n, false)
				return n
			}
		}
		p.i = save
		p.strValue(n, false)
		return n
	}
	if op, ok := p.operator(listOps); ok {
		n.Op = op
		p.listValue(n, true)
		return n
	}
	p.fail(p.i, "expected a valid check operator: one of 'exists', '<=', '<', '>=', '>', '==', '=', '!=', 'glob', 'iglob', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', 'regex', 'intersects', 'in', 'pmatch'")
	return nil
}

func (p *parser) listFollows() bool {
	if p.i < len(p.src) && p.src[p.i] == '(' {
		return true
	}
	return p.word(p.i) > p.i
}

func (p *parser) boolKeywordFollows() bool {
	for _, kw := range []string{"and", "or", "not"} {
		s := p.src[p.i:]
		if strings.HasPrefix(s, kw) && (len(s) == len(kw) || !(isAlpha(s[len(kw)]) || isDigit(s[len(kw)]))) {
			return true
		}
	}
	return false
}

// transformerOrVal parses a right-hand transformer or val(field).
func (p *parser) transformerOrVal(n *Node) bool {
	p.blank()
	start := p.i
	if p.lit("val(") {
		p.blank()
		if _, ok := p.fieldName(); !ok {
			p.fail(p.i, "expected a field within 'val' transformer")
		}
		p.optionalFieldArg()
		p.blank()
		if !p.lit(")") {
			p.fail(p.i, "expected a ')' token closing the transformer")
		}
		p.optionalFieldArg()
	} else if _, ok := p.transformerType(); ok {
		p.blank()
		p.transformerRemainder()
	} else {
		return false
	}
	n.Values, n.RightIsExpr = []string{p.src[start:p.i]}, true
	return true
}

func (p *parser) strValue(n *Node, noTransformer bool) {
	p.blank()
	if !noTransformer && p.transformerOrVal(n) {
		return
	}
	if v, ok := p.quoted(); ok {
		n.Values = []string{v}
		return
	}
	if v, ok := p.bare(); ok {
		n.Values = []string{v}
		return
	}
	if noTransformer {
		p.fail(p.i, "expected a string value")
	}
	p.fail(p.i, "expected a string value or a field with a valid transformer")
}

// listValue parses '(' [StrValue (',' StrValue)*] ')' or a list
// identifier; for list operators a transformer is allowed too.
func (p *parser) listValue(n *Node, transformerOK bool) {
	p.blank()
	if p.lit("(") {
		p.blank()
		var vals []string
		item := &Node{}
		save := p.i
		if p.tryStr(item) {
			vals = append(vals, item.Values[0])
			p.blank()
			for p.lit(",") {
				p.strValue(item, true)
				vals = append(vals, item.Values[0])
				p.blank()
			}
		} else {
			p.i = save
		}
		if !p.lit(")") {
			p.fail(p.i, "expected a ')' token")
		}
		n.Values = vals
		return
	}
	if transformerOK && p.transformerOrVal(n) {
		return
	}
	if id, ok := p.identifier(); ok {
		n.List = id
		return
	}
	p.fail(p.i, "expected a list or an identifier")
}

// tryStr parses a string value, reporting false instead of failing when
// there is none (an empty list).
func (p *parser) tryStr(n *Node) (ok bool) {
	p.blank()
	if v, ok := p.quoted(); ok {
		n.Values = []string{v}
		return true
	}
	if v, ok := p.bare(); ok {
		n.Values = []string{v}
		return true
	}
	return false
}
