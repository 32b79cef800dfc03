package pass

import "github.com/eqlx/eqlx/ir"

// dedupeQuery removes repeated In values and Match patterns, keeping the
// first of each in its place. Values are the same when they are the same
// constant (1 and 1.0 stay apart: on a keyword field they are different
// terms); in a case-insensitive In or wildcard Match, strings are the same
// when their case-folded forms are. Regex patterns are compared exactly
// even under regex~, since folding would merge `\s` and `\S`.
func dedupeQuery(q ir.Query, _ *ir.Diagnostics) {
	rewriteQuery(q, dedupeNode)
}

func dedupeNode(e ir.Expr) ir.Expr {
	switch n := e.(type) {
	case *ir.In:
		if vs, changed := dedupeValues(n.Values, n.CaseInsensitive); changed {
			c := *n
			c.Values = vs
			return &c
		}
	case *ir.Match:
		if ps, changed := dedupePatterns(n.Patterns, n.CaseInsensitive && n.Kind == ir.Wildcard); changed {
			c := *n
			c.Patterns = ps
			return &c
		}
	}
	return e
}

// valueKey identifies a constant for de-duplication.
type valueKey struct {
	kind ir.Kind
	s    string
	i    int64
	f    float64
	b    bool
}

func keyOf(v ir.Value, fold bool) valueKey {
	k := valueKey{kind: v.Kind}
	switch v.Kind {
	case ir.KindString:
		k.s = v.Str
		if fold {
			k.s = ir.Fold(v.Str)
		}
	case ir.KindInt:
		k.i = v.Int
	case ir.KindFloat:
		k.f = v.Float
	case ir.KindBool:
		k.b = v.Bool
	}
	return k
}

func dedupeValues(vs []ir.Value, fold bool) ([]ir.Value, bool) {
	seen := make(map[valueKey]bool, len(vs))
	out := make([]ir.Value, 0, len(vs))
	for _, v := range vs {
		k := keyOf(v, fold)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, v)
	}
	return out, len(out) != len(vs)
}

func dedupePatterns(ps []string, fold bool) ([]string, bool) {
	seen := make(map[string]bool, len(ps))
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		k := p
		if fold {
			k = ir.Fold(p)
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, p)
	}
	return out, len(out) != len(ps)
}
