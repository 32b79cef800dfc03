package frontend

import (
	"fmt"

	"github.com/eqlx/eqlx/frontend/eql"
	"github.com/eqlx/eqlx/ir"
	"github.com/eqlx/eqlx/ir/pass"
)

// CodeInternal marks a bug in eqlx that one rule's text triggered; the rule
// fails and the others go on.
const CodeInternal = "eqlx/internal"

// compileUnit parses, lowers and normalises one rule's query. It returns the
// rule, or nil and the diagnostics (with at least one error) that stopped it.
func compileUnit(u unit) (r *ir.Rule, ds ir.Diagnostics) {
	defer func() {
		// The parser and the passes must not panic on any input; if one
		// does, that costs this rule, not the run.
		if p := recover(); p != nil {
			r = nil
			ds = append(ds, ir.Diagnostic{Span: pointSpan(u.loc.base), Severity: ir.Error, Code: CodeInternal,
				Msg: fmt.Sprintf("internal error while compiling this rule (please report it): %v", p)})
		}
	}()
	base := u.loc.base
	if !u.loc.verbatim() {
		// Parse as a standalone text and map positions afterwards.
		base = ir.Pos{File: u.meta.File, Line: 1, Col: 1}
	}
	opt := eql.Options{Base: base, CategoryField: u.meta.EventCategoryOverride}
	if u.loc.offsets != nil {
		opt.QuotePos = u.loc.mapPos
	}
	q, ds := eql.Parse(u.query, opt)
	if !u.loc.verbatim() {
		u.loc.mapDiags(ds)
		if q != nil {
			remapQuery(q, u.loc.mapPos)
		}
	}
	if ds.HasErrors() {
		return nil, ds
	}
	if q == nil {
		ds.Errorf(pointSpan(u.loc.base), CodeInternal, "the parser returned no query and no error")
		return nil, ds
	}
	r = &ir.Rule{Meta: u.meta, Query: q, Diags: ds}
	pass.Normalize(r)
	r.Diags.Sort()
	if r.Diags.HasErrors() {
		return nil, r.Diags
	}
	return r, nil
}
