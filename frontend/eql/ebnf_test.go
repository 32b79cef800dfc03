package eql

import (
	"path/filepath"
	"testing"

	"github.com/eqlx/eqlx/internal/goldentest"
)

// TestGrammarEBNF pins participle's rendering of the grammar, so that every
// grammar change shows up as a readable diff in review.
func TestGrammarEBNF(t *testing.T) {
	goldentest.Check(t, filepath.Join("testdata", "grammar.ebnf"), []byte(parser.String()+"\n"))
}
