package ir

// Fidelity says how faithfully a target expresses a rule.
type Fidelity uint8

// Fidelity levels, from the best.
const (
	Exact       Fidelity = iota + 1 // same matches as the EQL on every event
	Approximate                     // may differ on some events; Reasons say which
	Unsupported                     // no output for this rule; Reasons say why
)

// String is the level's name in reports.
func (f Fidelity) String() string {
	switch f {
	case Exact:
		return "exact"
	case Approximate:
		return "approximate"
	case Unsupported:
		return "unsupported"
	}
	return "unknown"
}

// MarshalText makes fidelity read well in JSON reports.
func (f Fidelity) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// Finding is one reason why a translation is approximate or unsupported,
// pointing at the part of the rule it concerns. Code is stable
// ("falco/approx-argv", "sigma/unsupported-until").
type Finding struct {
	Span   Span   `json:"span"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

// RuleReport is what one backend did with one rule.
type RuleReport struct {
	File     string      `json:"file"`
	RuleID   string      `json:"rule_id"`
	Name     string      `json:"name"`
	Backend  string      `json:"backend"`
	Fidelity Fidelity    `json:"fidelity"`
	Reasons  []Finding   `json:"reasons,omitempty"`
	Warnings Diagnostics `json:"warnings,omitempty"`
}

// Report is a backend's account of every rule it was given, in input order.
type Report struct {
	Rules []RuleReport `json:"rules"`
}

// Counts returns how many rules are at each fidelity level.
func (r Report) Counts() map[Fidelity]int {
	n := map[Fidelity]int{}
	for _, rr := range r.Rules {
		n[rr.Fidelity]++
	}
	return n
}

// File is one output file of a backend: a path relative to the output
// directory (or the name of the single output file) and its bytes.
type File struct {
	Path string
	Data []byte
}
