package sigma

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/eqlx/eqlx/ir"
)

// FieldMode chooses the field names of the emitted rules.
type FieldMode uint8

// Field modes.
const (
	// Taxonomy maps ECS names to the Sigma taxonomy (Image, CommandLine, ...),
	// the names SigmaHQ accepts.
	Taxonomy FieldMode = iota
	// ECS keeps ECS names and marks the rules `taxonomy: ecs`.
	ECS
)

// String is the mode's name as the --sigma-fields flag spells it.
func (m FieldMode) String() string {
	if m == ECS {
		return "ecs"
	}
	return "taxonomy"
}

// ParseFieldMode reads a --sigma-fields value.
func ParseFieldMode(s string) (FieldMode, error) {
	switch strings.ToLower(s) {
	case "", "taxonomy", "sigma":
		return Taxonomy, nil
	case "ecs":
		return ECS, nil
	}
	return Taxonomy, fmt.Errorf("unknown sigma field mode %q: want taxonomy or ecs", s)
}

// Options control Emit.
type Options struct {
	// Fields chooses taxonomy or ECS field names.
	Fields FieldMode
	// FieldMap replaces the built-in ECS -> taxonomy map in Taxonomy mode;
	// nil means DefaultFieldMap(). It is not used in ECS mode.
	FieldMap *FieldMap
	// Strict drops approximate rules: they are reported as unsupported
	// (their reasons kept) and no file is written for them.
	Strict bool
	// Stream writes one multi-document YAML file ("sigma.yml") instead of
	// one file per rule.
	Stream bool
}

// MapKind says how an ECS field relates to its Sigma field.
type MapKind uint8

// Mapping kinds.
const (
	// Rename: the Sigma field holds the same value (exact).
	Rename MapKind = iota + 1
	// Basename: the ECS field is the last path element of the Sigma field
	// (process.name of Image): values become `|endswith: '/value'`
	// (approximate: a process may change its name).
	Basename
	// Element: the ECS field is one element of a list that the Sigma field
	// joins with spaces (process.args of CommandLine): values become
	// `|contains` (approximate: element boundaries are lost).
	Element
	// Extension: the ECS field is the part after the last dot of the Sigma
	// field (file.extension of TargetFilename): values become
	// `|endswith: '.value'` (approximate: "a.tar.gz" has extension "gz").
	Extension
)

// String is the kind's name as a field-map file spells it.
func (k MapKind) String() string {
	switch k {
	case Basename:
		return "basename"
	case Element:
		return "element"
	case Extension:
		return "extension"
	}
	return "rename"
}

// Target is where one ECS field goes in Sigma.
type Target struct {
	Field string
	Kind  MapKind
}

// FieldMap maps ECS field paths to Sigma fields. Fields it does not list
// keep their ECS names (and are reported).
type FieldMap struct {
	fields map[string]Target
	// prefixes rename every field under an ECS prefix: Sigma's Windows
	// fields that pySigma's ecs_windows pipeline does not map live under
	// winlog.event_data.<Name>, so that prefix is dropped.
	prefixes map[string]string
}

// Lookup returns the Sigma target of an ECS path: its own entry, else the
// longest matching prefix rule.
func (m *FieldMap) Lookup(path string) (Target, bool) {
	if t, ok := m.fields[path]; ok {
		return t, true
	}
	best := ""
	for p := range m.prefixes {
		if strings.HasPrefix(path, p) && len(p) > len(best) && len(path) > len(p) {
			best = p
		}
	}
	if best == "" {
		return Target{}, false
	}
	return Target{Field: m.prefixes[best] + path[len(best):], Kind: Rename}, true
}

// Paths returns the mapped ECS paths, sorted.
func (m *FieldMap) Paths() []string {
	ps := make([]string, 0, len(m.fields))
	for p := range m.fields {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}

// DefaultFieldMap is the built-in ECS -> Sigma taxonomy map: the inverse of
// pySigma-backend-elasticsearch's ecs_windows and ecs_macos_esf pipelines,
// which agree on these names (../shared/notes/sigma-research.md §2).
func DefaultFieldMap() *FieldMap {
	return &FieldMap{fields: map[string]Target{
		"process.executable":            {"Image", Rename},
		"process.command_line":          {"CommandLine", Rename},
		"process.working_directory":     {"CurrentDirectory", Rename},
		"process.pid":                   {"ProcessId", Rename},
		"process.entity_id":             {"ProcessGuid", Rename},
		"process.parent.executable":     {"ParentImage", Rename},
		"process.parent.command_line":   {"ParentCommandLine", Rename},
		"process.parent.pid":            {"ParentProcessId", Rename},
		"process.parent.entity_id":      {"ParentProcessGuid", Rename},
		"process.parent.user.name":      {"ParentUser", Rename},
		"user.name":                     {"User", Rename},
		"process.name":                  {"Image", Basename},
		"process.parent.name":           {"ParentImage", Basename},
		"process.args":                  {"CommandLine", Element},
		"process.parent.args":           {"ParentCommandLine", Element},
		"file.path":                     {"TargetFilename", Rename},
		"file.name":                     {"TargetFilename", Basename},
		"source.ip":                     {"SourceIp", Rename},
		"source.port":                   {"SourcePort", Rename},
		"destination.ip":                {"DestinationIp", Rename},
		"destination.port":              {"DestinationPort", Rename},
		"destination.domain":            {"DestinationHostname", Rename},
		"source.domain":                 {"SourceHostname", Rename},
		"network.transport":             {"Protocol", Rename},
		"file.extension":                {"TargetFilename", Extension},
		"process.pe.original_file_name": {"OriginalFileName", Rename},
	}, prefixes: map[string]string{"winlog.event_data.": ""}}
}

// fieldMapFile is the --field-map YAML:
//
//	fields:
//	  process.executable: Image                            # rename
//	  process.name: {field: Image, kind: basename}         # rename, basename, element, extension
//
// Entries are added to (and override) the built-in map.
type fieldMapFile struct {
	Fields map[string]yaml.Node `yaml:"fields"`
}

// LoadFieldMap reads a --field-map YAML file named name. Its entries extend
// and override DefaultFieldMap. Problems are errors with positions
// ("sigma/field-map"); the map is nil when there is any.
func LoadFieldMap(data []byte, name string) (*FieldMap, ir.Diagnostics) {
	var ds ir.Diagnostics
	at := func(line, col int) ir.Span {
		p := ir.Pos{File: name, Line: line, Col: col}
		return ir.Span{Start: p, End: p}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		ds.Errorf(at(0, 0), "sigma/field-map", "cannot read field map: %v", err)
		return nil, ds
	}
	m := DefaultFieldMap()
	if len(doc.Content) == 0 {
		return m, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		ds.Errorf(at(root.Line, root.Column), "sigma/field-map", "expected a mapping with a `fields` key")
		return nil, ds
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value != "fields" {
			ds.Errorf(at(k.Line, k.Column), "sigma/field-map", "unknown key %q: expected `fields`", k.Value)
			continue
		}
		if v.Kind != yaml.MappingNode {
			ds.Errorf(at(v.Line, v.Column), "sigma/field-map", "`fields` must map ECS names to Sigma names")
			continue
		}
		for j := 0; j+1 < len(v.Content); j += 2 {
			ek, ev := v.Content[j], v.Content[j+1]
			t, ok := readTarget(ev, &ds, at)
			if ok {
				m.fields[ek.Value] = t
			}
		}
	}
	if ds.HasErrors() {
		return nil, ds
	}
	return m, ds
}

// readTarget reads one field-map value: a name, or {field, kind}.
func readTarget(n *yaml.Node, ds *ir.Diagnostics, at func(int, int) ir.Span) (Target, bool) {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Value == "" {
			ds.Errorf(at(n.Line, n.Column), "sigma/field-map", "empty Sigma field name")
			return Target{}, false
		}
		return Target{Field: n.Value, Kind: Rename}, true
	case yaml.MappingNode:
		t := Target{Kind: Rename}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			switch k.Value {
			case "field":
				t.Field = v.Value
			case "kind":
				switch v.Value {
				case "rename":
					t.Kind = Rename
				case "basename":
					t.Kind = Basename
				case "element":
					t.Kind = Element
				case "extension":
					t.Kind = Extension
				default:
					ds.Errorf(at(v.Line, v.Column), "sigma/field-map", "unknown kind %q: expected rename, basename, element or extension", v.Value)
					return Target{}, false
				}
			default:
				ds.Errorf(at(k.Line, k.Column), "sigma/field-map", "unknown key %q: expected field or kind", k.Value)
				return Target{}, false
			}
		}
		if t.Field == "" {
			ds.Errorf(at(n.Line, n.Column), "sigma/field-map", "missing `field`")
			return Target{}, false
		}
		return t, true
	}
	ds.Errorf(at(n.Line, n.Column), "sigma/field-map", "expected a Sigma field name or {field, kind}")
	return Target{}, false
}
