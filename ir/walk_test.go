package ir

import (
	"slices"
	"testing"
)

func TestWalkIsPreOrderAndCanPrune(t *testing.T) {
	e := and(in(fld("a"), "1"), not(cmpx(Lt, call("length", fld("b")), num(2))))
	var got []string
	Walk(e, func(x Expr) bool {
		got = append(got, PrintExpr(x))
		_, isNot := x.(*Not)
		return !isNot
	})
	want := []string{`a == "1" and not length(b) < 2`, `a == "1"`, `a`, `not length(b) < 2`}
	if !slices.Equal(got, want) {
		t.Errorf("visited %q, want %q", got, want)
	}
}

func TestRewriteIsPostOrderAndLeavesTheInputAlone(t *testing.T) {
	e := and(in(fld("a"), "1"), or(in(fld("b"), "2"), in(fld("c"), "3")))
	before := PrintExpr(e)
	var order []string
	out := Rewrite(e, func(x Expr) Expr {
		order = append(order, PrintExpr(x))
		if f, ok := x.(*Field); ok && f.Path == "c" {
			return fld("renamed")
		}
		if i, ok := x.(*In); ok && i.Values[0].Str == "2" {
			return nil // dropped from its Or
		}
		return x
	})
	if PrintExpr(e) != before {
		t.Errorf("input changed to %s", PrintExpr(e))
	}
	// The Or keeps its one remaining term: Rewrite never restructures.
	if got, want := PrintExpr(out), `a == "1" and (renamed == "3")`; got != want {
		t.Errorf("rewritten = %s, want %s", got, want)
	}
	if order[0] != "a" || order[len(order)-1] != PrintExpr(out) {
		t.Errorf("not post-order: %q", order)
	}
}

func TestQueryFieldsCoversKeysAndCategories(t *testing.T) {
	q := &Sequence{
		By: []Expr{fld("host.id")},
		Stages: []*Stage{
			{Query: ev("process", in(fld("process.name"), "x")), By: []Expr{fld("process.pid")}},
			{Query: ev("any", cmpx(Gt, call("length", fld("file.path")), num(3))), By: []Expr{fld("process.pid")}},
		},
		Until: &Stage{Query: &EventQuery{Category: "info", CategoryField: "event.type", Cond: isNull(opt("user.id"))}},
	}
	want := []string{"event.category", "event.type", "file.path", "host.id", "process.name", "process.pid", "user.id"}
	if got := QueryFields(q); !slices.Equal(got, want) {
		t.Errorf("QueryFields = %q, want %q", got, want)
	}
	n := 0
	WalkQuery(q, func(Expr) bool { n++; return true })
	if n != 11 {
		t.Errorf("WalkQuery visited %d nodes, want 11", n)
	}
}

func TestEqualIgnoresSpansOnly(t *testing.T) {
	a := ev("process", and(in(fld("a"), "1"), like(fld("b"), true, "x*")))
	b := CloneQuery(a).(*EventQuery)
	b.Span = Span{Start: Pos{Line: 3, Col: 1}}
	b.Cond.(*And).Terms[0].(*In).Span = Span{Start: Pos{Line: 4, Col: 2}}
	if !Equal(a, b) {
		t.Fatal("spans made queries differ")
	}
	diffs := []func(q *EventQuery){
		func(q *EventQuery) { q.Category = "file" },
		func(q *EventQuery) { q.Cond.(*And).Terms[0].(*In).CaseInsensitive = true },
		func(q *EventQuery) { q.Cond.(*And).Terms[0].(*In).Values[0] = IntValue(1) },
		func(q *EventQuery) { q.Cond.(*And).Terms[1].(*Match).Kind = Regex },
		func(q *EventQuery) { q.Cond.(*And).Terms[1].(*Match).X.(*Field).Optional = true },
		func(q *EventQuery) { q.Pipes = []Pipe{{Kind: PipeHead, N: 1}} },
	}
	for i, change := range diffs {
		c := CloneQuery(a).(*EventQuery)
		change(c)
		if Equal(a, c) {
			t.Errorf("change %d not seen by Equal", i)
		}
		if !Equal(a, CloneQuery(a)) {
			t.Errorf("change %d leaked into the original", i)
		}
	}
	if EqualValue(IntValue(1), FloatValue(1)) {
		t.Error("1 and 1.0 are different constants")
	}
}

func TestCloneSharesNothing(t *testing.T) {
	q := &Sequence{
		By:      []Expr{fld("host.id")},
		MaxSpan: &Duration{Value: 1, Unit: "m"},
		Stages:  []*Stage{{Query: ev("process", in(fld("a"), "1", "2")), By: []Expr{fld("p")}}},
		Until:   &Stage{Query: ev("process", isNull(fld("b")))},
	}
	c := CloneQuery(q).(*Sequence)
	c.MaxSpan.Value = 9
	c.By[0].(*Field).Path = "x"
	c.Stages[0].Query.Cond.(*In).Values[0] = StringValue("z")
	c.Until.Query.Category = "file"
	if q.MaxSpan.Value != 1 || q.By[0].(*Field).Path != "host.id" ||
		q.Stages[0].Query.Cond.(*In).Values[0].Str != "1" || q.Until.Query.Category != "process" {
		t.Errorf("clone shares state with the original: %s", Print(q))
	}
}

func TestFoldKeys(t *testing.T) {
	same := [][2]string{{"ABC", "abc"}, {"Straße", "STRASSE"[:0] + "straße"}, {"K", "\u212a"}, {"ſ", "S"}, {"Σ", "ς"}}
	for _, p := range same {
		if Fold(p[0]) != Fold(p[1]) {
			t.Errorf("Fold(%q) != Fold(%q)", p[0], p[1])
		}
	}
	if Fold("a") == Fold("b") || Fold("ß") == Fold("ss") {
		t.Error("Fold merged different strings (simple folding does not expand ß)")
	}
}
