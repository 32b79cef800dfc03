package frontend

import (
	"bytes"
	"io"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/eqlx/eqlx/ir"
)

// Source is one input: a file's bytes and its name as the user gave it
// ("rules/x.toml"; "-" for stdin). The name is what every position reports.
type Source struct {
	Name string
	Data []byte
}

// Format is the kind of a rule file.
type Format uint8

// Input formats. Auto picks one from the file extension, or, for stdin and
// unknown extensions, from the content.
const (
	Auto   Format = iota // by extension, then by content
	TOML                 // detection-rules TOML: [metadata] and [rule]
	NDJSON               // Kibana rule export: one rule JSON object per line
	EQL                  // a bare query; metadata from Options
)

// String is the format's name as the CLI spells it.
func (f Format) String() string {
	switch f {
	case Auto:
		return "auto"
	case TOML:
		return "toml"
	case NDJSON:
		return "ndjson"
	case EQL:
		return "eql"
	}
	return "unknown"
}

// ParseFormat reads a format name as String writes it ("json" is NDJSON).
func ParseFormat(s string) (Format, bool) {
	switch strings.ToLower(s) {
	case "auto", "":
		return Auto, true
	case "toml":
		return TOML, true
	case "ndjson", "json":
		return NDJSON, true
	case "eql":
		return EQL, true
	}
	return Auto, false
}

// Options control how sources are read.
type Options struct {
	// Format forces one input format for every source; Auto (the zero
	// value) decides per file.
	Format Format

	// Name, RuleID and Severity are the metadata of a raw EQL source (a .eql
	// file or a bare query on stdin), which has nowhere to say them. Name
	// defaults to the file stem ("stdin" for "-"), RuleID to a UUID derived
	// from Name (so it is stable across runs), Severity to "medium". They
	// are ignored for TOML and NDJSON rules, which carry their own.
	Name, RuleID, Severity string

	// CategoryField is the field that a raw EQL query's category word tests
	// (detection-rules' event_category_override); empty means
	// event.category.
	CategoryField string

	// Stdin is read for the path "-" by CompileFiles; nil means os.Stdin.
	Stdin io.Reader
}

// Result is what became of every rule in the sources, in file order.
type Result struct {
	Rules   []*ir.Rule // parsed, lowered and normalised; each may carry warnings
	Failed  []Failure  // could not be read, parsed or lowered
	Skipped []Skipped  // not EQL: counted, not compiled
}

// Total is the number of rules seen: compiled, failed and skipped.
func (r Result) Total() int { return len(r.Rules) + len(r.Failed) + len(r.Skipped) }

// Failure is one rule (or one unreadable rule file) that could not be
// compiled. Diags holds at least one ir.Error, with positions in File.
type Failure struct {
	File   string         `json:"file"`
	RuleID string         `json:"rule_id,omitempty"`
	Name   string         `json:"name,omitempty"`
	Diags  ir.Diagnostics `json:"diagnostics"`
}

// Skipped is a rule in a language eqlx does not translate (kuery, esql,
// lucene) or with no query language at all (machine_learning rules).
// Language is the rule's language, or "type:<type>" when it has none.
type Skipped struct {
	File     string `json:"file"`
	RuleID   string `json:"rule_id,omitempty"`
	Name     string `json:"name,omitempty"`
	Language string `json:"language"`
}

// Diagnostic codes of the loaders; frontend/eql and ir/pass have their own.
const (
	CodeTOML         = "load/toml"          // TOML syntax or type error
	CodeJSON         = "load/json"          // JSON syntax or type error
	CodeMissingField = "load/missing-field" // no name, rule_id or query
	CodeNotARule     = "load/not-a-rule"    // a TOML file without a [rule] table
)

// tomlHeader finds a [rule] or [metadata] table header, which is how stdin
// tells a TOML rule from a bare query.
var tomlHeader = regexp.MustCompile(`(?m)^[ \t]*\[(rule|metadata)\][ \t]*(#.*)?\r?$`)

// formatOf decides the format of src: opt.Format when set, else the file
// extension, else the content.
func formatOf(src Source, opt Options) Format {
	if opt.Format != Auto {
		return opt.Format
	}
	switch strings.ToLower(filepath.Ext(src.Name)) {
	case ".toml":
		return TOML
	case ".ndjson", ".json", ".jsonl":
		return NDJSON
	case ".eql":
		return EQL
	}
	return sniff(src.Data)
}

// sniff tells the formats apart by content: an EQL query never starts with
// '{' and never has a line that is only "[rule]" or "[metadata]".
func sniff(data []byte) Format {
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, bom), " \t\r\n")
	switch {
	case tomlHeader.Match(data):
		return TOML
	case len(trimmed) > 0 && trimmed[0] == '{':
		return NDJSON
	}
	return EQL
}

// bom is the UTF-8 byte order mark some editors put at the start of a file.
var bom = []byte("\xef\xbb\xbf")
