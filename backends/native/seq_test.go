package native

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/eqlx/eqlx/ir"
)

// ev builds a test event: id, seconds after a base time, name and key.
// A key of "" leaves the field out.
func tev(id string, sec int, name, key string) string {
	m := map[string]any{
		"@timestamp": time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(sec) * time.Second).Format(time.RFC3339Nano),
		"event":      map[string]any{"id": id, "category": []string{"process"}},
		"name":       name,
	}
	if key != "" {
		m["k"] = key
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// runIDs runs events through q and returns each match's ids joined by ",".
func runIDs(t *testing.T, q ir.Query, opt Options, events ...string) ([]string, Stats) {
	t.Helper()
	prog, diags := Compile([]*ir.Rule{rule("t", q)}, opt)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	eng := prog.NewEngine()
	var out []string
	emit := func(m Match) {
		var ids []string
		for i, raw := range m.Events {
			if m.Nums[i] < 0 {
				ids = append(ids, "!")
				continue
			}
			var e struct {
				Event struct{ ID string } `json:"event"`
			}
			_ = json.Unmarshal(raw, &e)
			ids = append(ids, e.Event.ID)
		}
		out = append(out, strings.Join(ids, ","))
	}
	if err := eng.Run(strings.NewReader(strings.Join(events, "\n")), emit, nil); err != nil {
		t.Fatal(err)
	}
	return out, eng.Stats()
}

func named(n string) *ir.EventQuery { return evq("process", in("name", n)) }

func seqOf(maxspan time.Duration, stages ...*ir.Stage) *ir.Sequence {
	s := &ir.Sequence{By: []ir.Expr{fld("k")}, Stages: stages}
	if maxspan > 0 {
		s.MaxSpan = span(maxspan)
	}
	return s
}

func missing(q *ir.EventQuery) *ir.Stage { return &ir.Stage{Query: q, Runs: 1, Missing: true} }

func TestSequences(t *testing.T) {
	ab := func(d time.Duration) *ir.Sequence { return seqOf(d, stage(named("a")), stage(named("b"))) }
	cases := []struct {
		name   string
		q      ir.Query
		events []string
		want   []string
	}{
		{"a newer pending sequence overwrites the older one", ab(0),
			[]string{tev("1", 0, "a", "x"), tev("2", 1, "a", "x"), tev("3", 2, "b", "x")}, []string{"2,3"}},
		{"keys keep sequences apart", ab(0),
			[]string{tev("1", 0, "a", "x"), tev("2", 1, "a", "y"), tev("3", 2, "b", "x"), tev("4", 3, "b", "y")}, []string{"1,3", "2,4"}},
		{"a completed sequence is consumed", ab(0),
			[]string{tev("1", 0, "a", "x"), tev("2", 1, "b", "x"), tev("3", 2, "b", "x")}, []string{"1,2"}},
		{"null keys never join", ab(0),
			[]string{tev("1", 0, "a", ""), tev("2", 1, "b", "")}, nil},
		{"maxspan is inclusive", ab(30 * time.Second),
			[]string{tev("1", 0, "a", "x"), tev("2", 30, "b", "x")}, []string{"1,2"}},
		{"maxspan exceeded", ab(30 * time.Second),
			[]string{tev("1", 0, "a", "x"), tev("2", 31, "b", "x")}, nil},
		{"maxspan counts from the first event", seqOf(10*time.Second, stage(named("a")), stage(named("b")), stage(named("c"))),
			[]string{tev("1", 0, "a", "x"), tev("2", 6, "b", "x"), tev("3", 11, "c", "x")}, nil},
		{"an out-of-order event within maxspan still joins", ab(10 * time.Second),
			[]string{tev("1", 100, "a", "x"), tev("2", 50, "b", "x")}, []string{"1,2"}},
		{"until drops the key's pending sequences",
			&ir.Sequence{By: []ir.Expr{fld("k")}, Stages: []*ir.Stage{stage(named("a")), stage(named("b"))}, Until: stage(named("u"))},
			[]string{tev("1", 0, "a", "x"), tev("2", 1, "u", "x"), tev("3", 2, "b", "x")}, nil},
		{"until of another key has no effect",
			&ir.Sequence{By: []ir.Expr{fld("k")}, Stages: []*ir.Stage{stage(named("a")), stage(named("b"))}, Until: stage(named("u"))},
			[]string{tev("1", 0, "a", "x"), tev("2", 1, "u", "y"), tev("3", 2, "b", "x")}, []string{"1,3"}},
		{"runs=3 is three copies of the stage; one event cannot fill two", seqOf(0, &ir.Stage{Query: named("a"), Runs: 3}),
			[]string{tev("1", 0, "a", "x"), tev("2", 1, "a", "x"), tev("3", 2, "a", "x"), tev("4", 3, "a", "x")}, []string{"1,2,3", "2,3,4"}},
		{"a missing event in the gap kills the sequence",
			seqOf(time.Minute, stage(named("a")), missing(named("m")), stage(named("b"))),
			[]string{tev("1", 0, "a", "x"), tev("2", 1, "m", "x"), tev("3", 2, "b", "x")}, nil},
		{"no missing event in the gap: match",
			seqOf(time.Minute, stage(named("a")), missing(named("m")), stage(named("b"))),
			[]string{tev("1", 0, "a", "x"), tev("2", 1, "m", "y"), tev("3", 2, "b", "x")}, []string{"1,!,3"}},
		{"trailing missing: match when the window closes",
			seqOf(time.Minute, stage(named("a")), missing(named("m"))),
			[]string{tev("1", 0, "a", "x"), tev("2", 61, "z", "y")}, []string{"1,!"}},
		{"trailing missing: match at the end of the stream",
			seqOf(time.Minute, stage(named("a")), missing(named("m"))),
			[]string{tev("1", 0, "a", "x")}, []string{"1,!"}},
		{"trailing missing: killed inside the window",
			seqOf(time.Minute, stage(named("a")), missing(named("m"))),
			[]string{tev("1", 0, "a", "x"), tev("2", 60, "m", "x")}, nil},
		{"trailing missing: a missing event after the window does not kill",
			seqOf(time.Minute, stage(named("a")), missing(named("m"))),
			[]string{tev("1", 0, "a", "x"), tev("2", 61, "m", "x")}, []string{"1,!"}},
		{"leading missing inside the window kills",
			seqOf(time.Minute, missing(named("m")), stage(named("a")), stage(named("b"))),
			[]string{tev("1", 0, "m", "x"), tev("2", 10, "a", "x"), tev("3", 20, "b", "x")}, nil},
		{"leading missing long before is fine",
			seqOf(time.Minute, missing(named("m")), stage(named("a")), stage(named("b"))),
			[]string{tev("1", 0, "m", "x"), tev("2", 100, "a", "x"), tev("3", 110, "b", "x")}, []string{"!,2,3"}},
		{"sample: one event per filter in filter order, one sample per key",
			&ir.Sample{By: []ir.Expr{fld("k")}, Stages: []*ir.Stage{stage(named("a")), stage(named("b"))}},
			[]string{tev("1", 0, "b", "x"), tev("2", 1, "a", "x"), tev("3", 2, "a", "x"), tev("4", 3, "b", "x")}, []string{"2,1"}},
		{"sample: one event fills one slot",
			&ir.Sample{By: []ir.Expr{fld("k")}, Stages: []*ir.Stage{stage(evq("process", nil)), stage(evq("process", nil))}},
			[]string{tev("1", 0, "a", "x"), tev("2", 1, "a", "x")}, []string{"1,2"}},
		{"head pipe", &ir.EventQuery{Category: "any", Cond: in("name", "a"), Pipes: []ir.Pipe{{Kind: ir.PipeHead, N: 1}}},
			[]string{tev("1", 0, "a", "x"), tev("2", 1, "a", "x")}, []string{"1"}},
		{"tail pipe", &ir.EventQuery{Category: "any", Cond: in("name", "a"), Pipes: []ir.Pipe{{Kind: ir.PipeTail, N: 2}}},
			[]string{tev("1", 0, "a", "x"), tev("2", 1, "a", "x"), tev("3", 2, "a", "x")}, []string{"2", "3"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, _ := runIDs(t, c.q, Options{}, c.events...)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestSequenceStateCap(t *testing.T) {
	q := seqOf(0, stage(named("a")), stage(named("b")))
	var events []string
	for i := range 3 {
		events = append(events, tev(fmt.Sprint("a", i), i, "a", fmt.Sprint("k", i)))
	}
	for i := range 3 {
		events = append(events, tev(fmt.Sprint("b", i), 10+i, "b", fmt.Sprint("k", i)))
	}
	got, st := runIDs(t, q, Options{MaxState: 2}, events...)
	if want := []string{"a1,b1", "a2,b2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v (the oldest pending sequence is dropped)", got, want)
	}
	if st.Dropped[0] != 1 {
		t.Errorf("Dropped = %v, want 1", st.Dropped)
	}
}

func TestSequenceWithoutTimestampIsSkipped(t *testing.T) {
	q := seqOf(time.Minute, stage(named("a")), stage(named("b")))
	got, st := runIDs(t, q, Options{}, `{"event":{"id":"1","category":["process"]},"name":"a","k":"x"}`, tev("2", 0, "b", "x"))
	if len(got) != 0 || st.NoTimestamp != 1 {
		t.Errorf("got %v, NoTimestamp %d", got, st.NoTimestamp)
	}
}

func TestJoinKeysAreReported(t *testing.T) {
	prog, _ := Compile([]*ir.Rule{rule("t", seqOf(0, stage(named("a")), stage(named("b"))))}, Options{})
	var keys []ir.Value
	eng := prog.NewEngine()
	for _, e := range []string{tev("1", 0, "a", "x"), tev("2", 1, "b", "x")} {
		if err := eng.Process([]byte(e), func(m Match) { keys = m.Keys }); err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(keys, []ir.Value{ir.StringValue("x")}) {
		t.Errorf("keys = %v", keys)
	}
}

func TestBadInput(t *testing.T) {
	prog, _ := Compile([]*ir.Rule{rule("t", evq("any", in("process.name", "nc")))}, Options{})
	eng := prog.NewEngine()
	var bad []string
	var hits int
	input := "{\"process\":{\"name\":\"nc\"}}\nnot json\n\n{\"process\":{\"name\":{\"x\":1}}}\n{\"process\":\"nc\"}\n{\"process\":{\"name\":\"nc\"}} x\n{\"process\":{\"name\":\"nc\"}}\n{\"process\":{\"x\":{\\\"}},\"process.name\":\"nc\"}"
	err := eng.Run(strings.NewReader(input), func(Match) { hits++ }, func(line int64, e *InputError) error {
		bad = append(bad, fmt.Sprintf("%d:%v:%v", line, e.Evaluated, e))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"2:false:column 1: expected a JSON object",
		`4:true:field "process.name": found an object where a value was expected`,
		`5:true:field "process": found a string where an object was expected`,
		"6:false:column 27: unexpected data after the JSON object",
		`8:false:column 18: unexpected '\' outside a string`,
	}
	if !reflect.DeepEqual(bad, want) {
		t.Errorf("bad = %q\nwant %q", bad, want)
	}
	if hits != 2 {
		t.Errorf("hits = %d, want 2", hits)
	}
	if st := eng.Stats(); st.Events != 7 || st.BadEvents != 5 {
		t.Errorf("stats = %+v", st)
	}
}

// Match.Nums must name the events a match holds: a sequence or sample records
// the number of the event that filled each stage, not the next one.
func TestMatchNumbersNameTheirEvents(t *testing.T) {
	k := []ir.Expr{fld("k")}
	for _, tc := range []struct {
		name string
		q    ir.Query
	}{
		{"sequence", &ir.Sequence{By: k, Stages: []*ir.Stage{stage(named("a")), stage(named("b"))}}},
		{"sample", &ir.Sample{By: k, Stages: []*ir.Stage{stage(named("a")), stage(named("b"))}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prog, diags := Compile([]*ir.Rule{rule("t", tc.q)}, Options{})
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			eng := prog.NewEngine()
			var nums []int64
			for _, e := range []string{tev("0", 0, "x", "k"), tev("1", 1, "a", "k"), tev("2", 2, "x", "k"), tev("3", 3, "b", "k")} {
				if err := eng.Process([]byte(e), func(m Match) { nums = append([]int64(nil), m.Nums...) }); err != nil {
					t.Fatal(err)
				}
			}
			if want := []int64{1, 3}; !reflect.DeepEqual(nums, want) {
				t.Errorf("Nums = %v, want %v", nums, want)
			}
		})
	}
}
