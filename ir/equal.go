package ir

import "math"

// Equal reports whether a and b are the same query, ignoring Spans: the
// same shape, categories, conditions, join keys, stages, windows and pipes.
// It is the equality of the print/parse round trip and of pass tests.
func Equal(a, b Query) bool {
	switch a := a.(type) {
	case *EventQuery:
		b, ok := b.(*EventQuery)
		return ok && equalEvent(a, b)
	case *Sequence:
		b, ok := b.(*Sequence)
		if !ok || a == nil || b == nil {
			return ok && a == b
		}
		return equalExprs(a.By, b.By) && equalDuration(a.MaxSpan, b.MaxSpan) &&
			equalStages(a.Stages, b.Stages) && equalStage(a.Until, b.Until) && equalPipes(a.Pipes, b.Pipes)
	case *Sample:
		b, ok := b.(*Sample)
		if !ok || a == nil || b == nil {
			return ok && a == b
		}
		return equalExprs(a.By, b.By) && equalStages(a.Stages, b.Stages) && equalPipes(a.Pipes, b.Pipes)
	case nil:
		return b == nil
	}
	return false
}

func equalEvent(a, b *EventQuery) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Category == b.Category && a.categoryField() == b.categoryField() &&
		EqualExpr(a.Cond, b.Cond) && equalPipes(a.Pipes, b.Pipes)
}

func equalDuration(a, b *Duration) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func equalStages(a, b []*Stage) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !equalStage(a[i], b[i]) {
			return false
		}
	}
	return true
}

func equalStage(a, b *Stage) bool {
	if a == nil || b == nil {
		return a == b
	}
	return runs(a.Runs) == runs(b.Runs) && a.Missing == b.Missing &&
		equalEvent(a.Query, b.Query) && equalExprs(a.By, b.By)
}

// runs reads an unset Runs (0) as 1, its meaning.
func runs(n int) int {
	if n == 0 {
		return 1
	}
	return n
}

func equalPipes(a, b []Pipe) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Kind != b[i].Kind || a[i].N != b[i].N {
			return false
		}
	}
	return true
}

func equalExprs(a, b []Expr) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !EqualExpr(a[i], b[i]) {
			return false
		}
	}
	return true
}

// EqualExpr reports whether a and b are the same expression, ignoring Spans.
// Values compare by kind and value (1 and 1.0 differ; floats compare by
// bits, so NaN equals NaN).
func EqualExpr(a, b Expr) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	switch a := a.(type) {
	case *And:
		b, ok := b.(*And)
		return ok && equalExprs(a.Terms, b.Terms)
	case *Or:
		b, ok := b.(*Or)
		return ok && equalExprs(a.Terms, b.Terms)
	case *Not:
		b, ok := b.(*Not)
		return ok && EqualExpr(a.X, b.X)
	case *In:
		b, ok := b.(*In)
		if !ok || a.CaseInsensitive != b.CaseInsensitive || len(a.Values) != len(b.Values) || !EqualExpr(a.X, b.X) {
			return false
		}
		for i := range a.Values {
			if !EqualValue(a.Values[i], b.Values[i]) {
				return false
			}
		}
		return true
	case *Match:
		b, ok := b.(*Match)
		if !ok || a.Kind != b.Kind || a.CaseInsensitive != b.CaseInsensitive || len(a.Patterns) != len(b.Patterns) {
			return false
		}
		for i := range a.Patterns {
			if a.Patterns[i] != b.Patterns[i] {
				return false
			}
		}
		return EqualExpr(a.X, b.X)
	case *IsNull:
		b, ok := b.(*IsNull)
		return ok && EqualExpr(a.X, b.X)
	case *Compare:
		b, ok := b.(*Compare)
		return ok && a.Op == b.Op && EqualExpr(a.Left, b.Left) && EqualExpr(a.Right, b.Right)
	case *Arith:
		b, ok := b.(*Arith)
		return ok && a.Op == b.Op && EqualExpr(a.Left, b.Left) && EqualExpr(a.Right, b.Right)
	case *Call:
		b, ok := b.(*Call)
		return ok && a.Name == b.Name && a.CaseInsensitive == b.CaseInsensitive && equalExprs(a.Args, b.Args)
	case *Field:
		b, ok := b.(*Field)
		return ok && a.Path == b.Path && a.Optional == b.Optional
	case *Literal:
		b, ok := b.(*Literal)
		return ok && EqualValue(a.Value, b.Value)
	}
	return false
}

// EqualValue reports whether two constants are identical: the same kind and
// the same value (floats by bits).
func EqualValue(a, b Value) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case KindBool:
		return a.Bool == b.Bool
	case KindInt:
		return a.Int == b.Int
	case KindFloat:
		return math.Float64bits(a.Float) == math.Float64bits(b.Float)
	case KindString:
		return a.Str == b.Str
	}
	return true
}
