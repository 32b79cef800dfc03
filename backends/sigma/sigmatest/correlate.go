package sigmatest

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Correlation is a compiled temporal_ordered correlation rule.
type Correlation struct {
	Title    string
	rules    []*Rule
	fields   [][]string // per rule, the group-by field names (aliases resolved)
	timespan time.Duration
	ordered  bool
}

// CompileCorrelation reads a correlation document; rules are looked up by
// name or id among base.
func CompileCorrelation(d Doc, base []*Rule) (*Correlation, error) {
	c, ok := d["correlation"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("no correlation")
	}
	if c["type"] != "temporal_ordered" && c["type"] != "temporal" {
		return nil, fmt.Errorf("correlation type %v not supported by this evaluator", c["type"])
	}
	out := &Correlation{ordered: c["type"] == "temporal_ordered"}
	out.Title, _ = d["title"].(string)
	aliases, _ := c["aliases"].(map[string]any)
	for _, ref := range list(c["rules"]) {
		var found *Rule
		for _, r := range base {
			if r.Name == ref || r.ID == ref {
				found = r
			}
		}
		if found == nil {
			return nil, fmt.Errorf("rule %v not found", ref)
		}
		var fs []string
		for _, g := range list(c["group-by"]) {
			name, _ := g.(string)
			if a, ok := aliases[name].(map[string]any); ok {
				f, ok := a[found.Name].(string)
				if !ok {
					return nil, fmt.Errorf("alias %s has no field for rule %s", name, found.Name)
				}
				name = f
			}
			fs = append(fs, name)
		}
		out.rules = append(out.rules, found)
		out.fields = append(out.fields, fs)
	}
	ts, _ := c["timespan"].(string)
	d2, err := parseTimespan(ts)
	if err != nil {
		return nil, err
	}
	out.timespan = d2
	return out, nil
}

func parseTimespan(s string) (time.Duration, error) {
	if len(s) < 2 {
		return 0, fmt.Errorf("bad timespan %q", s)
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	unit := map[byte]time.Duration{'s': time.Second, 'm': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}[s[len(s)-1]]
	if err != nil || unit == 0 {
		return 0, fmt.Errorf("bad timespan %q", s)
	}
	return time.Duration(n) * unit, nil
}

// Timed is an event with its time; In says whether the event belongs to a
// rule's logsource (the caller's adapter decides).
type Timed struct {
	Event Event
	Time  time.Time
}

// Run finds the matches of the correlation over events in stream order.
// Each match lists the indices of its events, one per rule, in order.
// Events are grouped by the group-by values; an event without them takes
// no part. Within a group a chain starts at an event of the first rule and
// is extended by events of the following rules, in order, while the time
// since its first event is within the timespan; one event fills one place.
// As the specification leaves overlapping chains open, a newer chain
// waiting for the same rule replaces an older one.
func (c *Correlation) Run(events []Timed, in func(r *Rule, ev Event) bool) [][]int {
	if !c.ordered {
		return c.runUnordered(events, in)
	}
	type chain struct {
		start time.Time
		idx   []int
	}
	// pending[group][k]: the chain waiting for rule k.
	pending := map[string]map[int]*chain{}
	var out [][]int
	for i, te := range events {
		for k := len(c.rules) - 1; k >= 0; k-- {
			r := c.rules[k]
			if !in(r, te.Event) || !r.Match(te.Event) {
				continue
			}
			key, ok := groupKey(te.Event, c.fields[k])
			if !ok {
				continue
			}
			g := pending[key]
			if g == nil {
				g = map[int]*chain{}
				pending[key] = g
			}
			if k == 0 {
				g[1] = &chain{start: te.Time, idx: []int{i}}
				if len(c.rules) == 1 {
					out = append(out, []int{i})
					delete(g, 1)
				}
				break
			}
			ch := g[k]
			if ch == nil || te.Time.Sub(ch.start) > c.timespan {
				continue
			}
			delete(g, k)
			ch.idx = append(ch.idx, i)
			if k == len(c.rules)-1 {
				out = append(out, ch.idx)
			} else {
				g[k+1] = ch
			}
			break
		}
	}
	return out
}

func groupKey(ev Event, fields []string) (string, bool) {
	var parts []string
	for _, f := range fields {
		vs := values(ev, f)
		if len(vs) != 1 {
			return "", false
		}
		parts = append(parts, fmt.Sprint(vs[0]))
	}
	return strings.Join(parts, "\x00"), true
}

// runUnordered is `temporal`: within a group, one event per rule in any
// order, all within the timespan of the first; an event fills the first
// free place whose rule it matches; a full set is a match and the group
// starts over.
func (c *Correlation) runUnordered(events []Timed, in func(r *Rule, ev Event) bool) [][]int {
	type set struct {
		start time.Time
		idx   []int // -1: not yet filled
	}
	pending := map[string]*set{}
	var out [][]int
	for i, te := range events {
		for k, r := range c.rules {
			if !in(r, te.Event) || !r.Match(te.Event) {
				continue
			}
			key, ok := groupKey(te.Event, c.fields[k])
			if !ok {
				continue
			}
			s := pending[key]
			if s != nil && te.Time.Sub(s.start) > c.timespan {
				s = nil
			}
			if s == nil {
				s = &set{start: te.Time, idx: make([]int, len(c.rules))}
				for j := range s.idx {
					s.idx[j] = -1
				}
				pending[key] = s
			}
			if s.idx[k] >= 0 {
				continue
			}
			s.idx[k] = i
			full := true
			for _, x := range s.idx {
				full = full && x >= 0
			}
			if full {
				out = append(out, s.idx)
				delete(pending, key)
			}
			break
		}
	}
	return out
}
