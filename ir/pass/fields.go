package pass

import (
	"github.com/eqlx/eqlx/ir"
	"github.com/eqlx/eqlx/ir/ecs"
)

// checkFieldsQuery looks every field of the query up in the ECS catalogue.
// An unknown field gets one "ecs/unknown-field" warning, at its first use;
// a predicate whose constants cannot be values of its field's type (a
// string compared with a long or boolean field; like, regex or `:` on a
// field that does not hold strings) gets "ecs/type-mismatch". Neither is an
// error: integration fields are legitimately outside ECS, and Elasticsearch
// itself decides with the index mapping.
func checkFieldsQuery(q ir.Query, ds *ir.Diagnostics) {
	seen := map[string]bool{}
	ir.WalkQuery(q, func(e ir.Expr) bool {
		switch n := e.(type) {
		case *ir.Field:
			if _, ok := ecs.Lookup(n.Path); !ok && !seen[n.Path] {
				seen[n.Path] = true
				ds.Warnf(n.Span, "ecs/unknown-field", "unknown ECS field %q", n.Path)
			}
		case *ir.In:
			if f, ok := fieldType(n.X); ok && (f.Type.IsNumeric() || f.Type == ecs.Boolean) {
				for _, v := range n.Values {
					if v.Kind == ir.KindString {
						ds.Warnf(n.Span, "ecs/type-mismatch", "%s is a %s field, compared with the string %s", f.Name, f.Type, ir.Quote(v.Str))
						break
					}
				}
			}
		case *ir.Compare:
			checkCompare(n, n.Left, n.Right, ds)
			checkCompare(n, n.Right, n.Left, ds)
		case *ir.Match:
			if f, ok := fieldType(n.X); ok && !f.Type.IsString() {
				op := map[ir.MatchKind]string{ir.Wildcard: "like", ir.Regex: "regex"}[n.Kind]
				if n.CaseInsensitive {
					op += "~"
				}
				ds.Warnf(n.Span, "ecs/type-mismatch", "%s applies to strings, but %s is a %s field", op, f.Name, f.Type)
			}
		}
		return true
	})
}

func checkCompare(n *ir.Compare, side, other ir.Expr, ds *ir.Diagnostics) {
	f, ok := fieldType(side)
	if !ok || !(f.Type.IsNumeric() || f.Type == ecs.Boolean) {
		return
	}
	if l, ok := other.(*ir.Literal); ok && l.Value.Kind == ir.KindString {
		ds.Warnf(n.Span, "ecs/type-mismatch", "%s is a %s field, compared with the string %s", f.Name, f.Type, ir.Quote(l.Value.Str))
	}
}

// fieldType returns the catalogue entry of e when e is a known field.
func fieldType(e ir.Expr) (ecs.Field, bool) {
	f, ok := e.(*ir.Field)
	if !ok {
		return ecs.Field{}, false
	}
	return ecs.Lookup(f.Path)
}
