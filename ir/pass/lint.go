package pass

import (
	"strings"

	"github.com/eqlx/eqlx/ir"
)

// literalWildcard warns about strings holding `*` or `?` after ==, != and
// in: Elasticsearch compares them literally (a term query), so a rule that
// writes `process.args in ("/opt/vuso*")` matches only that exact text. Some
// are deliberate (Windows share names such as "\\*\ADMIN$"), hence a
// warning, "eql/literal-wildcard", never an error.
func literalWildcard(q ir.Query, ds *ir.Diagnostics) {
	ir.WalkQuery(q, func(e ir.Expr) bool {
		n, ok := e.(*ir.In)
		if !ok {
			return true
		}
		for _, v := range n.Values {
			if v.Kind != ir.KindString {
				continue
			}
			star, qm := strings.Contains(v.Str, "*"), strings.Contains(v.Str, "?")
			which := ""
			switch {
			case star && qm:
				which = "`*` and `?` are"
			case star:
				which = "`*` is"
			case qm:
				which = "`?` is"
			default:
				continue
			}
			ds.Warnf(n.Span, "eql/literal-wildcard", "%s: %s literal after == and in; use like or : for wildcards", ir.Quote(v.Str), which)
		}
		return true
	})
}
