package ir

// Short constructors for tables; positions are irrelevant to these tests.

func fld(p string) *Field            { return &Field{Path: p} }
func opt(p string) *Field            { return &Field{Path: p, Optional: true} }
func str(s string) *Literal          { return &Literal{Value: StringValue(s)} }
func num(i int64) *Literal           { return &Literal{Value: IntValue(i)} }
func flt(f float64) *Literal         { return &Literal{Value: FloatValue(f)} }
func boolean(b bool) *Literal        { return &Literal{Value: BoolValue(b)} }
func and(ts ...Expr) *And            { return &And{Terms: ts} }
func or(ts ...Expr) *Or              { return &Or{Terms: ts} }
func not(x Expr) *Not                { return &Not{X: x} }
func isNull(x Expr) *IsNull          { return &IsNull{X: x} }
func call(n string, a ...Expr) *Call { return &Call{Name: n, Args: a} }

func strs(ss ...string) []Value {
	out := make([]Value, len(ss))
	for i, s := range ss {
		out[i] = StringValue(s)
	}
	return out
}

func in(x Expr, vs ...string) *In   { return &In{X: x, Values: strs(vs...)} }
func inCI(x Expr, vs ...string) *In { return &In{X: x, Values: strs(vs...), CaseInsensitive: true} }
func like(x Expr, ci bool, ps ...string) *Match {
	return &Match{X: x, Kind: Wildcard, Patterns: ps, CaseInsensitive: ci}
}
func regex(x Expr, ci bool, ps ...string) *Match {
	return &Match{X: x, Kind: Regex, Patterns: ps, CaseInsensitive: ci}
}
func cmpx(op CmpOp, l, r Expr) *Compare  { return &Compare{Op: op, Left: l, Right: r} }
func arith(op ArithOp, l, r Expr) *Arith { return &Arith{Op: op, Left: l, Right: r} }
func ev(cat string, cond Expr) *EventQuery {
	return &EventQuery{Category: cat, CategoryField: CategoryField, Cond: cond}
}
