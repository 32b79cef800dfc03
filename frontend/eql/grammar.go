package eql

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The grammar, one unexported struct per production, loosest first. It is
// the EBNF in doc.go; testdata/grammar.ebnf pins participle's rendering of
// it. Checks that the grammar does not express (which `with` parameters a
// sequence takes, constants on the right of `:`, function names and arities,
// pipes other than head and tail) are made when lowering, at the node's
// position, so the messages can say what EQL wants.
//
// Pos is the first token of a node, EndPos the first token after it
// (participle fills both); lexer.Token captures keep an operator's position.

// query is a whole EQL query.
type query struct {
	Pos    lexer.Position
	Multi  *multiQuery `parser:"(  @@"`
	Event  *eventQuery `parser:" | @@ )"`
	Pipes  []*pipe     `parser:"@@*"`
	EndPos lexer.Position
}

// multiQuery is a sequence, a sample or a (python-only) join: they share one
// shape, and lowering tells them apart.
type multiQuery struct {
	Pos    lexer.Position
	Kind   lexer.Token `parser:"@( \"sequence\" | \"sample\" | \"join\" )"`
	Params []*param    `parser:"@@*"`
	Stages []*stage    `parser:"@@+"`
	Until  *stage      `parser:"( \"until\" @@ )?"`
	EndPos lexer.Position
}

// param is `by k, ...` or `with name=value`, after `sequence` or a stage.
type param struct {
	Pos    lexer.Position
	By     []*expr    `parser:"(  \"by\" @@ ( \",\" @@ )*"`
	With   *withParam `parser:" | \"with\" @@ )"`
	EndPos lexer.Position
}

// withParam is `maxspan=5m` or `runs=3`; spaces around '=' are allowed.
type withParam struct {
	Key   lexer.Token `parser:"@Ident \"=\""`
	Value lexer.Token `parser:"@Int"`
	Unit  lexer.Token `parser:"@Ident?"`
}

// stage is `[query]` or `![query]` with its own parameters.
type stage struct {
	Pos    lexer.Position
	Open   lexer.Token `parser:"@( \"[\" | \"![\" )"`
	Query  *eventQuery `parser:"@@ \"]\""`
	Params []*param    `parser:"@@*"`
	EndPos lexer.Position
}

// eventQuery is `category where condition`.
type eventQuery struct {
	Pos      lexer.Position
	Category lexer.Token `parser:"@( Ident | String ) \"where\""`
	Cond     *expr       `parser:"@@"`
	EndPos   lexer.Position
}

// pipe is `| name args`. Only head and tail survive lowering; the
// arguments are kept as tokens so that any python eql pipe (`| unique a, b`,
// `| window 5m`) parses far enough to be rejected by name.
type pipe struct {
	Pos    lexer.Position
	Name   lexer.Token   `parser:"\"|\" @Ident"`
	Args   []lexer.Token `parser:"@( ( !\"|\" )* )"`
	EndPos lexer.Position
}

// expr is a disjunction, the loosest level of a condition.
type expr struct {
	Pos    lexer.Position
	Terms  []*andExpr `parser:"@@ ( \"or\" @@ )*"`
	EndPos lexer.Position
}

type andExpr struct {
	Pos    lexer.Position
	Terms  []*notExpr `parser:"@@ ( \"and\" @@ )*"`
	EndPos lexer.Position
}

type notExpr struct {
	Pos     lexer.Position
	Simple  *simplePred `parser:"(  @@"`
	Not     *notExpr    `parser:" | \"not\" @@"`
	Lineage *lineage    `parser:" | @@"`
	Pred    *predicate  `parser:" | @@ )"`
	EndPos  lexer.Position
}

// lineage is python eql's `descendant of [q]` (also child of, event of),
// parsed only to be rejected at its position.
type lineage struct {
	Relation lexer.Token `parser:"(?= Ident \"of\") @Ident \"of\""`
	Query    *eventQuery `parser:"\"[\" @@ \"]\""`
}

// predicate is a value, optionally compared, tested for membership or
// matched against patterns.
type predicate struct {
	Pos    lexer.Position
	Left   *sum        `parser:"@@"`
	Cmp    *comparison `parser:"(  @@"`
	In     *inPred     `parser:" | @@"`
	Match  *matchPred  `parser:" | @@ )?"`
	EndPos lexer.Position
}

type comparison struct {
	Op    lexer.Token `parser:"@CmpOp"`
	Right *sum        `parser:"@@"`
}

type inPred struct {
	Not  bool        `parser:"@\"not\"?"`
	Op   lexer.Token `parser:"@InOp"`
	List *list       `parser:"@@"`
}

type matchPred struct {
	Op   lexer.Token `parser:"@MatchOp"`
	List *list       `parser:"(  @@"`
	One  *unary      `parser:" | @@ )"`
}

// list is `(v, ...)`. A constant followed by ',' or ')' is read as a bare
// literal: the lists of the corpus hold thousands of them, and the short cut
// keeps them off the nine levels of the expression grammar.
type list struct {
	Pos    lexer.Position
	Items  []*listItem `parser:"\"(\" @@ ( \",\" @@ )* \")\""`
	EndPos lexer.Position
}

type listItem struct {
	Lit  *literal `parser:"(  (?= ( String | Int | Float | Const ) ( \",\" | \")\" ) ) @@"`
	Expr *expr    `parser:" | @@ )"`
}

type sum struct {
	Pos    lexer.Position
	Left   *product `parser:"@@"`
	Ops    []*sumOp `parser:"@@*"`
	EndPos lexer.Position
}

type sumOp struct {
	Op     lexer.Token `parser:"@( \"+\" | \"-\" )"`
	Right  *product    `parser:"@@"`
	EndPos lexer.Position
}

type product struct {
	Pos    lexer.Position
	Left   *unary       `parser:"@@"`
	Ops    []*productOp `parser:"@@*"`
	EndPos lexer.Position
}

type productOp struct {
	Op     lexer.Token `parser:"@( \"*\" | \"/\" | \"%\" )"`
	Right  *unary      `parser:"@@"`
	EndPos lexer.Position
}

type unary struct {
	Pos     lexer.Position
	Primary *primary    `parser:"(  @@"`
	Sign    lexer.Token `parser:" | @( \"-\" | \"+\" )"`
	X       *unary      `parser:"   @@ )"`
	EndPos  lexer.Position
}

// primary lists its alternatives most frequent first: participle tries
// them in order, and each failed try costs a branch of the parse.
type primary struct {
	Pos    lexer.Position
	Field  lexer.Token `parser:"(  @Field"`
	Lit    *literal    `parser:" | @@"`
	Group  *expr       `parser:" | \"(\" @@ \")\""`
	Call   *call       `parser:" | (?= ( Ident | TildeIdent ) \"(\" ) @@"`
	Name   lexer.Token `parser:" | @Ident )"`
	EndPos lexer.Position
}

// call is `name(args)` or `name~(args)`.
type call struct {
	Name lexer.Token `parser:"@( Ident | TildeIdent ) \"(\""`
	Args []*expr     `parser:"( @@ ( \",\" @@ )* )? \")\""`
}

type literal struct {
	Tok lexer.Token `parser:"@( String | Int | Float | Const )"`
}

// parser is built once; a grammar that does not build is a programming
// error, caught by every test.
var parser = participle.MustBuild[query](
	participle.Lexer(lexDef{}),
	// No backtracking over a consumed token: once `==` is read, a missing
	// value is an error right there, not a reason to try the next
	// alternative and report a confusing error further back. The few
	// places where two alternatives share a first token say so with
	// explicit lookahead groups (?= ...).
	participle.UseLookahead(0),
)
