// Package ecs is eqlx's catalogue of Elastic Common Schema fields (and the
// Elastic Endpoint extensions, file.Ext.*, process.Ext.*, ..., that Elastic's
// rules read): for each field path, its Elasticsearch type and whether ECS
// makes it an array.
//
// The catalogue covers the ECS field sets that detection rules use, every
// ECS or Endpoint field referenced by the elastic/detection-rules EQL corpus,
// and the process, file, network, container and orchestrator fields that
// Linux and container rules need. Integration-specific fields (aws.*,
// azure.*, okta.*, auditd.*, winlog.*, ...) are deliberately absent: Lookup
// reports them unknown, and ir/pass turns that into a warning, never an
// error.
//
// The table is data (fields.tsv, embedded), sorted by name, so that a
// review shows each added field as one line.
package ecs

import (
	_ "embed"
	"sort"
	"strings"
	"sync"
)

// Type is the Elasticsearch field type of an ECS field.
type Type uint8

// The field types ECS uses. Keyword-like types (Keyword, ConstantKeyword,
// Wildcard, Text, MatchOnlyText) all hold strings; eqlx compares them as
// keywords (see ir's package doc on text fields).
const (
	Unknown Type = iota
	Keyword
	ConstantKeyword
	Wildcard
	Text
	MatchOnlyText
	Long
	Integer
	Float
	Double
	ScaledFloat
	Boolean
	IP
	Date
	Object
	Flattened
	Nested
	GeoPoint
)

var typeNames = [...]string{
	Unknown: "unknown", Keyword: "keyword", ConstantKeyword: "constant_keyword", Wildcard: "wildcard",
	Text: "text", MatchOnlyText: "match_only_text", Long: "long", Integer: "integer", Float: "float",
	Double: "double", ScaledFloat: "scaled_float", Boolean: "boolean", IP: "ip", Date: "date",
	Object: "object", Flattened: "flattened", Nested: "nested", GeoPoint: "geo_point",
}

// String is the type's Elasticsearch name ("keyword", "ip").
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "unknown"
}

// parseType is String's inverse.
func parseType(s string) Type {
	for t, n := range typeNames {
		if n == s {
			return Type(t)
		}
	}
	return Unknown
}

// IsString reports whether the field holds strings: what `:`, like, regex
// and the string functions apply to. Flattened fields hold keywords.
func (t Type) IsString() bool {
	switch t {
	case Keyword, ConstantKeyword, Wildcard, Text, MatchOnlyText, Flattened:
		return true
	}
	return false
}

// IsNumeric reports whether the field holds numbers.
func (t Type) IsNumeric() bool {
	switch t {
	case Long, Integer, Float, Double, ScaledFloat:
		return true
	}
	return false
}

// Field is one catalogue entry.
type Field struct {
	// Name is the full dotted path ("process.args").
	Name string
	Type Type
	// Array is true when ECS declares the field an array (process.args,
	// event.category, event.type, host.ip, ...). Any field may still hold an
	// array in a given event; see ir's package doc.
	Array bool
}

//go:embed fields.tsv
var fieldsTSV string

// catalogue is fields.tsv parsed: exact entries, and prefix entries
// ("labels.*") that cover every path below them.
type catalogue struct {
	exact    []Field // sorted by Name
	prefixes []Field // Name is the prefix with its trailing dot ("labels.")
}

// load parses fields.tsv once; the result is never modified.
var load = sync.OnceValue(func() catalogue {
	var c catalogue
	for _, line := range strings.Split(fieldsTSV, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		f := Field{Name: cols[0], Type: parseType(cols[1]), Array: len(cols) > 2 && cols[2] == "array"}
		if p, ok := strings.CutSuffix(f.Name, "*"); ok {
			f.Name = p
			c.prefixes = append(c.prefixes, f)
			continue
		}
		c.exact = append(c.exact, f)
	}
	return c
})

// Lookup returns the catalogue entry for a field path. A path below a
// prefix entry (labels.*, container.labels.*, process.Ext.api.parameters.*)
// gets that entry's type, with Name set to the path asked for.
func Lookup(name string) (Field, bool) {
	c := load()
	i := sort.Search(len(c.exact), func(i int) bool { return c.exact[i].Name >= name })
	if i < len(c.exact) && c.exact[i].Name == name {
		return c.exact[i], true
	}
	best := -1
	for j, p := range c.prefixes {
		if strings.HasPrefix(name, p.Name) && len(name) > len(p.Name) && (best < 0 || len(p.Name) > len(c.prefixes[best].Name)) {
			best = j
		}
	}
	if best < 0 {
		return Field{}, false
	}
	f := c.prefixes[best]
	f.Name = name
	return f, true
}

// Fields returns a copy of every exact entry of the catalogue, sorted by
// name (prefix entries are not included). Backends use it to check that
// their mapping tables name real fields.
func Fields() []Field {
	return append([]Field(nil), load().exact...)
}
