package ir

import (
	"fmt"
	"time"
)

// Query is what a rule asks for: *EventQuery, *Sequence or *Sample. The set is
// closed; a backend switches on the concrete type.
type Query interface {
	Loc() Span
	// Pipes are the `| head N` / `| tail N` stages after the query, in order.
	PipeList() []Pipe
	query()
}

// CategoryField is the field that the category word before `where` tests,
// unless the rule overrides it (Meta.EventCategoryOverride).
const CategoryField = "event.category"

// EventQuery is `<category> where <cond>`.
type EventQuery struct {
	Span Span
	// Category is the word before `where`, kept as written (Elasticsearch
	// compares it case-sensitively, like a keyword term); "any"
	// matches every event. Otherwise the event matches only when
	// CategoryField (an array in ECS) has an element equal to Category.
	Category string
	// CategoryField is ir.CategoryField unless the rule overrides it.
	CategoryField string
	Cond          Expr
	Pipes         []Pipe
}

// IsAny reports whether the query matches events of every category.
func (q *EventQuery) IsAny() bool { return q.Category == "any" }

// Sequence is `sequence [by k,...] [with maxspan=D] [q1] [by ...] ... [until [q]]`.
// Events are matched in order, one per stage, all sharing the join keys:
// stage i's keys are By followed by Stages[i].By.
type Sequence struct {
	Span    Span
	By      []Expr    // sequence-level join keys
	MaxSpan *Duration // nil: no time bound
	Stages  []*Stage
	Until   *Stage // nil: no expiry query
	Pipes   []Pipe
}

// Stage is one `[query]` of a sequence or sample, with its own join keys.
type Stage struct {
	Span  Span
	Query *EventQuery
	By    []Expr // per-stage join keys; same count on every stage
	// Runs is the N of `with runs=N` (1..100); 1 when absent. A stage with
	// Runs N matches N consecutive events, as N copies of the stage.
	Runs int
	// Missing marks `![query]`: the sequence matches only when no event
	// matching the query (with the same keys) occurs between its neighbours.
	Missing bool
}

// Sample is `sample by k, ... [q1] [q2] ...`: one event per filter, in any
// order, all sharing the join keys, with no time bound.
type Sample struct {
	Span   Span
	By     []Expr
	Stages []*Stage
	Pipes  []Pipe
}

// Duration is a `maxspan` value as written: Value and Unit (ms, s, m, h, d).
// It is kept as written so that printing gives back "5m", not "300s".
type Duration struct {
	Value int64
	Unit  string
}

// D returns the duration as a time.Duration.
func (d Duration) D() time.Duration {
	unit := map[string]time.Duration{"ms": time.Millisecond, "s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour}[d.Unit]
	return time.Duration(d.Value) * unit
}

// String renders the duration as EQL writes it ("5m").
func (d Duration) String() string { return fmt.Sprintf("%d%s", d.Value, d.Unit) }

// PipeKind names a pipe Elasticsearch EQL supports.
type PipeKind uint8

// The pipes of Elasticsearch EQL. Python eql's others (count, unique, filter,
// sort, unique_count) are rejected when lowering.
const (
	PipeHead PipeKind = iota + 1
	PipeTail
)

// String is the pipe's EQL name.
func (k PipeKind) String() string {
	switch k {
	case PipeHead:
		return "head"
	case PipeTail:
		return "tail"
	}
	return "?"
}

// Pipe is `| head N` or `| tail N`: keep the first or last N results.
type Pipe struct {
	Span Span
	Kind PipeKind
	N    int64
}

// Loc returns where the query is in its rule file.
func (q *EventQuery) Loc() Span { return q.Span }

// Loc returns where the query is in its rule file.
func (q *Sequence) Loc() Span { return q.Span }

// Loc returns where the query is in its rule file.
func (q *Sample) Loc() Span { return q.Span }

// PipeList returns the query's pipes.
func (q *EventQuery) PipeList() []Pipe { return q.Pipes }

// PipeList returns the query's pipes.
func (q *Sequence) PipeList() []Pipe { return q.Pipes }

// PipeList returns the query's pipes.
func (q *Sample) PipeList() []Pipe { return q.Pipes }

func (*EventQuery) query() {}
func (*Sequence) query()   {}
func (*Sample) query()     {}
