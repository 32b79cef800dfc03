package ir

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Severity says whether a diagnostic stops a rule (Error) or only informs (Warning).
type Severity uint8

// Severities, ordered from the most to the least serious.
const (
	Error Severity = iota + 1
	Warning
)

// String is the lower-case name used in human and JSON output.
func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "unknown"
}

// MarshalText makes severities read well in JSON reports.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Diagnostic is one problem found in a rule, at a place in its file.
// Code is stable and greppable ("eql/syntax", "ecs/unknown-field"); Msg is
// lower case, says what was expected and what was found.
type Diagnostic struct {
	Span     Span     `json:"span"`
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	Msg      string   `json:"message"`
}

// Error renders the human form: "rules/x.toml:12:7: expected \")\"".
func (d Diagnostic) Error() string { return fmt.Sprintf("%s: %s", d.Span.Start, d.Msg) }

// Diagnostics is a list of diagnostics. It is an error only when it holds at
// least one Error (see Err).
type Diagnostics []Diagnostic

// Errorf appends an error at span.
func (ds *Diagnostics) Errorf(span Span, code, format string, args ...any) {
	*ds = append(*ds, Diagnostic{Span: span, Severity: Error, Code: code, Msg: fmt.Sprintf(format, args...)})
}

// Warnf appends a warning at span.
func (ds *Diagnostics) Warnf(span Span, code, format string, args ...any) {
	*ds = append(*ds, Diagnostic{Span: span, Severity: Warning, Code: code, Msg: fmt.Sprintf(format, args...)})
}

// HasErrors reports whether ds holds at least one Error.
func (ds Diagnostics) HasErrors() bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == Error })
}

// Err returns ds as an error when it holds an Error, and nil otherwise, so
// that warnings never fail a caller that only checks err != nil.
func (ds Diagnostics) Err() error {
	if ds.HasErrors() {
		return ds
	}
	return nil
}

// Error joins the rendered diagnostics, one per line.
func (ds Diagnostics) Error() string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.Error()
	}
	return strings.Join(lines, "\n")
}

// Sort orders ds by file, then offset, then code, so output never depends on
// which pass found what first.
func (ds Diagnostics) Sort() {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Span.Start.File, b.Span.Start.File),
			cmp.Compare(a.Span.Start.Offset, b.Span.Start.Offset),
			cmp.Compare(a.Severity, b.Severity),
			cmp.Compare(a.Code, b.Code),
		)
	})
}
