package sigma

import (
	"fmt"
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/eqlx/eqlx/ir"
)

// sequence writes an EQL sequence as its stage rules (each with a `name`)
// followed by a temporal_ordered correlation over them: group-by from the
// join keys (aliases when the stages join on differently named fields),
// timespan from maxspan.
func (t *translator) sequence(m ir.Meta, q *ir.Sequence) [][]byte {
	if q.Until != nil {
		t.unsupported(q.Until.Span, "sigma/unsupported-until", "until has no Sigma form: a correlation cannot be cancelled by an event")
	}
	for _, s := range q.Stages {
		if s.Missing {
			t.unsupported(s.Span, "sigma/unsupported-missing-event", "a missing-event stage ![...] has no Sigma v2 form (temporal correlations count events that happened)")
		}
	}
	if q.MaxSpan == nil {
		t.approx(q.Span, "sigma/approx-timespan", "the sequence has no maxspan; Sigma needs a timespan: 24h")
	}
	return t.correlate(m, "temporal_ordered", q.Span, q.By, q.MaxSpan, q.Stages)
}

// sample writes an EQL sample as a temporal (unordered) correlation. A
// sample has no time bound and Sigma needs one: approximate.
func (t *translator) sample(m ir.Meta, q *ir.Sample) [][]byte {
	t.approx(q.Span, "sigma/approx-sample", "a sample has no time bound and Elasticsearch returns one sample per key; the temporal correlation fires on every complete set within 24h")
	return t.correlate(m, "temporal", q.Span, q.By, nil, q.Stages)
}

// correlate writes the stage rules and the correlation of a sequence or
// sample. A stage `with runs=N` becomes N stage rules with the same
// detection.
func (t *translator) correlate(m ir.Meta, kind string, span ir.Span, by []ir.Expr, maxspan *ir.Duration, stages []*ir.Stage) [][]byte {
	var expanded []*ir.Stage
	for _, s := range stages {
		n := max(s.Runs, 1)
		if n > 1 {
			t.approx(s.Span, "sigma/approx-runs", "with runs=%d is written as %d stage rules with the same detection (engines may let one event fill several)", s.Runs, n)
		}
		for range n {
			expanded = append(expanded, s)
		}
	}
	stages = expanded
	if len(stages) < 2 && len(t.unsup) == 0 {
		t.unsupported(span, "sigma/unsupported-sequence", "a one-stage sequence has no %s form (it needs two rules)", kind)
	}
	if len(t.unsup) > 0 {
		return nil
	}
	base := slug(title(m), 60)
	var docs [][]byte
	var names []string
	for i, s := range stages {
		name := fmt.Sprintf("%s_stage_%d", base, i+1)
		names = append(names, name)
		info := docInfo{
			title:       fmt.Sprintf("%s (Stage %d)", title(m), i+1),
			id:          uuid5(fmt.Sprintf("%s/stage/%d", ruleKey(m), i+1)),
			name:        name,
			description: fmt.Sprintf("Stage %d of %d of the correlation %q. %s", i+1, len(stages), title(m), description(m)),
		}
		doc, _ := t.eventDoc(m, s.Query, info)
		docs = append(docs, encode(doc))
	}
	// Join keys: the sequence's by, then each stage's own.
	nkeys := len(by) + len(stages[0].By)
	groupBy := seq()
	aliases := mapping()
	for k := 0; k < nkeys; k++ {
		var fields []string
		for _, s := range stages {
			keys := append(append([]ir.Expr{}, by...), s.By...)
			if k >= len(keys) {
				t.unsupported(s.Span, "sigma/unsupported-keys", "stages have different numbers of join keys")
				return nil
			}
			f, ok := keys[k].(*ir.Field)
			if !ok {
				t.unsupported(keys[k].Loc(), "sigma/unsupported-keys", "join key %s is computed: Sigma groups by fields only", ir.PrintExpr(keys[k]))
				return nil
			}
			tg := t.target(f)
			if tg.Kind != Rename {
				t.approx(f.Span, "sigma/approx-key", "join key %s groups by %s, a finer key", f.Path, tg.Field)
			}
			fields = append(fields, tg.Field)
		}
		same := true
		for _, f := range fields {
			same = same && f == fields[0]
		}
		if same {
			// Two keys on one Sigma field (process.name and
			// process.executable both give Image) group once.
			if !slices.ContainsFunc(groupBy.Content, func(n *yaml.Node) bool { return n.Value == fields[0] }) {
				groupBy.Content = append(groupBy.Content, plain(fields[0]))
			}
			continue
		}
		alias := fmt.Sprintf("join_key_%d", k+1)
		am := mapping()
		for i, f := range fields {
			add(am, names[i], plain(f))
		}
		add(aliases, alias, am)
		groupBy.Content = append(groupBy.Content, plain(alias))
	}
	if nkeys == 0 {
		t.approx(span, "sigma/approx-no-keys", "a sequence without join keys correlates every event: group-by is required, so the rule groups by host.name")
		if t.mode == Taxonomy {
			t.warn(span, "sigma/non-taxonomy-field", "host.name has no Sigma taxonomy name: kept as is (SigmaHQ rejects it)")
		}
		groupBy.Content = append(groupBy.Content, plain("host.name"))
	}
	timespan := "24h"
	if maxspan != nil {
		d := *maxspan
		switch d.Unit {
		case "ms":
			secs := (d.Value + 999) / 1000
			timespan = fmt.Sprintf("%ds", max(secs, 1))
			if d.Value%1000 != 0 {
				t.approx(span, "sigma/approx-timespan", "maxspan=%s rounded up to %s (Sigma timespans have no milliseconds)", d, timespan)
			}
		default:
			timespan = d.String()
		}
	}
	corr := mapping()
	t.header(corr, m, docInfo{title: title(m), id: RuleUUID(m), description: description(m)})
	cn := mapping()
	add(cn, "type", plain(kind))
	add(cn, "rules", strList(names, plain))
	if len(aliases.Content) > 0 {
		add(cn, "aliases", aliases)
	}
	add(cn, "group-by", groupBy)
	add(cn, "timespan", plain(timespan))
	add(corr, "correlation", cn)
	t.footer(corr, m)
	return append(docs, encode(corr))
}
