// Package eql is the EQL language: a lexer, a participle/v2 grammar and the
// lowering of its tree to the IR. The dialect is Elasticsearch EQL, the one
// elastic/detection-rules targets (../shared/notes/eql.md §0, §4); python
// eql's extra syntax (single-quoted strings, `=`, join, lineage, macros,
// pipes other than head and tail, functions such as wildcard) is recognised
// and rejected with a positioned error that says so.
//
// The one entry point is Parse, which lexes, parses and lowers a query and
// maps every Span into its file (Options.Base). The result is raw IR: package
// ir/pass flattens, folds and deduplicates it.
//
// # Grammar
//
// In EBNF, loosest binding first (keywords are lower case only):
//
//	query      = ( eventQuery | sequence | sample ) pipe* .
//	eventQuery = category "where" expr .
//	category   = ident | string .                       (* "any" matches every event *)
//	sequence   = "sequence" [ by ] [ maxspan ] stage stage* [ "until" stage ] .
//	                                                    (* by and maxspan in either order *)
//	sample     = "sample" [ by ] stage stage* .
//	stage      = ( "[" | "![" ) eventQuery "]" [ by ] [ "with" "runs" "=" int ] .
//	by         = "by" expr { "," expr } .
//	maxspan    = "with" "maxspan" "=" int ( "ms" | "s" | "m" | "h" | "d" ) .
//	pipe       = "|" ( "head" | "tail" ) int .
//
//	expr       = and { "or" and } .
//	and        = not { "and" not } .
//	not        = "not" not | predicate .
//	predicate  = sum [ cmpOp sum
//	                 | [ "not" ] ( "in" | "in~" ) list
//	                 | ( ":" | "like" | "like~" | "regex" | "regex~" ) ( list | unary ) ] .
//	cmpOp      = "==" | "!=" | "<" | "<=" | ">" | ">=" .
//	list       = "(" expr { "," expr } ")" .           (* constants only *)
//	sum        = product { ( "+" | "-" ) product } .
//	product    = unary { ( "*" | "/" | "%" ) unary } .
//	unary      = ( "-" | "+" ) unary | primary .
//	primary    = literal | call | field | "(" expr ")" .
//	call       = ( ident | ident "~" ) "(" [ expr { "," expr } ] ")" .
//	literal    = string | int | float | "true" | "false" | "null" .
//	field      = [ "?" ] segment { "." segment } .
//	segment    = ident | "`" { any character but "`" | "``" } "`" .
//	ident      = ( letter | "_" | "@" ) { letter | digit | "_" } .
//	string     = `"` { character | escape } `"`          (* one line *)
//	           | `"""` { character } `"""` [ `"` [ `"` ] ] .  (* raw, one line *)
//	escape     = `\` ( "b" | "t" | "n" | "f" | "r" | `"` | "'" | `\` ) | `\u{` hex{2..8} "}" .
//	int        = digit { digit } .
//	float      = digit { digit } "." { digit } [ exponent ] | "." digit { digit } [ exponent ]
//	           | digit { digit } exponent .
//	exponent   = ( "e" | "E" ) [ "+" | "-" ] digit { digit } .
//
// Comments are `// ...` to the end of the line and `/* ... */`, which nest.
//
// The participle grammar (grammar.go, rendered in testdata/grammar.ebnf) is
// this EBNF plus the python eql forms it parses in order to reject them
// (join, lineage, any pipe with any arguments). Two things keep it fast on
// the corpus (1,081 queries, lists of up to 2,609 values):
//
//   - the lexer is written by hand (lexer.go) and gives each operator class
//     a token type of its own (CmpOp, InOp, MatchOp, Const), so that the
//     grammar tests one type where it would try one alternative per
//     operator;
//   - one production is written by hand, simplePred: the shape
//     `field op constant(s)` of two predicates in three, read without the
//     nine levels of the expression grammar (simple.go). It accepts a subset
//     of what Predicate accepts and lowers to the same IR, spans included
//     (TestSimpleAgreesWithGrammar checks every such predicate of the
//     corpus against the general grammar).
//
// The parser never backtracks over a consumed token (participle's
// lookahead 0): an error is reported where the input stops making sense;
// the two places where alternatives share a first token (a call and a
// name, a constant list member and an expression) use explicit lookahead.
//
// Precedence is that of Elasticsearch EQL, loosest first: or, and, not, the
// comparisons and `in`/`:`/like/regex, + and -, *, / and %, unary minus.
//
// # Lowering
//
//   - `a and b`, `a or b`, `not a`: And, Or, Not (a chain `a and b and c`
//     is one And of three terms; parenthesised groups stay nested).
//   - `x == c` with c a constant: In{x, [c]} (either side); `x != c`:
//     Not{In}; `x == null`: IsNull; `x != null`: Not{IsNull}; two
//     non-constants or two constants: Compare; `<`, `<=`, `>`, `>=`: Compare.
//   - `x in (...)`, `x in~ (...)`: In (CaseInsensitive for in~); `not in`:
//     Not{In}; a null member: Or{In(rest), IsNull}.
//   - `x : p`: Match{Wildcard, CaseInsensitive}; non-string constants after
//     `:` become an In~ alternative; like, like~: Match{Wildcard}; regex,
//     regex~: Match{Regex}.
//   - functions: Call with the lower-case name; arity and the `~` form are
//     checked here.
//   - `-5` is a negative literal; `-x` is Arith{Sub, 0, x}.
//   - a bare field used as a condition tests for true: In{f, [true]}.
//
// # Diagnostics
//
// Every error has a position in the file and one of the codes eql/syntax,
// eql/bad-escape, eql/bad-number, eql/bad-regex, eql/unknown-function,
// eql/arity, eql/unsupported, eql/unsupported-pipe, eql/sequence, eql/type
// (and eql/internal, for a bug caught instead of crashing). Input is
// limited to 1 MiB and 512 levels of nesting, so that no input can exhaust
// the stack.
package eql
