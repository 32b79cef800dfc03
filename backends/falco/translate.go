package falco

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/eqlx/eqlx/ir"
)

// evKind is one kind of Falco event and the ECS values that describe it.
// A rule's event.type / event.action / event.category / host.os.type tests
// are evaluated against each kind; the kinds left are the evt.type checks
// of the condition.
type evKind struct {
	name     string
	category string
	evt      []string // Falco event types
	noDir    bool     // an enter-only event: no evt.dir in the portable form
	file     bool     // an open: the file.* fields are the fd's
	none     bool     // an ECS event eqlx has no Falco translation for
	types    []string // event.type values
	actions  []string // event.action values, across the data sources of the corpus
}

// kinds are the events eqlx translates, in the order conditions list them.
var kinds = []evKind{
	{name: "exec", category: "process", evt: []string{"execve", "execveat"}, types: []string{"start"},
		actions: []string{"exec", "exec_event", "executed", "start", "process_started", "ProcessRollup2", "executed-process"}},
	{name: "fork", category: "process", evt: []string{"clone", "clone3", "fork", "vfork"}, types: []string{"start"},
		actions: []string{"fork", "fork_event"}},
	{name: "exit", category: "process", evt: []string{"procexit"}, noDir: true, types: []string{"end"},
		actions: []string{"end", "exit", "process_stopped", "ended"}},
	{name: "create", category: "file", evt: []string{"open", "openat", "openat2", "creat"}, file: true, types: []string{"creation"},
		actions: []string{"creation", "file_create_event", "FileCreate", "created"}},
	{name: "write", category: "file", evt: []string{"open", "openat", "openat2"}, file: true, types: []string{"change"},
		actions: []string{"modification", "updated", "wrote-to-file", "file_modify_event"}},
	// ECS events with no translation: a rule that can match them is
	// approximate, or unsupported when it matches nothing else.
	{name: "file deletion", category: "file", none: true, file: true, types: []string{"deletion"},
		actions: []string{"deletion", "deleted", "file_delete_event", "FileDelete"}},
	{name: "file rename", category: "file", none: true, file: true, types: []string{"change"},
		actions: []string{"rename", "file_rename_event", "FileRename"}},
	{name: "network", category: "network", none: true, types: []string{"connection", "start", "end", "protocol", "info"},
		actions: []string{"connection_attempted", "connection_accepted", "disconnect_received", "network_flow", "lookup_result", "bind"}},
}

// domain returns the values an event field has on an event of kind k.
func (k *evKind) domain(path string) []string {
	switch path {
	case "event.category":
		return []string{k.category}
	case "event.type":
		return k.types
	case "event.action":
		return k.actions
	case "host.os.type":
		return []string{"linux"}
	}
	return nil
}

// tr translates one rule for one dialect.
type tr struct {
	v      Version
	fm     *FieldMap
	kind   *evKind
	osSpan *ir.Span // where a host.os.type test excluded Linux
	missed []string // the kinds of ECS events the rule matches that have no translation
	// memo holds the translations that do not depend on the event kind;
	// eventRefs counts the event-field tests translated so far.
	memo      map[memoKey]node
	eventRefs int
	warns     ir.Diagnostics
}

func (t *tr) bad(span ir.Span, code, format string, args ...any) node {
	return badN{ir.Finding{Span: span, Code: code, Reason: fmt.Sprintf(format, args...)}}
}

// annotate records an approximation reason on n: on its first check,
// since Convert collects the reasons of every check left in the final
// condition, and a check, once built, only leaves it with its whole
// subtree.
func annotate(n node, f ir.Finding) node {
	if c := firstCheck(n); c != nil {
		c.why = append(c.why, f)
	}
	return n
}

func firstCheck(n node) *checkN {
	switch v := n.(type) {
	case *checkN:
		return v
	case andN:
		for _, x := range v.xs {
			if c := firstCheck(x); c != nil {
				return c
			}
		}
	case orN:
		for _, x := range v.xs {
			if c := firstCheck(x); c != nil {
				return c
			}
		}
	case notN:
		return firstCheck(v.x)
	}
	return nil
}

func approx(span ir.Span, code, format string, args ...any) ir.Finding {
	return ir.Finding{Span: span, Code: code, Reason: fmt.Sprintf(format, args...)}
}

// memoKey names the translation of an expression that tests no event
// field: it is the same for every event kind with the same file flag.
type memoKey struct {
	e    ir.Expr
	file bool
}

// expr translates a boolean expression. Translations that do not depend on
// the event kind are shared between kinds (the condition is translated
// once per kind, and most of it does not depend on the kind).
func (t *tr) expr(e ir.Expr) node {
	if e == nil {
		return trueN
	}
	key := memoKey{e, t.kind.file}
	if n, ok := t.memo[key]; ok {
		return n
	}
	before := t.eventRefs
	n := t.expr1(e)
	if t.eventRefs == before {
		if t.memo == nil {
			t.memo = map[memoKey]node{}
		}
		t.memo[key] = n
	}
	return n
}

func (t *tr) expr1(e ir.Expr) node {
	switch x := e.(type) {
	case nil:
		return trueN
	case *ir.And:
		out := make([]node, len(x.Terms))
		for i, term := range x.Terms {
			out[i] = t.expr(term)
		}
		return mkAnd(out...)
	case *ir.Or:
		out := make([]node, len(x.Terms))
		for i, term := range x.Terms {
			out[i] = t.expr(term)
		}
		return mkOr(out...)
	case *ir.Not:
		return mkNot(t.expr(x.X))
	case *ir.Literal:
		if x.Value.Kind == ir.KindBool {
			return constN(x.Value.Bool)
		}
		return falseN // null or a non-boolean is never true
	case *ir.In:
		f, ok := x.X.(*ir.Field)
		if !ok {
			return t.bad(x.Span, "falco/unsupported-expression", "%s: only a field can be compared in Falco", ir.PrintExpr(x.X))
		}
		return t.field(f, x.Span, pred{in: x.Values, fold: x.CaseInsensitive})
	case *ir.Match:
		f, ok := x.X.(*ir.Field)
		if !ok {
			return t.bad(x.Span, "falco/unsupported-expression", "%s: only a field can be matched in Falco", ir.PrintExpr(x.X))
		}
		if x.Kind == ir.Regex {
			return t.bad(x.Span, "falco/unsupported-regex", "regex on %s: Lucene regular expressions are not translated to Falco", f.Path)
		}
		p := pred{fold: x.CaseInsensitive, match: true}
		for _, s := range x.Patterns {
			p.pats = append(p.pats, wildPat(s))
		}
		return t.field(f, x.Span, p)
	case *ir.IsNull:
		f, ok := x.X.(*ir.Field)
		if !ok {
			return t.bad(x.Span, "falco/unsupported-expression", "%s == null: only a field can be tested for null in Falco", ir.PrintExpr(x.X))
		}
		return t.field(f, x.Span, pred{null: true})
	case *ir.Compare:
		f, lok := x.Left.(*ir.Field)
		lit, rok := x.Right.(*ir.Literal)
		op := x.Op
		if !lok || !rok {
			if f2, ok := x.Right.(*ir.Field); ok {
				if l2, ok := x.Left.(*ir.Literal); ok {
					f, lit, lok, rok = f2, l2, true, true
					op = map[ir.CmpOp]ir.CmpOp{ir.Lt: ir.Gt, ir.Le: ir.Ge, ir.Gt: ir.Lt, ir.Ge: ir.Le, ir.Eq: ir.Eq, ir.Ne: ir.Ne}[op]
				}
			}
		}
		if !lok || !rok {
			return t.bad(x.Span, "falco/unsupported-compare", "%s: Falco compares a field with a constant only", ir.PrintExpr(x))
		}
		return t.field(f, x.Span, pred{cmp: op, val: lit.Value})
	case *ir.Call:
		return t.call(x)
	}
	return t.bad(e.Loc(), "falco/unsupported-expression", "%s has no Falco form", ir.PrintExpr(e))
}

// call translates the string functions that are Falco operators.
func (t *tr) call(c *ir.Call) node {
	op := map[string]string{"startswith": "prefix", "endswith": "suffix", "stringcontains": "infix"}[c.Name]
	if op == "" || len(c.Args) != 2 {
		return t.bad(c.Span, "falco/unsupported-function", "function %s() has no Falco equivalent", c.Name)
	}
	f, ok := c.Args[0].(*ir.Field)
	lit, ok2 := c.Args[1].(*ir.Literal)
	if !ok || !ok2 || lit.Value.Kind != ir.KindString {
		return t.bad(c.Span, "falco/unsupported-function", "%s() is translated only with a field and a string constant", c.Name)
	}
	s := lit.Value.Str
	if s == "" && op == "infix" {
		return falseN // stringContains(x, "") is false
	}
	var p pattern
	switch op {
	case "prefix":
		p = concat(litPat(s), pattern{{star: true}})
	case "suffix":
		p = concat(pattern{{star: true}}, litPat(s))
	default:
		p = concat(pattern{{star: true}}, litPat(s), pattern{{star: true}})
	}
	return t.field(f, c.Span, pred{pats: []pattern{p}, fold: c.CaseInsensitive, match: true})
}

// pred is one predicate on a field: values (in), patterns (match), null,
// or an ordering comparison.
type pred struct {
	in    []ir.Value
	pats  []pattern
	match bool
	fold  bool
	null  bool
	cmp   ir.CmpOp
	val   ir.Value
}

// strings returns the patterns of a string predicate: In values as
// literals (numbers as their decimal text, as a keyword field holds them;
// booleans never equal a string).
func (p pred) strPats() []pattern {
	if p.match {
		return p.pats
	}
	var out []pattern
	for _, v := range p.in {
		switch v.Kind {
		case ir.KindString:
			out = append(out, litPat(v.Str))
		case ir.KindInt:
			out = append(out, litPat(strconv.FormatInt(v.Int, 10)))
		case ir.KindFloat:
			out = append(out, litPat(strconv.FormatFloat(v.Float, 'f', -1, 64)))
		}
	}
	return out
}

// field translates a predicate on an ECS field through the map.
func (t *tr) field(f *ir.Field, span ir.Span, p pred) node {
	row, ok := t.fm.lookup(f.Path)
	if !ok {
		return t.bad(span, "falco/unsupported-field", "field %s has no Falco equivalent", f.Path)
	}
	if row.kind == kEvent {
		return t.event(f.Path, span, p)
	}
	if row.file && !t.kind.file {
		return t.bad(span, "falco/unsupported-field", "field %s has a Falco equivalent only in file events", f.Path)
	}
	var portableWhy ir.Finding
	if t.v == Portable && row.portable != "" {
		row.field, row.exe, row.since = row.portable, "", 0
		portableWhy = approx(span, row.approx, "%s: %s", f.Path, row.portableWhy)
	}
	if t.v == Portable && row.since > 31 {
		alt := row.kind == kEntrySame || row.kind == kContainerID
		if !alt {
			return t.bad(span, "falco/unsupported-portable", "%s needs %s (Falco >= 0.%d), which sysdig 0.29.3 and the portable form lack", f.Path, row.field, row.since)
		}
	}
	if p.cmp != 0 {
		return t.compare(row, f, span, p)
	}
	n := t.byKind(row, f, span, p)
	if _, isBad := n.(badN); !isBad {
		if row.approx != "" {
			n = annotate(n, approx(span, row.approx, "%s: %s", f.Path, row.reason))
		}
		if portableWhy.Code != "" {
			n = annotate(n, portableWhy)
		}
	}
	return n
}

func (t *tr) byKind(row target, f *ir.Field, span ir.Span, p pred) node {
	if p.null {
		switch row.kind {
		case kContainerID:
			return check("container.id", "=", 0, nil, "host")
		case kArgs:
			if row.exe != "" {
				return mkNot(check(row.exe, "exists", row.since, nil))
			}
		case kEntryType, kEntrySame:
			return t.bad(span, "falco/unsupported-null", "%s == null has no Falco equivalent", f.Path)
		}
		return mkNot(check(row.field, "exists", row.since, nil))
	}
	switch row.kind {
	case kString:
		return t.strField(row.field, row.since, p.strPats(), p.fold, span)
	case kComm:
		return t.comm(row, f, span, p)
	case kCwd:
		var pats []pattern
		for _, pt := range p.strPats() {
			if pt.endsStar() {
				pats = append(pats, pt)
			} else if s, ok := pt.literal(); ok && strings.HasSuffix(s, "/") {
				pats = append(pats, pt)
			} else {
				pats = append(pats, concat(pt, litPat("/")))
			}
		}
		return t.strField(row.field, row.since, pats, p.fold, span)
	case kArgs:
		return t.args(row, span, p)
	case kNum, kArgsCount:
		return t.num(row, f, span, p)
	case kCmdline:
		return t.cmdline(row, span, p)
	case kParentCmdline:
		return t.parentCmdline(row, f, span, p)
	case kExt:
		// file.extension is the text after the last dot of the name.
		var pats []pattern
		for _, pt := range p.strPats() {
			pats = append(pats, concat(pattern{{star: true}}, litPat("."), pt))
		}
		return t.strField(row.field, row.since, pats, p.fold, span)
	case kBool:
		return t.boolean(f, span, p, check(row.field, "=", row.since, nil, "true"), check(row.field, "=", row.since, nil, "false"))
	case kTTY:
		return t.boolean(f, span, p, check("proc.tty", "!=", 0, nil, "0"), check("proc.tty", "=", 0, nil, "0"))
	case kEntrySame:
		// same_as_process == true: the process is the session leader.
		if t.v == Portable {
			// The container's pid 1 is always an entry leader, but so is
			// the shell of every exec session (kubectl exec, docker exec):
			// "not pid 1" holds for every process that is not an entry
			// leader, and more, so it stands for false; "pid 1" would
			// miss the exec sessions that these rules are written for, so
			// true has no stand-in.
			yes := t.bad(span, "falco/unsupported-portable", "%s == true needs proc.is_sid_leader (Falco >= 0.36), which sysdig 0.29.3 and the portable form lack; the container's pid 1 would miss every exec session's shell", f.Path)
			no := annotate(mkNot(check("proc.vpid", "=", 0, nil, "1")), approx(span, "falco/approx-entry-leader", "%s: sysdig 0.29.3 has no session-leader flag: a process other than the container's pid 1 stands for one that is not the entry leader", f.Path))
			return t.boolean(f, span, p, yes, no)
		}
		return t.boolean(f, span, p, check("proc.is_sid_leader", "=", 36, nil, "true"), check("proc.is_sid_leader", "=", 36, nil, "false"))
	case kEntryType:
		var out []node
		for _, pt := range p.strPats() {
			s, ok := pt.literal()
			if !ok || !(s == "container" || p.fold && strings.EqualFold(s, "container")) {
				return t.bad(span, "falco/unsupported-value", "%s: only \"container\" has a Falco equivalent", f.Path)
			}
			out = append(out, check("container.id", "!=", 0, nil, "host"))
		}
		return mkOr(out...)
	case kContainerID:
		var out []node
		for _, pt := range p.strPats() {
			if sh, _ := pt.shape(); sh == "any" {
				out = append(out, check("container.id", "!=", 0, nil, "host"))
				continue
			}
			// Falco writes "host" where ECS has no container.id: a pattern
			// such as "?*" must not match it.
			inContainer := check("container.id", "!=", 0, nil, "host")
			if t.v == Current {
				out = append(out, mkAnd(inContainer, t.strField("container.full_id", 37, []pattern{pt}, p.fold, span)))
				continue
			}
			s, lit := pt.literal()
			if lit && len(s) > 12 {
				pt = litPat(s[:12])
			}
			out = append(out, annotate(mkAnd(inContainer, t.strField("container.id", 0, []pattern{pt}, p.fold, span)),
				approx(span, "falco/approx-container-id", "%s: sysdig 0.29.3 has only the 12-character container.id", f.Path)))
		}
		return mkOr(out...)
	}
	return t.bad(span, "falco/unsupported-field", "field %s has no Falco equivalent", f.Path)
}

// boolean translates `f == true/false` through the checks that stand for
// true and false.
func (t *tr) boolean(f *ir.Field, span ir.Span, p pred, yes, no node) node {
	if p.match {
		return falseN // a boolean never matches a pattern
	}
	var hasT, hasF bool
	for _, v := range p.in {
		if v.Kind == ir.KindBool {
			hasT = hasT || v.Bool
			hasF = hasF || !v.Bool
		}
	}
	switch {
	case hasT && hasF:
		return trueN
	case hasT:
		return yes
	case hasF:
		return no
	}
	return falseN
}

// comm translates a predicate on a kernel comm field (15 bytes).
func (t *tr) comm(row target, f *ir.Field, span ir.Span, p pred) node {
	const max = 15
	var pats []pattern
	cut := false
	for _, pt := range p.strPats() {
		switch sh, lit := pt.shape(); {
		case sh == "eq" && len(lit) >= max:
			pats = append(pats, litPat(lit[:max]))
			cut = true
		case sh == "prefix" && len(lit) > max:
			pats = append(pats, litPat(lit[:max]))
			cut = true
		case sh == "eq" || sh == "any" || sh == "empty" || sh == "prefix":
			pats = append(pats, pt)
		default:
			// A pattern that can match a name of 15 bytes or more may
			// differ on the cut comm.
			if pt.maxLen() >= max {
				cut = true
			}
			pats = append(pats, pt)
		}
	}
	n := t.strField(row.field, row.since, pats, p.fold, span)
	if cut {
		n = annotate(n, approx(span, "falco/approx-comm", "%s: %s is the kernel comm, cut to 15 bytes, so names of 15 bytes or more are compared by their first 15", f.Path, row.field))
	}
	return n
}

// maxLen is the longest string p can match in bytes (MaxInt with a star).
func (p pattern) maxLen() int {
	n := 0
	for _, t := range p {
		switch {
		case t.star:
			return math.MaxInt
		case t.one:
			n += utf8.UTFMax
		default:
			n += len(t.lit)
		}
	}
	return n
}

// args translates an element predicate on argv (notes §6.1): argv[0] is
// tested on the exe field, argv[1..] on the space-joined args field,
// where an element is the whole string, its first word, its last word or
// a word inside.
func (t *tr) args(row target, span ir.Span, p pred) node {
	pats := p.strPats()
	var joined []pattern
	sp := litPat(" ")
	star := pattern{{star: true}}
	for _, pt := range pats {
		joined = append(joined, pt)
		if !pt.endsStar() {
			joined = append(joined, concat(pt, sp, star))
		}
		if !pt.startsStar() {
			joined = append(joined, concat(star, sp, pt))
		}
		if !pt.startsStar() && !pt.endsStar() {
			joined = append(joined, concat(star, sp, pt, sp, star))
		}
	}
	var exe node = falseN
	if row.exe != "" {
		exe = t.strField(row.exe, row.since, pats, p.fold, span)
	}
	return mkOr(exe, t.strField(row.field, row.since, joined, p.fold, span))
}

// num translates a predicate on a numeric field.
func (t *tr) num(row target, f *ir.Field, span ir.Span, p pred) node {
	off := int64(0)
	if row.kind == kArgsCount {
		off = -1 // process.args_count counts argv[0]; proc.cmdnargs does not
	}
	if p.match {
		return t.bad(span, "falco/unsupported-match", "%s is numeric in Falco (%s): a pattern cannot match it", f.Path, row.field)
	}
	var vals []string
	for _, v := range p.in {
		if n, ok := intOf(v); ok {
			vals = append(vals, strconv.FormatInt(n+off, 10))
		}
	}
	switch len(vals) {
	case 0:
		return falseN
	case 1:
		return check(row.field, "=", row.since, nil, vals[0])
	}
	return check(row.field, "in", row.since, nil, vals...)
}

// intOf reads an integer constant, or a string holding one (ECS keeps ids
// such as user.id as strings).
func intOf(v ir.Value) (int64, bool) {
	switch v.Kind {
	case ir.KindInt:
		return v.Int, true
	case ir.KindFloat:
		if v.Float == math.Trunc(v.Float) && math.Abs(v.Float) < 1<<53 {
			return int64(v.Float), true
		}
	case ir.KindString:
		n, err := strconv.ParseInt(strings.TrimSpace(v.Str), 10, 64)
		return n, err == nil
	}
	return 0, false
}

// compare translates an ordering comparison.
func (t *tr) compare(row target, f *ir.Field, span ir.Span, p pred) node {
	if row.kind != kNum && row.kind != kArgsCount {
		return t.bad(span, "falco/unsupported-compare", "%s %s %s: Falco compares only numeric fields by order", f.Path, p.cmp, p.val)
	}
	n, ok := intOf(p.val)
	if !ok {
		return t.bad(span, "falco/unsupported-compare", "%s %s %s: not an integer", f.Path, p.cmp, p.val)
	}
	if row.kind == kArgsCount {
		n--
	}
	op := map[ir.CmpOp]string{ir.Lt: "<", ir.Le: "<=", ir.Gt: ">", ir.Ge: ">="}[p.cmp]
	if op == "" {
		return t.bad(span, "falco/unsupported-compare", "%s compared with %s", f.Path, p.cmp)
	}
	return check(row.field, op, row.since, nil, strconv.FormatInt(n, 10))
}

// event evaluates a test on event.type / event.action / event.category /
// host.os.type for the current event kind: it is a constant.
func (t *tr) event(path string, span ir.Span, p pred) node {
	t.eventRefs++
	dom := t.kind.domain(path)
	if p.cmp != 0 {
		return t.bad(span, "falco/unsupported-compare", "%s compared with %s", path, p.cmp)
	}
	if p.null {
		return falseN
	}
	hit := false
	for _, pt := range p.strPats() {
		for _, d := range dom {
			if matchPat(pt, d, p.fold) {
				hit = true
			}
		}
	}
	if !hit && path == "host.os.type" && t.osSpan == nil {
		s := span
		t.osSpan = &s
	}
	return constN(hit)
}

// matchPat matches a pattern against a known value.
func matchPat(p pattern, s string, fold bool) bool {
	if lit, ok := p.literal(); ok {
		if fold {
			return strings.EqualFold(lit, s) // Unicode simple folding, as ir.Fold
		}
		return lit == s
	}
	var b strings.Builder
	for _, t := range p {
		switch {
		case t.star:
			b.WriteByte('*')
		case t.one:
			b.WriteByte('?')
		default:
			if strings.ContainsAny(t.lit, "*?") {
				// a literal wildcard character never occurs in the
				// known values
				return false
			}
			b.WriteString(t.lit)
		}
	}
	if fold {
		return ir.WildcardMatch(ir.Fold(b.String()), ir.Fold(s))
	}
	return ir.WildcardMatch(b.String(), s)
}

// hasFoldableLetter says whether case folding changes what s matches.
func hasFoldableLetter(s string) bool {
	for _, r := range s {
		if unicode.SimpleFold(r) != r {
			return true
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// strField translates string patterns on one Falco field: an `in` list for
// the exact values, startswith / endswith / contains for the simple
// shapes, glob for the rest; with fold, tolower / icontains / iglob in the
// current dialect and [aA] classes in the portable one.
func (t *tr) strField(field string, since int, pats []pattern, fold bool, span ir.Span) node {
	var eqs, lowEqs []string
	var out []node
	var why []ir.Finding
	noTransform := strings.Contains(field, "[")
	foldLoss := func(s string) {
		if !isASCII(s) && hasFoldableLetter(s) {
			why = append(why, approx(span, "falco/approx-casefold", "Falco folds ASCII letters only; %q has other letters", s))
		}
	}
	glob := func(pt pattern, ci bool) {
		if pt.oneDiffers() {
			why = append(why, approx(span, "falco/approx-wildcard-byte", "? matches one byte in Falco's glob, one character in EQL: names with non-ASCII characters may differ"))
		}
		op := "glob"
		classes := ci
		s := since
		if ci && t.v == Current {
			op, classes, s = "iglob", false, max(since, 38)
		}
		text, lossy, _ := globText(pt, t.v, classes)
		if lossy {
			why = append(why, approx(span, "falco/approx-literal", "a character that %s Falco literals cannot hold is matched by ?", t.v))
		}
		if ci {
			for _, tk := range pt {
				foldLoss(tk.lit)
			}
		}
		out = append(out, t.mk(field, op, s, text, span))
	}
	for _, pt := range pats {
		sh, lit := pt.shape()
		ci := fold && hasFoldableLetter(lit)
		if sh == "glob" {
			ci = fold
		}
		switch {
		case sh == "any":
			out = append(out, check(field, "exists", since, nil))
		case sh == "empty":
			// Falco cannot write an empty literal: present and not one
			// character or more.
			out = append(out, mkAnd(check(field, "exists", since, nil), mkNot(check(field, "glob", since, nil, `"?*"`))))
		case sh == "glob" || !literalOK(lit, t.v):
			glob(pt, ci)
		case sh == "eq" && !ci && t.v == Portable && len(lit) > maxPortableValue:
			out = append(out, t.mk(field, "=", since, lit, span))
		case sh == "eq" && !ci:
			eqs = append(eqs, quote(lit))
		case sh == "eq" && t.v == Current && !noTransform && isASCII(lit):
			lowEqs = append(lowEqs, quote(strings.ToLower(lit)))
		case sh == "eq":
			glob(pt, true)
		case sh == "infix" && ci:
			foldLoss(lit)
			out = append(out, t.mk(field, "icontains", since, lit, span))
		case ci:
			glob(pt, true)
		case sh == "prefix":
			out = append(out, t.mk(field, "startswith", since, lit, span))
		case sh == "suffix":
			out = append(out, t.mk(field, "endswith", since, lit, span))
		case sh == "infix":
			out = append(out, t.mk(field, "contains", since, lit, span))
		}
	}
	var head []node
	switch len(eqs) {
	case 0:
	case 1:
		head = append(head, check(field, "=", since, nil, eqs[0]))
	default:
		head = append(head, check(field, "in", since, nil, dedupe(eqs)...))
	}
	switch len(lowEqs) {
	case 0:
	case 1:
		head = append(head, check("tolower("+field+")", "=", max(since, 38), nil, lowEqs[0]))
	default:
		head = append(head, check("tolower("+field+")", "in", max(since, 38), nil, dedupe(lowEqs)...))
	}
	n := mkOr(append(head, out...)...)
	for _, f := range why {
		n = annotate(n, f)
	}
	return n
}

func dedupe(xs []string) []string {
	seen := make(map[string]bool, len(xs))
	out := xs[:0:0]
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// maxPortableValue is the longest value sysdig 0.29.3's checks hold.
const maxPortableValue = 255

// mk builds a check on one raw value (a glob's text for glob and iglob).
// The portable form cuts a value longer than sysdig 0.29.3 can hold to a
// prefix (a suffix for endswith), which matches more (approximate).
func (t *tr) mk(field, op string, since int, raw string, span ir.Span) node {
	if t.v != Portable || len(raw) <= maxPortableValue {
		return check(field, op, since, nil, quote(raw))
	}
	why := approx(span, "falco/approx-long-value", "sysdig 0.29.3 compares at most %d bytes: a longer value is cut", maxPortableValue)
	var n node
	switch op {
	case "glob":
		n = check(field, op, since, nil, quote(cutGlob(raw, maxPortableValue-1)+"*"))
	case "endswith":
		i := len(raw) - maxPortableValue
		for i < len(raw) && !utf8.RuneStart(raw[i]) {
			i++
		}
		n = check(field, op, since, nil, quote(raw[i:]))
	default: // =, startswith, contains, icontains: a prefix of the value
		if op == "=" {
			op = "startswith"
		}
		n = check(field, op, since, nil, quote(cutPrefix(raw, maxPortableValue)))
	}
	return annotate(n, why)
}

// cutPrefix cuts s to at most n bytes, at a rune boundary, without a
// trailing backslash (which would end the literal badly).
func cutPrefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	s = s[:i]
	return strings.TrimRight(s, `\`)
}

// cutGlob cuts a glob's text to at most n bytes at a token boundary: a
// class such as [aA] or [\\] is never split.
func cutGlob(p string, n int) string {
	end := 0
	for i := 0; i < len(p); {
		j := i + 1
		if p[i] == '[' {
			j = i + 1
			for j < len(p) {
				if p[j] == '\\' {
					j += 2
					continue
				}
				if p[j] == ']' && j > i+1 {
					break
				}
				j++
			}
			j++
		} else {
			_, w := utf8.DecodeRuneInString(p[i:])
			j = i + w
		}
		if j > n {
			break
		}
		end, i = j, j
	}
	return strings.TrimSuffix(p[:end], "*")
}

// cmdline translates a predicate on process.command_line. proc.exeline is
// argv[0] + " " + proc.args even when there are no arguments ("-bash "),
// when the command line is proc.exe. A pattern that ends with a star after
// a literal not ending in a blank matches "x " exactly when it matches "x",
// so it is tested on proc.exeline alone; one that ends with a literal not
// ending in a blank never matches "x ", so proc.exe is added for the
// commands without arguments; any other needs both sides guarded.
func (t *tr) cmdline(row target, span ir.Span, p pred) node {
	var plain, withExe, guarded []pattern
	for _, pt := range p.strPats() {
		n := len(pt)
		switch {
		case n == 1 && pt[0].star:
			plain = append(plain, pt)
		case n >= 2 && pt[n-1].star && !pt[n-2].one && !pt[n-2].star && !strings.HasSuffix(pt[n-2].lit, " "):
			plain = append(plain, pt)
		case n >= 1 && !pt[n-1].star && !pt[n-1].one && !strings.HasSuffix(pt[n-1].lit, " "):
			withExe = append(withExe, pt)
		default:
			guarded = append(guarded, pt)
		}
	}
	hasArgs := func() node { return check("proc.args", "glob", 0, nil, `"?*"`) }
	var out []node
	if len(plain)+len(withExe) > 0 {
		out = append(out, t.strField(row.field, row.since, append(plain, withExe...), p.fold, span))
	}
	if len(withExe) > 0 {
		out = append(out, mkAnd(mkNot(hasArgs()), t.strField(row.exe, row.since, withExe, p.fold, span)))
	}
	if len(guarded) > 0 {
		out = append(out,
			mkAnd(hasArgs(), t.strField(row.field, row.since, guarded, p.fold, span)),
			mkAnd(mkNot(hasArgs()), t.strField(row.exe, row.since, guarded, p.fold, span)))
	}
	return mkOr(out...)
}

// parentCmdline translates a predicate on process.parent.command_line, the
// parent's argv joined by blanks. In the current dialect an exact value v
// is matched exactly: argv[0] is proc.aexe[1] and the rest, joined,
// proc.aargs[1], so v is one of its splits at a blank (or argv[0] alone,
// without arguments). Patterns, and the portable form, use proc.pcmdline,
// which starts with the parent's comm instead of its argv[0].
func (t *tr) parentCmdline(row target, f *ir.Field, span ir.Span, p pred) node {
	var approxPats []pattern
	var out []node
	for _, pt := range p.strPats() {
		v, isLit := pt.literal()
		if t.v != Current || !isLit || v == "" {
			approxPats = append(approxPats, pt)
			continue
		}
		noArgs := mkNot(check("proc.aargs[1]", "glob", 41, nil, `"?*"`))
		alts := []node{mkAnd(t.strField("proc.aexe[1]", 35, []pattern{litPat(v)}, p.fold, span), noArgs)}
		for i := 0; i < len(v); i++ {
			if v[i] == ' ' && i > 0 && i+1 < len(v) {
				alts = append(alts, mkAnd(
					t.strField("proc.aexe[1]", 35, []pattern{litPat(v[:i])}, p.fold, span),
					t.strField("proc.aargs[1]", 41, []pattern{litPat(v[i+1:])}, p.fold, span)))
			}
		}
		out = append(out, mkOr(alts...))
	}
	if len(approxPats) > 0 {
		n := t.strField(row.field, row.since, approxPats, p.fold, span)
		out = append(out, annotate(n, approx(span, "falco/approx-parent-cmdline", "%s: proc.pcmdline starts with the parent's comm, not its argv[0]", f.Path)))
	}
	return mkOr(out...)
}
