package sigma

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/eqlx/eqlx/ir"
)

// Backend is the backend's name in reports.
const Backend = "sigma"

// StreamFile is the name of the single file Emit returns with Stream set.
const StreamFile = "sigma.yml"

// Emit converts rules to Sigma. Without opt.Stream it returns one file per
// convertible rule, named SigmaHQ-style (proc_creation_lnx_<title>.yml;
// correlation_<title>.yml for a sequence, holding its base rules and the
// correlation); with opt.Stream one multi-document file, StreamFile. The
// report says, per rule in input order, whether the output is exact,
// approximate (with reasons) or unsupported (no output, with reasons).
func Emit(rules []*ir.Rule, opt Options) ([]ir.File, ir.Report) {
	var files []ir.File
	var rep ir.Report
	used := map[string]bool{}
	var stream [][]byte
	for _, r := range rules {
		c := convert(r, opt)
		rr := ir.RuleReport{File: r.Meta.File, RuleID: r.Meta.RuleID, Name: r.Meta.Name, Backend: Backend, Warnings: c.warns}
		switch {
		case len(c.unsup) > 0:
			rr.Fidelity = ir.Unsupported
			rr.Reasons = c.unsup
		case len(c.reasons) > 0 && opt.Strict:
			rr.Fidelity = ir.Unsupported
			rr.Reasons = append(slices.Clone(c.reasons), ir.Finding{Span: r.Query.Loc(), Code: "sigma/strict", Reason: "approximate translation refused by --strict"})
		case len(c.reasons) > 0:
			rr.Fidelity = ir.Approximate
			rr.Reasons = c.reasons
		default:
			rr.Fidelity = ir.Exact
		}
		rep.Rules = append(rep.Rules, rr)
		if rr.Fidelity == ir.Unsupported {
			continue
		}
		if opt.Stream {
			stream = append(stream, c.docs...)
			continue
		}
		name := c.file
		for i := 2; used[name]; i++ {
			name = fmt.Sprintf("%s_%d", strings.TrimSuffix(c.file, ".yml"), i) + ".yml"
		}
		used[name] = true
		files = append(files, ir.File{Path: name, Data: joinDocs(c.docs)})
	}
	if opt.Stream && len(stream) > 0 {
		files = append(files, ir.File{Path: StreamFile, Data: joinDocs(stream)})
	}
	return files, rep
}

// joinDocs writes documents as one YAML stream: no leading marker (SigmaHQ's
// yamllint forbids it), "---" between documents.
func joinDocs(docs [][]byte) []byte {
	return bytes.Join(docs, []byte("---\n"))
}

// converted is one rule's output: its YAML documents and file name, and
// the findings.
type converted struct {
	docs    [][]byte
	file    string
	reasons []ir.Finding
	unsup   []ir.Finding
	warns   ir.Diagnostics
}

func convert(r *ir.Rule, opt Options) converted {
	t := newTranslator(opt)
	var c converted
	switch q := r.Query.(type) {
	case *ir.EventQuery:
		doc, ls := t.eventDoc(r.Meta, q, docInfo{title: title(r.Meta), id: RuleUUID(r.Meta), description: description(r.Meta)})
		c.docs = [][]byte{encode(doc)}
		c.file = ls.prefix() + slug(title(r.Meta), 90-len(ls.prefix())-4) + ".yml"
	case *ir.Sequence:
		c.docs = t.sequence(r.Meta, q)
		c.file = "correlation_" + slug(title(r.Meta), 90-len("correlation_")-4) + ".yml"
	case *ir.Sample:
		c.docs = t.sample(r.Meta, q)
		c.file = "correlation_" + slug(title(r.Meta), 90-len("correlation_")-4) + ".yml"
	default:
		t.unsupported(ir.Span{}, "sigma/unsupported-query", "unknown query type %T", r.Query)
	}
	if len(r.Query.PipeList()) > 0 {
		p := r.Query.PipeList()[0]
		t.approx(p.Span, "sigma/approx-pipe", "| %s %d has no Sigma form: every match is reported", p.Kind, p.N)
	}
	c.reasons, c.unsup, c.warns = t.reasons, t.unsup, t.warns
	c.warns.Sort()
	return c
}

// docInfo is what differs between a stand-alone rule and a sequence stage.
type docInfo struct {
	title, id, name, description string
}

// logsource is a Sigma logsource.
type logsource struct {
	product, category string
}

// prefix is the SigmaHQ file-name prefix for the logsource
// (sigmahq_filename.json).
func (ls logsource) prefix() string {
	os := map[string]string{"linux": "lnx", "windows": "win", "macos": "macos"}[ls.product]
	if os == "" {
		os = slug(ls.product, 20)
		if ls.product == "" {
			os = "any"
		}
	}
	switch ls.category {
	case "process_creation":
		return "proc_creation_" + os + "_"
	case "file_event":
		return "file_event_" + os + "_"
	case "file_delete":
		return "file_delete_" + os + "_"
	case "network_connection":
		return "net_connection_" + os + "_"
	case "":
		return os + "_"
	}
	return ls.category + "_" + os + "_"
}

// categories maps EQL event categories to Sigma logsource categories.
var categories = map[string]string{
	"process": "process_creation", "file": "file_event", "network": "network_connection",
	"registry": "registry_event", "library": "image_load", "driver": "driver_load", "dns": "dns_query",
}

// execActions are event.action values that name a process start in the
// data sources of the corpus; forkActions are process starts that
// process_creation (an exec) does not hold.
var execActions = map[string]bool{"exec": true, "exec_event": true, "start": true, "executed": true,
	"process_started": true, "ProcessRollup2": true, "executed-process": true}
var forkActions = map[string]bool{"fork": true, "fork_event": true}

// createActions are the event.type / event.action values of a file
// creation in the data sources of the corpus (Sigma file_event).
var createActions = map[string]bool{"creation": true, "file_create_event": true, "FileCreate": true}

// conjuncts splits a condition at its top-level ands.
func conjuncts(e ir.Expr) []ir.Expr {
	if e == nil {
		return nil
	}
	if a, ok := e.(*ir.And); ok {
		var out []ir.Expr
		for _, x := range a.Terms {
			out = append(out, conjuncts(x)...)
		}
		return out
	}
	return []ir.Expr{e}
}

// fieldIn returns the field path and string values of `f in (...)`.
func fieldIn(e ir.Expr) (string, []string, *ir.In) {
	in, ok := e.(*ir.In)
	if !ok {
		return "", nil, nil
	}
	f, ok := in.X.(*ir.Field)
	if !ok {
		return "", nil, nil
	}
	var vs []string
	for _, v := range in.Values {
		if v.Kind != ir.KindString {
			return "", nil, nil
		}
		vs = append(vs, v.Str)
	}
	return f.Path, vs, in
}

// logsource picks the logsource of an event query and returns the
// conjuncts it does not already express.
func (t *translator) logsource(m ir.Meta, q *ir.EventQuery) (logsource, []ir.Expr) {
	var ls logsource
	var rest []ir.Expr
	all := conjuncts(q.Cond)
	for _, c := range all {
		if path, vs, in := fieldIn(c); path == "host.os.type" && len(vs) == 1 && ls.product == "" {
			if in.CaseInsensitive || vs[0] == strings.ToLower(vs[0]) {
				ls.product = strings.ToLower(vs[0])
				// In Taxonomy mode the product is the OS test (SigmaHQ has
				// no OS field); ECS mode keeps the test, so events without
				// host.os.type still do not match.
				if t.mode == Taxonomy {
					continue
				}
			}
		}
		rest = append(rest, c)
	}
	if ls.product == "" {
		defer func() {
			if ls.product != "" && t.mode == Taxonomy {
				t.approx(q.Span, "sigma/approx-product", "product %s comes from the rule's tags: the query does not test host.os.type, so events of unknown OS are left out", ls.product)
			}
		}()
		for _, tag := range m.Tags {
			switch strings.ToLower(tag) {
			case "os: linux":
				ls.product = "linux"
			case "os: windows":
				ls.product = "windows"
			case "os: macos":
				ls.product = "macos"
			}
		}
	}
	catField := q.CategoryField
	if catField == "" {
		catField = ir.CategoryField
	}
	cat, known := categories[q.Category]
	if q.IsAny() {
		return ls, rest
	}
	if !known || catField != ir.CategoryField {
		// No Sigma category: test the category field in the detection.
		rest = append([]ir.Expr{&ir.In{Span: q.Span, X: &ir.Field{Span: q.Span, Path: catField}, Values: []ir.Value{ir.StringValue(q.Category)}}}, rest...)
		return ls, rest
	}
	ls.category = cat
	if t.mode == ECS {
		return ls, rest
	}
	return t.foldCategory(ls, q, rest)
}

// foldCategory drops the event.type / event.action tests that the Sigma
// category implies (Taxonomy mode: a process_creation event is a process
// start by exec; a file_event a creation), and reports the rule as
// approximate where the category is narrower than the EQL.
func (t *translator) foldCategory(ls logsource, q *ir.EventQuery, cs []ir.Expr) (logsource, []ir.Expr) {
	var rest []ir.Expr
	implied := false
	for _, c := range cs {
		path, vs, in := fieldIn(c)
		if n, ok := c.(*ir.Not); ok {
			if p, nv, _ := fieldIn(n.X); (p == "event.type" || p == "event.action") && len(nv) > 0 && !slices.ContainsFunc(nv, func(v string) bool {
				return v == "start" || v == "creation" || execActions[v]
			}) {
				continue // excluding end/deletion events: the category has none
			}
		}
		switch {
		case in != nil && path == "event.type" && ls.category == "process_creation" && slices.Contains(vs, "start"):
			implied = true
			for _, v := range vs {
				if v != "start" && v != "process_started" { // auditbeat's name for a start
					t.approx(in.Span, "sigma/approx-logsource", "event.type %q has no process_creation events", v)
				}
			}
			continue
		case in != nil && path == "event.action" && ls.category == "process_creation" && slices.ContainsFunc(vs, func(v string) bool { return execActions[v] }):
			implied = true
			for _, v := range vs {
				if forkActions[v] {
					t.approx(in.Span, "sigma/approx-fork", "event.action %q: fork events have no Sigma process_creation counterpart (only execs)", v)
				} else if !execActions[v] {
					t.approx(in.Span, "sigma/approx-logsource", "event.action %q has no process_creation counterpart", v)
				}
			}
			continue
		case in != nil && path == "event.type" && ls.category == "file_event" && len(vs) == 1 && vs[0] == "deletion":
			implied = true
			ls.category = "file_delete"
			continue
		case in != nil && ls.category == "file_event" && (path == "event.type" || path == "event.action") && slices.ContainsFunc(vs, func(v string) bool { return createActions[v] }):
			implied = true
			for _, v := range vs {
				if !createActions[v] {
					t.approx(in.Span, "sigma/approx-logsource", "%s %q has no file_event counterpart (file_event holds file creations)", path, v)
				}
			}
			continue
		}
		rest = append(rest, c)
	}
	if !implied {
		switch ls.category {
		case "process_creation":
			t.approx(q.Span, "sigma/approx-logsource", "the rule matches every process event; Sigma process_creation holds process starts only")
		case "file_event":
			t.approx(q.Span, "sigma/approx-logsource", "the rule matches every file event; Sigma file_event holds file creations only")
		}
	}
	return ls, rest
}

// eventDoc builds the document of one event query.
func (t *translator) eventDoc(m ir.Meta, q *ir.EventQuery, info docInfo) (*yaml.Node, logsource) {
	ls, rest := t.logsource(m, q)
	if len(rest) == 0 && !q.IsAny() {
		// Every event of the category matches (a sequence stage such as
		// [network where true]); Sigma needs a selection, so the category
		// test the logsource stands for is written out.
		catField := q.CategoryField
		if catField == "" {
			catField = ir.CategoryField
		}
		rest = []ir.Expr{&ir.In{Span: q.Span, X: &ir.Field{Span: q.Span, Path: catField}, Values: []ir.Value{ir.StringValue(q.Category)}}}
	}
	var n node
	if len(rest) > 0 {
		var e ir.Expr = &ir.And{Span: q.Span, Terms: rest}
		if len(rest) == 1 {
			e = rest[0]
		}
		n = simplify(expandGuards(simplify(t.expr(e))))
	}
	if n == nil && len(t.unsup) == 0 {
		t.unsupported(q.Span, "sigma/unsupported-empty", "nothing to detect besides the logsource: Sigma needs a selection")
	}
	doc := mapping()
	t.header(doc, m, info)
	lsn := mapping()
	if ls.category != "" {
		add(lsn, "category", plain(ls.category))
	}
	if ls.product != "" {
		add(lsn, "product", plain(ls.product))
	}
	add(doc, "logsource", lsn)
	det := mapping()
	if n != nil {
		d := buildDetection(n)
		for _, s := range d.sels {
			add(det, s.name, selectionNode(s))
		}
		add(det, "condition", plain(d.condition))
	}
	add(doc, "detection", det)
	t.footer(doc, m)
	return doc, ls
}

// selectionNode renders a selection's map.
func selectionNode(s *selection) *yaml.Node {
	mn := mapping()
	for _, it := range s.items {
		var v *yaml.Node
		if len(it.values) == 1 {
			v = scalar(it.values[0])
		} else {
			v = seq()
			for _, x := range it.values {
				v.Content = append(v.Content, scalar(x))
			}
		}
		add(mn, it.key(), v)
	}
	return mn
}

// header writes the keys before logsource, in SigmaHQ's order.
func (t *translator) header(doc *yaml.Node, m ir.Meta, info docInfo) {
	add(doc, "title", plain(info.title))
	add(doc, "id", plain(info.id))
	if m.Version > 0 && m.RuleID != "" && info.id == RuleUUID(m) {
		// An older version of a rule that also ships in its current
		// version (whose id is the UUID of the bare rule_id).
		rel := mapping()
		add(rel, "id", plain(uuid5(m.RuleID)))
		add(rel, "type", plain("similar"))
		add(doc, "related", seq(rel))
	}
	if info.name != "" {
		add(doc, "name", plain(info.name))
	}
	if t.mode == ECS {
		add(doc, "taxonomy", plain("ecs"))
	}
	add(doc, "status", plain(status(m)))
	add(doc, "description", plain(info.description))
	if refs := references(m); len(refs) > 0 {
		add(doc, "references", strList(refs, plain))
	}
	author := strings.Join(m.Author, ", ")
	if author == "" {
		author = "eqlx"
	}
	add(doc, "author", plain(author))
	d, mod := sigmaDate(m.CreationDate), sigmaDate(m.UpdatedDate)
	if d == "" {
		d, mod = mod, ""
	}
	if d != "" {
		add(doc, "date", date(d))
	}
	if mod != "" && mod != d {
		add(doc, "modified", date(mod))
	}
	if tags := t.tags(m); len(tags) > 0 {
		add(doc, "tags", strList(tags, plain))
	}
}

// footer writes the keys after detection.
func (t *translator) footer(doc *yaml.Node, m ir.Meta) {
	add(doc, "falsepositives", strList(falsePositives(m), plain))
	add(doc, "level", plain(level(m)))
}
