package ir

// Expr is a boolean or value expression of a query condition. The set is
// closed (And, Or, Not, In, Match, IsNull, Compare, Call, Arith, Field,
// Literal); a backend switches on the concrete type. Every node carries the
// Span of the text it came from, so reports can point at it.
//
// The meaning of each node, and in particular what it does with missing
// fields, nulls and array fields, is the semantics contract in the package
// documentation (doc.go). Backends implement that contract, not EQL syntax.
type Expr interface {
	Loc() Span
	expr()
}

// And is true when every term is true (Kleene logic: false wins over null).
// Normalised form: at least two terms, none of them an And.
type And struct {
	Span  Span
	Terms []Expr
}

// Or is true when any term is true (Kleene logic: true wins over null).
// Normalised form: at least two terms, none of them an Or.
type Or struct {
	Span  Span
	Terms []Expr
}

// Not negates X: Kleene's negation (not null is null) when X is a script
// predicate, Lucene's must_not (null counts as false) otherwise; see
// IsScript and the package doc.
type Not struct {
	Span Span
	X    Expr
}

// In is `X in (v, ...)`, `X in~ (v, ...)`, and `X == v` with a constant v
// (lowered to a one-value In). It is true when X, or any element of an array
// X, equals one of Values. With CaseInsensitive, strings compare after
// Unicode simple case folding. Values are constants, never null (`== null`
// is IsNull); after normalisation they are deduplicated, in first-seen order.
type In struct {
	Span            Span
	X               Expr
	Values          []Value
	CaseInsensitive bool
}

// MatchKind says how Match reads its patterns.
type MatchKind uint8

// The two pattern languages of EQL string predicates.
const (
	// Wildcard patterns (`like`, `like~`, `:`): '*' matches any run of
	// characters (including none), '?' exactly one character; there is no
	// escape, so a backslash is a literal character. The whole value must
	// match.
	Wildcard MatchKind = iota + 1
	// Regex patterns (`regex`, `regex~`): Lucene regular expressions that
	// must match the whole value.
	Regex
)

// String is the kind's name as used in reports.
func (k MatchKind) String() string {
	switch k {
	case Wildcard:
		return "wildcard"
	case Regex:
		return "regex"
	}
	return "?"
}

// Match is `X like (p, ...)`, `X like~ ...`, `X : ...`, `X regex ...`,
// `X regex~ ...`: true when X, or any element of an array X, matches any of
// Patterns. `:` is the same as `like~` (case-insensitive wildcards).
type Match struct {
	Span            Span
	X               Expr
	Kind            MatchKind
	Patterns        []string
	CaseInsensitive bool
}

// IsNull is `X == null`; `X != null` lowers to Not{IsNull}. It is true when X
// is missing, null or an empty array, and is never null itself.
type IsNull struct {
	Span Span
	X    Expr
}

// CmpOp is a comparison operator.
type CmpOp uint8

// Comparison operators. Eq and Ne appear in Compare only when neither side is
// a constant (constants give In).
const (
	Eq CmpOp = iota + 1
	Ne
	Lt
	Le
	Gt
	Ge
)

// String is the operator as EQL writes it.
func (op CmpOp) String() string {
	switch op {
	case Eq:
		return "=="
	case Ne:
		return "!="
	case Lt:
		return "<"
	case Le:
		return "<="
	case Gt:
		return ">"
	case Ge:
		return ">="
	}
	return "?"
}

// Compare is `Left op Right` for the ordering operators, and for == and !=
// between two non-constant operands. Numbers compare as numbers, strings
// lexicographically by code point (case-sensitive).
type Compare struct {
	Span        Span
	Op          CmpOp
	Left, Right Expr
}

// Call is a function call. Name is the canonical lower-case name
// ("startswith", "cidrmatch", ...); EQL looks names up case-insensitively.
// CaseInsensitive marks the `~` form (`startsWith~`), allowed only on
// between, endswith, indexof, startswith and stringcontains.
type Call struct {
	Span            Span
	Name            string
	CaseInsensitive bool
	Args            []Expr
}

// ArithOp is an arithmetic operator.
type ArithOp uint8

// Arithmetic operators. Div on two integers truncates toward zero and Mod
// takes the sign of the dividend, as in Java (and so Elasticsearch).
const (
	Add ArithOp = iota + 1
	Sub
	Mul
	Div
	Mod
)

// String is the operator as EQL writes it.
func (op ArithOp) String() string {
	switch op {
	case Add:
		return "+"
	case Sub:
		return "-"
	case Mul:
		return "*"
	case Div:
		return "/"
	case Mod:
		return "%"
	}
	return "?"
}

// Arith is `Left op Right`; null if either side is null or not a number.
type Arith struct {
	Span        Span
	Op          ArithOp
	Left, Right Expr
}

// Field is a reference to an event field by its ECS path ("process.args").
// Backquoted segments are resolved: `a.`b c`.d` has Path "a.b c.d".
// Optional marks `?field`: Elasticsearch treats an unmapped optional field as
// null instead of failing the query; eqlx, which has no mapping, treats every
// field as mapped and possibly absent, so Optional changes nothing in
// evaluation and is kept for printing and reports.
type Field struct {
	Span     Span
	Path     string
	Optional bool
}

// Literal is a constant.
type Literal struct {
	Span  Span
	Value Value
}

// Loc returns where the node is in its rule file; the other nodes' Loc alike.
func (e *And) Loc() Span     { return e.Span }
func (e *Or) Loc() Span      { return e.Span }
func (e *Not) Loc() Span     { return e.Span }
func (e *In) Loc() Span      { return e.Span }
func (e *Match) Loc() Span   { return e.Span }
func (e *IsNull) Loc() Span  { return e.Span }
func (e *Compare) Loc() Span { return e.Span }
func (e *Call) Loc() Span    { return e.Span }
func (e *Arith) Loc() Span   { return e.Span }
func (e *Field) Loc() Span   { return e.Span }
func (e *Literal) Loc() Span { return e.Span }

func (*And) expr()     {}
func (*Or) expr()      {}
func (*Not) expr()     {}
func (*In) expr()      {}
func (*Match) expr()   {}
func (*IsNull) expr()  {}
func (*Compare) expr() {}
func (*Call) expr()    {}
func (*Arith) expr()   {}
func (*Field) expr()   {}
func (*Literal) expr() {}
