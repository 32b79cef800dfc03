package sigmatest

import (
	"slices"
	"testing"
	"time"
)

const stages = `title: A
name: stage_a
logsource:
    category: process_creation
detection:
    selection:
        Image|endswith: '/bash'
    condition: selection
---
title: B
name: stage_b
logsource:
    category: process_creation
detection:
    selection:
        Image|endswith: '/nc'
    condition: selection
---
`

func runCorrelation(t *testing.T, corr string, events []Timed) [][]int {
	t.Helper()
	docs, err := ReadDocs([]byte(stages + corr))
	if err != nil {
		t.Fatal(err)
	}
	var base []*Rule
	for _, d := range docs[:2] {
		r, err := Compile(d)
		if err != nil {
			t.Fatal(err)
		}
		base = append(base, r)
	}
	c, err := CompileCorrelation(docs[2], base)
	if err != nil {
		t.Fatal(err)
	}
	return c.Run(events, func(*Rule, Event) bool { return true })
}

func TestTemporalOrderedNeedsOrderGroupAndWindow(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(s int, img, guid string) Timed {
		return Timed{Event: Event{"Image": img, "ProcessGuid": guid}, Time: t0.Add(time.Duration(s) * time.Second)}
	}
	corr := "title: C\ncorrelation:\n    type: temporal_ordered\n    rules:\n        - stage_a\n        - stage_b\n    group-by:\n        - ProcessGuid\n    timespan: 30s\n"
	events := []Timed{
		at(0, "/bin/nc", "g1"),    // 0: b before a: no match
		at(1, "/bin/bash", "g1"),  // 1
		at(2, "/bin/nc", "g2"),    // 2: other group
		at(5, "/bin/nc", "g1"),    // 3: completes 1
		at(10, "/bin/bash", "g3"), // 4
		at(50, "/bin/nc", "g3"),   // 5: too late
		at(60, "/bin/bash", "g4"), // 6
		at(61, "/bin/nc", ""),     // 7: no group value... "" is a value, other group
	}
	got := runCorrelation(t, corr, events)
	want := [][]int{{1, 3}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestTemporalAcceptsAnyOrder(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(s int, img, guid string) Timed {
		return Timed{Event: Event{"Image": img, "ProcessGuid": guid}, Time: t0.Add(time.Duration(s) * time.Second)}
	}
	corr := "title: C\ncorrelation:\n    type: temporal\n    rules:\n        - stage_a\n        - stage_b\n    group-by:\n        - ProcessGuid\n    timespan: 1m\n"
	got := runCorrelation(t, corr, []Timed{at(0, "/bin/nc", "g1"), at(1, "/bin/bash", "g1"), at(2, "/bin/bash", "g2")})
	want := [][]int{{1, 0}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestAliasesJoinDifferentlyNamedFields(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	corr := "title: C\ncorrelation:\n    type: temporal_ordered\n    rules:\n        - stage_a\n        - stage_b\n    aliases:\n        pid:\n            stage_a: ProcessId\n            stage_b: ParentProcessId\n    group-by:\n        - pid\n    timespan: 10s\n"
	events := []Timed{
		{Event: Event{"Image": "/bin/bash", "ProcessId": 7.0}, Time: t0},
		{Event: Event{"Image": "/bin/nc", "ProcessId": 8.0, "ParentProcessId": 7.0}, Time: t0.Add(time.Second)},
	}
	got := runCorrelation(t, corr, events)
	if !slices.EqualFunc(got, [][]int{{0, 1}}, slices.Equal) {
		t.Errorf("got %v", got)
	}
}
