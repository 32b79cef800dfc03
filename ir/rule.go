package ir

// Rule is one detection rule: its metadata and its query, lowered and
// normalised. It is the type every backend takes.
type Rule struct {
	Meta  Meta
	Query Query
	// Diags holds the warnings found while loading and lowering the rule
	// (unknown ECS fields, literal '*' in an `in` list, ...). A rule with an
	// error is never handed to a backend.
	Diags Diagnostics
}

// Meta is what a rule file says about a rule besides its query, in the
// vocabulary of elastic/detection-rules TOML.
type Meta struct {
	// File is the rule's file as the user named it; QueryPos is where the
	// query's first character is in it.
	File     string `json:"file"`
	QueryPos Pos    `json:"query_pos"`

	RuleID         string   `json:"rule_id"`
	Name           string   `json:"name"`
	Description    string   `json:"description,omitempty"`
	Severity       string   `json:"severity,omitempty"` // low, medium, high, critical
	RiskScore      int      `json:"risk_score,omitempty"`
	Tags           []string `json:"tags,omitempty"`
	References     []string `json:"references,omitempty"`
	FalsePositives []string `json:"false_positives,omitempty"`
	Author         []string `json:"author,omitempty"`
	License        string   `json:"license,omitempty"`
	Index          []string `json:"index,omitempty"`
	Language       string   `json:"language,omitempty"` // always "eql" for a rule that reaches a backend
	Type           string   `json:"type,omitempty"`     // "eql"
	Version        int      `json:"version,omitempty"`

	// Maturity, CreationDate and UpdatedDate come from [metadata]; dates are
	// kept as written ("2023/04/26").
	Maturity     string   `json:"maturity,omitempty"`
	CreationDate string   `json:"creation_date,omitempty"`
	UpdatedDate  string   `json:"updated_date,omitempty"`
	Integration  []string `json:"integration,omitempty"`

	// EventCategoryOverride is the field that the category word before
	// `where` tests, when the rule sets rule.event_category_override
	// (13 AWS rules use "event.type"). Empty means event.category.
	EventCategoryOverride string `json:"event_category_override,omitempty"`

	Threats []Threat `json:"threat,omitempty"`
}

// Threat is one [[rule.threat]] entry: a MITRE ATT&CK tactic and the
// techniques under it.
type Threat struct {
	Framework  string      `json:"framework"`
	Tactic     Tactic      `json:"tactic"`
	Techniques []Technique `json:"technique,omitempty"`
}

// Tactic is a MITRE ATT&CK tactic ("TA0002", "Execution").
type Tactic struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Reference string `json:"reference,omitempty"`
}

// Technique is a MITRE ATT&CK technique or sub-technique ("T1059", "T1059.004").
type Technique struct {
	ID            string      `json:"id"`
	Name          string      `json:"name"`
	Reference     string      `json:"reference,omitempty"`
	Subtechniques []Technique `json:"subtechnique,omitempty"`
}
