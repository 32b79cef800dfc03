package sigma

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// selection is one named search identifier: a map of items (AND).
type selection struct {
	name  string
	items []*item
}

// cond is the condition over selections.
type cond interface{ isCond() }

type refC struct{ sel *selection }
type andC struct{ terms []cond }
type orC struct{ terms []cond }
type notC struct{ x cond }

func (*refC) isCond() {}
func (*andC) isCond() {}
func (*orC) isCond()  {}
func (*notC) isCond() {}

// detection is a rule's detection: its selections, in output order, and its
// condition.
type detection struct {
	sels      []*selection
	condition string
}

// builder assigns items to named selections.
type builder struct {
	sels  []*selection
	names map[string]bool
}

// buildDetection turns a simplified node tree into selections and a
// condition SigmaHQ-style: positive parts are selection_*, negated parts
// filter_main_* (filter_* when nested), and the condition uses
// `all of selection_*` / `1 of filter_main_*` where the names allow it.
func buildDetection(n node) detection {
	b := &builder{names: map[string]bool{}}
	c := b.build(n, "selection", 0)
	// A lone selection is just "selection", as SigmaHQ writes it.
	var pos []*selection
	for _, s := range b.sels {
		if strings.HasPrefix(s.name, "selection") {
			pos = append(pos, s)
		}
	}
	if len(pos) == 1 {
		pos[0].name = "selection"
	}
	// Selections first, then filters, each in the order built.
	sels := slices.Clone(b.sels)
	slices.SortStableFunc(sels, func(a, b *selection) int {
		return boolInt(strings.HasPrefix(a.name, "filter")) - boolInt(strings.HasPrefix(b.name, "filter"))
	})
	d := detection{sels: sels}
	d.condition = render(c, 0, sels)
	return d
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (b *builder) build(n node, role string, depth int) cond {
	switch n := n.(type) {
	case *item:
		return b.newSel(role, []*item{n})
	case *andN:
		var maps [][]*item
		var rest []node
		for _, x := range n.terms {
			it, ok := x.(*item)
			if !ok {
				rest = append(rest, x)
				continue
			}
			placed := false
			for i, m := range maps {
				if !slices.ContainsFunc(m, func(o *item) bool { return o.key() == it.key() }) {
					maps[i] = append(m, it)
					placed = true
					break
				}
			}
			if !placed {
				maps = append(maps, []*item{it})
			}
		}
		var cs []cond
		for _, m := range maps {
			cs = append(cs, b.newSel(role, m))
		}
		for _, x := range rest {
			cs = append(cs, b.build(x, role, depth+1))
		}
		if len(cs) == 1 {
			return cs[0]
		}
		return &andC{terms: cs}
	case *orN:
		o := &orC{}
		for _, x := range n.terms {
			o.terms = append(o.terms, b.build(x, role, depth+1))
		}
		return o
	case *notN:
		next := "selection"
		if role == "selection" {
			next = "filter"
			if depth <= 1 {
				next = "filter_main"
			}
		}
		return &notC{x: b.build(n.x, next, depth+1)}
	}
	return &andC{}
}

// short names SigmaHQ uses for common fields in selection names.
var shortNames = map[string]string{
	"Image": "img", "CommandLine": "cli", "ParentImage": "parent_img", "ParentCommandLine": "parent_cli",
	"CurrentDirectory": "currentdir", "User": "user", "TargetFilename": "target", "ProcessId": "pid",
	"ParentProcessId": "ppid", "DestinationIp": "dst_ip", "DestinationPort": "dst_port", "SourceIp": "src_ip",
	"SourcePort": "src_port", "DestinationHostname": "dst_host",
}

var nonIdent = regexp.MustCompile(`[^a-z0-9]+`)

func shortName(field string) string {
	if s, ok := shortNames[field]; ok {
		return s
	}
	s := strings.Trim(nonIdent.ReplaceAllString(strings.ToLower(field), "_"), "_")
	if s == "" {
		s = "field"
	}
	return s
}

func (b *builder) newSel(role string, items []*item) cond {
	var parts []string
	for _, it := range items {
		s := shortName(it.field)
		if !slices.Contains(parts, s) {
			parts = append(parts, s)
		}
		if len(parts) == 2 {
			break
		}
	}
	if len(parts) == 2 && len(parts[0])+len(parts[1]) > 20 {
		parts = parts[:1] // keep names short enough to read in a condition
	}
	base := role + "_" + strings.Join(parts, "_")
	name := base
	for i := 2; b.names[name]; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	b.names[name] = true
	s := &selection{name: name, items: items}
	b.sels = append(b.sels, s)
	return &refC{sel: s}
}

// Precedence of the condition operators, loosest first.
const (
	precOr = iota + 1
	precAnd
	precNot
)

// withPrefix lists the names of sels that start with prefix.
func withPrefix(sels []*selection, prefix string) []string {
	var out []string
	for _, s := range sels {
		if strings.HasPrefix(s.name, prefix) {
			out = append(out, s.name)
		}
	}
	slices.Sort(out)
	return out
}

// covers reports whether names are exactly every selection named prefix*
// (so `1 of prefix*` / `all of prefix*` means them and nothing else).
func covers(names []string, sels []*selection, prefix string) bool {
	if len(names) < 2 {
		return false
	}
	for _, n := range names {
		if !strings.HasPrefix(n, prefix) {
			return false
		}
	}
	n := slices.Clone(names)
	slices.Sort(n)
	return slices.Equal(slices.Compact(n), withPrefix(sels, prefix))
}

var groupPrefixes = []string{"selection_", "filter_main_", "filter_"}

// refNames returns the names of c's terms when they all are plain refs.
func refNames(terms []cond) ([]string, bool) {
	var names []string
	for _, t := range terms {
		r, ok := t.(*refC)
		if !ok {
			return nil, false
		}
		names = append(names, r.sel.name)
	}
	return names, true
}

func render(c cond, outer int, sels []*selection) string {
	switch c := c.(type) {
	case *refC:
		return c.sel.name
	case *notC:
		return "not " + render(c.x, precNot, sels)
	case *orC:
		if names, ok := refNames(c.terms); ok {
			for _, p := range groupPrefixes {
				if covers(names, sels, p) {
					return "1 of " + p + "*"
				}
			}
		}
		return join(c.terms, " or ", precOr, outer, sels)
	case *andC:
		if names, ok := refNames(c.terms); ok {
			for _, p := range groupPrefixes {
				if covers(names, sels, p) {
					return "all of " + p + "*"
				}
			}
		}
		// Positive refs that are every selection_*, and negated filters
		// that are every filter_main_*, collapse to SigmaHQ's idiom.
		var pos, neg []string
		var others []cond
		for _, t := range c.terms {
			switch t := t.(type) {
			case *refC:
				pos = append(pos, t.sel.name)
				continue
			case *notC:
				if r, ok := t.x.(*refC); ok {
					neg = append(neg, r.sel.name)
					continue
				}
				if o, ok := t.x.(*orC); ok {
					if names, ok := refNames(o.terms); ok {
						neg = append(neg, names...)
						continue
					}
				}
			}
			others = append(others, t)
		}
		var parts []string
		if covers(pos, sels, "selection_") {
			parts = append(parts, "all of selection_*")
		} else {
			parts = append(parts, pos...)
		}
		for _, o := range others {
			parts = append(parts, render(o, precAnd, sels))
		}
		switch {
		case covers(neg, sels, "filter_main_"):
			parts = append(parts, "not 1 of filter_main_*")
		case covers(neg, sels, "filter_"):
			parts = append(parts, "not 1 of filter_*")
		default:
			for _, n := range neg {
				parts = append(parts, "not "+n)
			}
		}
		s := strings.Join(parts, " and ")
		// An and inside an or is parenthesised although and binds tighter:
		// people misread `a or b and c`.
		if outer != 0 && len(parts) > 1 {
			return "(" + s + ")"
		}
		return s
	}
	return ""
}

func join(terms []cond, op string, prec, outer int, sels []*selection) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = render(t, prec, sels)
	}
	s := strings.Join(parts, op)
	if outer > prec && len(parts) > 1 {
		return "(" + s + ")"
	}
	return s
}
