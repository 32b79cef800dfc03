package eql

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// simplePred is the common shape of a predicate, read without the general
// grammar: a field, an operator and constants,
//
//	SimplePred = field ( cmpOp constant
//	                   | "not"? ("in" | "in~") "(" constant ("," constant)* ")"
//	                   | matchOp ( constant | "(" constant ("," constant)* ")" ) ) .
//
// followed by "and", "or", ")", "]", "|" or the end of the query. Nine in
// ten predicates of the corpus have this shape, and participle spends most
// of its time on the nine levels of the expression grammar (a branch and a
// reflected value per level); reading them here is what keeps the corpus
// under its time budget. Anything else (a call, arithmetic, a
// non-constant, an error) is left untouched for the general grammar
// (predicate), so both paths accept the same language and lower to the same
// IR; TestSimpleAgreesWithGrammar holds them to that.
type simplePred struct {
	Subject lexer.Token   // Field or Ident
	Not     bool          // `not in`
	Op      lexer.Token   // == != < <= > >= in in~ : like like~ regex regex~
	List    bool          // the values were written in parentheses
	Values  []lexer.Token // String, Int, Float, true, false or null
	Last    lexer.Token   // the last token, for the span
}

// isConstToken reports whether t is a literal constant.
func isConstToken(t *lexer.Token) bool {
	switch t.Type {
	case tokString, tokInt, tokFloat, tokConst:
		return true
	}
	return false
}

// endsPredicate reports whether t may follow a complete predicate whatever
// came before it, so that the general grammar could not read more into it.
func endsPredicate(t *lexer.Token) bool {
	switch t.Type {
	case lexer.EOF:
		return true
	case tokKeyword:
		return t.Value == "and" || t.Value == "or"
	case tokPunct:
		return t.Value == ")" || t.Value == "]" || t.Value == "|"
	}
	return false
}

// Parse implements participle.Parseable. It consumes nothing unless the
// whole predicate has the simple shape.
func (s *simplePred) Parse(lex *lexer.PeekingLexer) error {
	start := lex.MakeCheckpoint()
	if !s.parse(lex) {
		lex.LoadCheckpoint(start)
		*s = simplePred{}
		return participle.NextMatch
	}
	return nil
}

func (s *simplePred) parse(lex *lexer.PeekingLexer) bool {
	t := lex.Peek()
	if t.Type != tokField && t.Type != tokIdent {
		return false
	}
	s.Subject = *lex.Next()
	op := lex.Next()
	if op.Type == tokKeyword && op.Value == "not" {
		s.Not = true
		op = lex.Next()
	}
	s.Op = *op
	list := false
	switch op.Type {
	case tokCmpOp:
		if op.Value == "=" {
			return false // the general grammar reports it
		}
	case tokInOp:
		list = true
	case tokMatchOp:
		list = lex.Peek().Type == tokPunct && lex.Peek().Value == "("
	default:
		return false
	}
	if s.Not && op.Type != tokInOp {
		return false
	}
	if !list {
		v := lex.Next()
		if !isConstToken(v) {
			return false
		}
		s.Values = []lexer.Token{*v}
		s.Last = *v
		return endsPredicate(lex.Peek())
	}
	s.List = true
	if open := lex.Next(); open.Type != tokPunct || open.Value != "(" {
		return false
	}
	for {
		v := lex.Next()
		if !isConstToken(v) {
			return false
		}
		s.Values = append(s.Values, *v)
		sep := lex.Next()
		if sep.Type != tokPunct {
			return false
		}
		if sep.Value == ")" {
			s.Last = *sep
			return endsPredicate(lex.Peek())
		}
		if sep.Value != "," {
			return false
		}
	}
}
