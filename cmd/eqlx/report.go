package main

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"

	"github.com/eqlx/eqlx/frontend"
	"github.com/eqlx/eqlx/ir"
)

// reportFormats are the values of --report.
var reportFormats = []string{"json", "sarif"}

// fidelityLines writes one line per reason of every rule a target does not
// express exactly, "file:line: name: fidelity: reason (code)", then a summary
// line, so that a person sees at a glance what --strict would refuse.
func fidelityLines(w io.Writer, to string, rep ir.Report, rules []*ir.Rule) {
	if to == "ir" {
		return // the IR expresses every rule; nothing to say
	}
	for i, rr := range rep.Rules {
		if rr.Fidelity == ir.Exact {
			continue
		}
		seen := map[string]bool{}
		for _, f := range rr.Reasons {
			// A reason found at several places of one line (each element
			// of a list) is said once.
			line := fmt.Sprintf("%s:%d: %s: %s: %s (%s)\n", rr.File, findingLine(f, ruleAt(rules, i, rr)), rr.Name, rr.Fidelity, f.Reason, f.Code)
			if !seen[line] {
				seen[line] = true
				io.WriteString(w, line)
			}
		}
		if len(rr.Reasons) == 0 {
			fmt.Fprintf(w, "%s:%d: %s: %s\n", rr.File, findingLine(ir.Finding{}, ruleAt(rules, i, rr)), rr.Name, rr.Fidelity)
		}
	}
	n := rep.Counts()
	fmt.Fprintf(w, "eqlx convert --to %s: %s: %d exact, %d approximate, %d unsupported\n",
		to, count(len(rep.Rules), "rule"), n[ir.Exact], n[ir.Approximate], n[ir.Unsupported])
}

// ruleAt is the rule a report entry is about: backends report in input
// order, but a mismatch must never misattribute a line number.
func ruleAt(rules []*ir.Rule, i int, rr ir.RuleReport) *ir.Rule {
	if i < len(rules) && rules[i].Meta.File == rr.File && rules[i].Meta.RuleID == rr.RuleID {
		return rules[i]
	}
	return nil
}

// findingLine is the line of the rule file a finding points at: its own
// span, else the start of the rule's query, else 1 (the file itself).
func findingLine(f ir.Finding, r *ir.Rule) int {
	switch {
	case f.Span.Start.IsValid():
		return f.Span.Start.Line
	case r != nil && r.Meta.QueryPos.IsValid():
		return r.Meta.QueryPos.Line
	}
	return 1
}

// strictFails reports whether --strict refuses the report: a rule that is
// not exact.
func strictFails(rep ir.Report) bool {
	return slices.ContainsFunc(rep.Rules, func(rr ir.RuleReport) bool { return rr.Fidelity != ir.Exact })
}

// jsonReport is --report json: the backend's ir.Report, indented, with an
// empty list rather than null when there are no rules.
func jsonReport(rep ir.Report) ([]byte, error) {
	if rep.Rules == nil {
		rep.Rules = []ir.RuleReport{}
	}
	data, err := json.MarshalIndent(rep, "", "  ")
	return append(data, '\n'), err
}

// SARIF 2.1.0, the subset GitHub code scanning reads
// (https://docs.oasis-open.org/sarif/sarif/v2.1.0/).
const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string       `json:"id"`
	ShortDescription sarifMessage `json:"shortDescription"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

// sarifReport is --report sarif: one result per reason of every approximate
// (level warning) or unsupported (level error) rule, located at the part of
// the rule file the reason is about, and one per error of a rule that did
// not compile. SARIF rule ids are the stable finding and diagnostic codes.
func sarifReport(to string, rep ir.Report, rules []*ir.Rule, failed []frontend.Failure) ([]byte, error) {
	results := []sarifResult{}
	descr := map[string]string{}
	for i, rr := range rep.Rules {
		if rr.Fidelity == ir.Exact {
			continue
		}
		level := "warning"
		if rr.Fidelity == ir.Unsupported {
			level = "error"
		}
		r := ruleAt(rules, i, rr)
		reasons := rr.Reasons
		if len(reasons) == 0 {
			reasons = []ir.Finding{{Code: to + "/" + rr.Fidelity.String(), Reason: "no reason given"}}
		}
		for _, f := range reasons {
			code := f.Code
			if code == "" {
				code = to + "/" + rr.Fidelity.String()
			}
			if _, ok := descr[code]; !ok {
				descr[code] = fmt.Sprintf("%s: %s", rr.Fidelity, f.Reason)
			}
			results = append(results, sarifResult{
				RuleID: code,
				Level:  level,
				Message: sarifMessage{Text: fmt.Sprintf("%s (%s): %s for --to %s: %s",
					rr.Name, rr.RuleID, rr.Fidelity, to, f.Reason)},
				Locations: []sarifLocation{location(rr.File, f.Span, r)},
			})
		}
	}
	for _, fl := range failed {
		for _, d := range fl.Diags {
			if d.Severity != ir.Error {
				continue
			}
			if _, ok := descr[d.Code]; !ok {
				descr[d.Code] = "rule does not compile"
			}
			results = append(results, sarifResult{
				RuleID:    d.Code,
				Level:     "error",
				Message:   sarifMessage{Text: d.Msg},
				Locations: []sarifLocation{location(fl.File, d.Span, nil)},
			})
		}
	}
	ids := make([]string, 0, len(descr))
	for id := range descr {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	sr := []sarifRule{}
	for _, id := range ids {
		sr = append(sr, sarifRule{ID: id, ShortDescription: sarifMessage{Text: descr[id]}})
	}
	log := sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{{
		Tool: sarifTool{Driver: sarifDriver{Name: "eqlx", Version: buildVersion(),
			InformationURI: "https://github.com/eqlx/eqlx", Rules: sr}},
		Results: results,
	}}}
	data, err := json.MarshalIndent(log, "", "  ")
	return append(data, '\n'), err
}

// location points a SARIF result at a rule file: the span when the finding
// has one, else the rule's query, else line 1. SARIF wants a URI with
// forward slashes, relative to the repository root when the path is.
func location(file string, span ir.Span, r *ir.Rule) sarifLocation {
	reg := sarifRegion{StartLine: 1}
	switch {
	case span.Start.IsValid():
		reg = sarifRegion{StartLine: span.Start.Line, StartColumn: span.Start.Col}
		if span.End.IsValid() && span.End.Line >= span.Start.Line {
			reg.EndLine, reg.EndColumn = span.End.Line, span.End.Col
		}
	case r != nil && r.Meta.QueryPos.IsValid():
		reg = sarifRegion{StartLine: r.Meta.QueryPos.Line, StartColumn: r.Meta.QueryPos.Col}
	}
	return sarifLocation{PhysicalLocation: sarifPhysical{
		ArtifactLocation: sarifArtifact{URI: filepath.ToSlash(file)},
		Region:           reg,
	}}
}
