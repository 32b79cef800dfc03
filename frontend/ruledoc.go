package frontend

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/eqlx/eqlx/ir"
)

// ruleDoc is a detection rule's fields as both detection-rules TOML ([rule])
// and Kibana's export JSON spell them; the two share their key names.
type ruleDoc struct {
	Name                  string      `toml:"name" json:"name"`
	RuleID                string      `toml:"rule_id" json:"rule_id"`
	Description           string      `toml:"description" json:"description"`
	Severity              string      `toml:"severity" json:"severity"`
	RiskScore             int         `toml:"risk_score" json:"risk_score"`
	Tags                  []string    `toml:"tags" json:"tags"`
	References            []string    `toml:"references" json:"references"`
	FalsePositives        []string    `toml:"false_positives" json:"false_positives"`
	Author                stringList  `toml:"author" json:"author"`
	License               string      `toml:"license" json:"license"`
	Index                 []string    `toml:"index" json:"index"`
	Language              string      `toml:"language" json:"language"`
	Type                  string      `toml:"type" json:"type"`
	Version               int         `toml:"version" json:"version"`
	Query                 string      `toml:"query" json:"query"`
	EventCategoryOverride string      `toml:"event_category_override" json:"event_category_override"`
	Threat                []threatDoc `toml:"threat" json:"threat"`
}

type threatDoc struct {
	Framework string         `toml:"framework" json:"framework"`
	Tactic    techniqueDoc   `toml:"tactic" json:"tactic"`
	Technique []techniqueDoc `toml:"technique" json:"technique"`
}

type techniqueDoc struct {
	ID           string         `toml:"id" json:"id"`
	Name         string         `toml:"name" json:"name"`
	Reference    string         `toml:"reference" json:"reference"`
	Subtechnique []techniqueDoc `toml:"subtechnique" json:"subtechnique"`
}

// stringList accepts a string or a list of strings: detection-rules writes
// metadata.integration both ways, and hand-written exports do the same with
// author.
type stringList []string

// UnmarshalTOML implements toml.Unmarshaler.
func (l *stringList) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case string:
		*l = []string{v}
		return nil
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return fmt.Errorf("expected a string or a list of strings, found a list holding %T", e)
			}
			out = append(out, s)
		}
		*l = out
		return nil
	}
	return fmt.Errorf("expected a string or a list of strings, found %T", v)
}

// UnmarshalJSON implements json.Unmarshaler.
func (l *stringList) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*l = []string{s}
		return nil
	}
	var ss []string
	if err := json.Unmarshal(b, &ss); err != nil {
		return fmt.Errorf("expected a string or a list of strings")
	}
	*l = ss
	return nil
}

// isEQL reports whether the rule is written in EQL. Rules with no language
// (machine_learning, threshold without a query) are not.
func (d *ruleDoc) isEQL() bool { return strings.EqualFold(d.Language, "eql") }

// meta copies the document's fields into ir.Meta (File and QueryPos are the
// loader's to set).
func (d *ruleDoc) meta(file string) ir.Meta {
	m := ir.Meta{
		File:                  file,
		RuleID:                d.RuleID,
		Name:                  d.Name,
		Description:           d.Description,
		Severity:              d.Severity,
		RiskScore:             d.RiskScore,
		Tags:                  d.Tags,
		References:            d.References,
		FalsePositives:        d.FalsePositives,
		Author:                d.Author,
		License:               d.License,
		Index:                 d.Index,
		Language:              d.Language,
		Type:                  d.Type,
		Version:               d.Version,
		EventCategoryOverride: d.EventCategoryOverride,
	}
	for _, t := range d.Threat {
		th := ir.Threat{Framework: t.Framework, Tactic: ir.Tactic{ID: t.Tactic.ID, Name: t.Tactic.Name, Reference: t.Tactic.Reference}}
		for _, tech := range t.Technique {
			th.Techniques = append(th.Techniques, tech.ir())
		}
		m.Threats = append(m.Threats, th)
	}
	return m
}

func (t techniqueDoc) ir() ir.Technique {
	out := ir.Technique{ID: t.ID, Name: t.Name, Reference: t.Reference}
	for _, s := range t.Subtechnique {
		out.Subtechniques = append(out.Subtechniques, s.ir())
	}
	return out
}

// missing names the required fields an EQL rule lacks ("name, query").
func (d *ruleDoc) missing() []string {
	var out []string
	if d.Name == "" {
		out = append(out, "name")
	}
	if d.RuleID == "" {
		out = append(out, "rule_id")
	}
	if strings.TrimSpace(d.Query) == "" {
		out = append(out, "query")
	}
	return out
}

// joinMissing words a list of missing fields: "name, no query".
func joinMissing(miss []string) string { return strings.Join(miss, ", no ") }
