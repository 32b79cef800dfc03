package falco

import (
	"cmp"
	"slices"
	"strings"

	"github.com/eqlx/eqlx/ir"
)

// Backend is the backend's name in reports.
const Backend = "falco"

// Converted is one rule translated to a Falco condition.
type Converted struct {
	Rule *ir.Rule
	// Name is the rule's name (Render makes names unique across a file).
	Name string
	// Condition is a standalone filter: no macro or list references, so it
	// can be given to Falco or (with Portable) to `sysdig -r file '<cond>'`.
	// Empty when Fidelity is Unsupported.
	Condition string
	Fidelity  ir.Fidelity
	// Reasons say why the rule is approximate or unsupported, sorted by
	// position.
	Reasons  []ir.Finding
	Warnings ir.Diagnostics
}

// converted is Convert's result with what Render needs besides.
type converted struct {
	Converted
	root   node
	since  int      // the newest Falco minor release a check needs
	fields []string // the Falco fields the condition tests, in first-use order
}

// Convert translates one rule.
func Convert(r *ir.Rule, opt Options) Converted {
	return convert(r, opt).Converted
}

func convert(r *ir.Rule, opt Options) converted {
	c := converted{Converted: Converted{Rule: r, Name: r.Meta.Name}}
	t := &tr{v: opt.version(), fm: opt.fields()}
	var unsup []ir.Finding
	switch q := r.Query.(type) {
	case *ir.Sequence:
		unsup = append(unsup, ir.Finding{Span: q.Span, Code: "falco/unsupported-sequence", Reason: "Falco rules match single events: a sequence has no Falco equivalent"})
		if q.Until != nil {
			unsup = append(unsup, ir.Finding{Span: q.Until.Span, Code: "falco/unsupported-until", Reason: "until has no Falco equivalent"})
		}
	case *ir.Sample:
		unsup = append(unsup, ir.Finding{Span: q.Span, Code: "falco/unsupported-sample", Reason: "Falco rules match single events: a sample has no Falco equivalent"})
	case *ir.EventQuery:
		for _, p := range q.Pipes {
			unsup = append(unsup, ir.Finding{Span: p.Span, Code: "falco/unsupported-pipe", Reason: "| " + p.Kind.String() + " has no Falco equivalent: Falco reports every matching event"})
		}
		c.root = t.eventQuery(q)
		if c.root == nil {
			switch {
			case t.osSpan != nil:
				unsup = append(unsup, ir.Finding{Span: *t.osSpan, Code: "falco/unsupported-os", Reason: "the rule is for another operating system than Linux"})
			case len(t.missed) > 0:
				unsup = append(unsup, ir.Finding{Span: q.Span, Code: "falco/unsupported-event", Reason: "eqlx does not translate " + strings.Join(t.missed, " and ") + " events"})
			case !q.IsAny() && q.Category != "process" && q.Category != "file":
				unsup = append(unsup, ir.Finding{Span: q.Span, Code: "falco/unsupported-category", Reason: "event category " + q.Category + ": eqlx translates process events (exec, fork, exit) and file creations and changes only"})
			default:
				unsup = append(unsup, ir.Finding{Span: q.Span, Code: "falco/unsupported-event", Reason: "no event eqlx translates (process exec, fork, exit; file creation, change) has the event.type / event.action / event.category the rule asks for"})
			}
		}
	default:
		unsup = append(unsup, ir.Finding{Code: "falco/unsupported-query", Reason: "unknown query type"})
	}
	var reasons []ir.Finding
	if c.root != nil {
		seen := map[string]bool{}
		walk(c.root, func(n node) {
			switch v := n.(type) {
			case badN:
				unsup = append(unsup, v.f)
			case *checkN:
				c.since = max(c.since, v.since)
				reasons = append(reasons, v.why...)
				f := strings.TrimSuffix(strings.TrimPrefix(v.field, "tolower("), ")")
				if !seen[f] {
					seen[f] = true
					c.fields = append(c.fields, f)
				}
			}
		})
	}
	switch {
	case len(unsup) > 0:
		c.Fidelity = ir.Unsupported
		c.Reasons = sortFindings(unsup)
		c.root = nil
	case len(reasons) > 0:
		c.Fidelity = ir.Approximate
		c.Reasons = sortFindings(reasons)
	default:
		c.Fidelity = ir.Exact
	}
	if c.root != nil {
		c.Condition = render(c.root)
	}
	c.Warnings = t.warns
	c.Warnings.Sort()
	return c
}

// sortFindings orders findings by position and code and drops repeats.
func sortFindings(fs []ir.Finding) []ir.Finding {
	slices.SortStableFunc(fs, func(a, b ir.Finding) int {
		return cmp.Or(
			cmp.Compare(a.Span.Start.File, b.Span.Start.File),
			cmp.Compare(a.Span.Start.Offset, b.Span.Start.Offset),
			cmp.Compare(a.Code, b.Code),
			cmp.Compare(a.Reason, b.Reason),
		)
	})
	return slices.CompactFunc(fs, func(a, b ir.Finding) bool {
		return a.Span.Start == b.Span.Start && a.Code == b.Code && a.Reason == b.Reason
	})
}

// eventQuery translates an event query once per event kind and joins the
// kinds whose conditions survive: nil when none does.
func (t *tr) eventQuery(q *ir.EventQuery) node {
	var cat ir.Expr
	if !q.IsAny() {
		field := q.CategoryField
		if field == "" {
			field = ir.CategoryField
		}
		cat = &ir.In{Span: q.Span, X: &ir.Field{Span: q.Span, Path: field}, Values: []ir.Value{ir.StringValue(q.Category)}}
	}
	type group struct {
		kinds []*evKind
		cond  node
	}
	var groups []*group
	var missed []string
	byText := map[string]*group{}
	for i := range kinds {
		k := &kinds[i]
		t.kind = k
		n := mkAnd(t.expr(cat), t.expr(q.Cond))
		if n == falseN {
			continue
		}
		if k.none {
			missed = append(missed, k.name)
			continue
		}
		key := render(n)
		if g := byText[key]; g != nil {
			g.kinds = append(g.kinds, k)
			continue
		}
		g := &group{kinds: []*evKind{k}, cond: n}
		byText[key] = g
		groups = append(groups, g)
	}
	t.missed = missed
	if len(groups) == 0 {
		return nil
	}
	var alts []node
	for _, g := range groups {
		alts = append(alts, mkAnd(t.kindCheck(g.kinds, q.Span), g.cond))
	}
	n := mkOr(alts...)
	if len(missed) > 0 {
		n = annotate(n, approx(q.Span, "falco/approx-event-kinds", "the rule also matches %s events, which eqlx does not translate", strings.Join(missed, " and ")))
	}
	return n
}

// kindCheck is the evt.type test for a set of event kinds: the plain
// kinds' event types merged, forks and file kinds with their extra checks.
func (t *tr) kindCheck(ks []*evKind, span ir.Span) node {
	var plain, noDir []string
	var extras []node
	for _, k := range ks {
		switch {
		case k.name == "fork":
			fork := mkAnd(evtTypes(k.evt), check("evt.rawres", "=", 0, nil, "0"))
			extras = append(extras, annotate(fork, approx(span, "falco/approx-fork", "an ECS fork event is the child's return from clone/clone3/fork/vfork in Falco, which also sees threads created by clone")))
		case k.name == "create" && t.v == Current:
			n := mkAnd(evtTypes(k.evt), check("evt.is_open_create", "=", 36, nil, "true"), check("fd.num", ">=", 0, nil, "0"))
			extras = append(extras, annotate(n, approx(span, "falco/approx-file-create", "Falco sees files created by open, openat, openat2 and creat; other ways to create a file (link, rename, mknod) are not seen")))
		case k.name == "create":
			n := mkAnd(evtTypes(k.evt[:3]), check("evt.arg.flags", "contains", 0, nil, "O_CREAT"), check("fd.num", ">=", 0, nil, "0"))
			extras = append(extras, annotate(n, approx(span, "falco/approx-file-create", "sysdig 0.29.3 cannot tell a created file: an open with O_CREAT stands for it")))
		case k.name == "write":
			n := mkAnd(evtTypes(k.evt), check("evt.is_open_write", "=", 0, nil, "true"), check("fd.num", ">=", 0, nil, "0"))
			extras = append(extras, annotate(n, approx(span, "falco/approx-file-write", "an open for writing stands for a change of the file")))
		case k.noDir:
			noDir = append(noDir, k.evt...)
		default:
			plain = append(plain, k.evt...)
		}
	}
	starts := mkOr(append([]node{evtTypes(plain)}, extras...)...)
	if t.v == Portable && starts != falseN {
		// Enter events still describe the state before the call: only
		// exit events carry the new process or the opened file. Falco
		// >= 0.42 has no enter events, and procexit is an enter event, so
		// it is left out of this.
		starts = mkAnd(check("evt.dir", "=", 0, nil, "<"), starts)
	}
	return mkOr(starts, evtTypes(noDir))
}

func evtTypes(ts []string) node {
	switch len(ts) {
	case 0:
		return falseN
	case 1:
		return check("evt.type", "=", 0, nil, ts...)
	}
	return check("evt.type", "in", 0, nil, ts...)
}
