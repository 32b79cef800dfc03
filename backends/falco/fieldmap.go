package falco

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/eqlx/eqlx/ir"
)

// mapKind says how an ECS field's predicates become Falco checks.
type mapKind uint8

const (
	kString        mapKind = iota + 1 // string field compared as is
	kComm                             // kernel comm: 15-character truncation
	kCwd                              // proc.cwd: always ends with "/"
	kArgs                             // argv: argv[0] field plus the joined argv[1..] field
	kNum                              // numeric field
	kTTY                              // process.interactive: proc.tty != 0
	kContainerID                      // container.id: 12-char id or "host"
	kEntryType                        // process.entry_leader.entry_meta.type
	kEntrySame                        // process.entry_leader.same_as_process
	kArgsCount                        // process.args_count: proc.cmdnargs + 1
	kBool                             // boolean field
	kParentCmdline                    // proc.aexe[1] + " " + proc.aargs[1] for values, proc.pcmdline for patterns
	kExt                              // file.extension: the name ends with "." + the value
	kCmdline                          // proc.exeline, or proc.exe when there are no arguments
	kEvent                            // event.type / event.action / event.category / host.os.type: the event kind
)

// target is one row of the map: what an ECS field becomes.
type target struct {
	kind  mapKind
	field string // the Falco field (for kArgs: the joined-arguments field)
	exe   string // kArgs: the argv[0] field
	// since is the first Falco minor release (0.<since>) that has the
	// field; 0 means every Falco and sysdig 0.29.3. A field with since > 31
	// cannot be used in the Portable rendering.
	since int
	// approx, when set, is the reason code that every translation through
	// this row carries, with reason as its text.
	approx, reason string
	note           string
	file           bool // the field exists in file events only
	// portable, when set, replaces field (and exe) in the portable
	// rendering, with portableWhy as an extra approximation reason.
	portable, portableWhy string
}

// FieldMap is the ECS -> Falco field mapping: one data table, read by
// Convert and listed by Rows. The zero value maps nothing; use
// DefaultFieldMap or LoadFieldMap.
type FieldMap struct {
	m map[string]target
}

// FieldRow is one line of the mapping as `eqlx fields --to falco` lists it.
type FieldRow struct {
	ECS   string `json:"ecs"`
	Falco string `json:"falco"`
	Note  string `json:"note,omitempty"`
}

// defaultTable is the built-in mapping (../shared/notes/falco.md §6, §7).
// It is never modified: DefaultFieldMap copies it.
var defaultTable = map[string]target{
	"event.category": {kind: kEvent, field: "evt.type", note: "the event kind: process events are execve/execveat (exec), clone/fork/vfork (fork), procexit (end)"},
	"event.type":     {kind: kEvent, field: "evt.type", note: "start -> execve, execveat (and the child side of clone/fork/vfork); end -> procexit"},
	"event.action":   {kind: kEvent, field: "evt.type", note: "exec -> execve, execveat; fork -> clone, clone3, fork, vfork (evt.rawres = 0); end -> procexit"},
	"host.os.type":   {kind: kEvent, field: "", note: "linux is always true for the syscall source and is dropped; other systems never match"},

	"process.name":                         {kind: kComm, field: "proc.name", note: "kernel comm, at most 15 characters: longer values are cut (approximate)"},
	"process.executable":                   {kind: kString, field: "proc.exepath"},
	"process.args":                         {kind: kArgs, field: "proc.args", exe: "proc.exe", approx: "falco/approx-argv", reason: "proc.args joins argv[1..] with spaces, so an argument containing a space cannot be told from two arguments", note: "element tests on proc.exe (argv[0]) and the space-joined proc.args (approximate)"},
	"process.args_count":                   {kind: kArgsCount, field: "proc.cmdnargs", since: 33, note: "proc.cmdnargs + 1 (Falco >= 0.33)"},
	"process.command_line":                 {kind: kCmdline, field: "proc.exeline", exe: "proc.exe", note: "argv[0] and the arguments joined by spaces; proc.exeline ends with a blank when there are no arguments, so then proc.exe"},
	"process.working_directory":            {kind: kCwd, field: "proc.cwd", note: `proc.cwd always ends with "/": values get one`},
	"process.pid":                          {kind: kNum, field: "proc.pid"},
	"process.interactive":                  {kind: kTTY, field: "proc.tty", approx: "falco/approx-tty", reason: "Falco has no interactive flag: a controlling terminal (proc.tty != 0) stands for it", note: "true -> proc.tty != 0 (approximate)"},
	"process.entry_leader.entry_meta.type": {kind: kEntryType, field: "container.id", approx: "falco/approx-entry-leader", reason: "Falco has no entry leader: a container entry is approximated by the process running in a container (container.id != host)", note: `"container" -> container.id != host (approximate)`},
	"process.entry_leader.same_as_process": {kind: kEntrySame, field: "proc.is_sid_leader", approx: "falco/approx-entry-leader", reason: "Falco has no entry leader: the session leader stands for it", note: "session leader (Falco >= 0.36; portable: only == false, as proc.vpid != 1) (approximate)"},

	"process.parent.name":                    {kind: kComm, field: "proc.pname", note: "kernel comm of the parent, at most 15 characters"},
	"process.parent.executable":              {kind: kString, field: "proc.pexepath", since: 35, note: "Falco >= 0.35"},
	"process.parent.command_line":            {kind: kParentCmdline, field: "proc.pcmdline", note: "a value: proc.aexe[1] and proc.aargs[1] split at each blank (Falco >= 0.41, exact); a pattern, or portable: proc.pcmdline, which starts with the comm (approximate)"},
	"process.parent.args":                    {kind: kArgs, field: "proc.aargs[1]", exe: "proc.aexe[1]", since: 41, approx: "falco/approx-argv", reason: "proc.aargs[1] joins the parent's argv[1..] with spaces, so an argument containing a space cannot be told from two arguments", note: "proc.aexe[1] and the space-joined proc.aargs[1] (Falco >= 0.41; portable: words of proc.pcmdline) (approximate)", portable: "proc.pcmdline", portableWhy: "sysdig 0.29.3 has no parent argv: the words of proc.pcmdline (the parent's comm and arguments) stand for it"},
	"process.env_vars":                       {kind: kArgs, field: "proc.env", approx: "falco/approx-env", reason: "proc.env joins the environment with spaces, so a variable whose value holds a space cannot be told from two", note: "words of the space-joined proc.env (approximate)"},
	"process.group_leader.name":              {kind: kComm, field: "proc.vpgid.name", since: 36, note: "kernel comm of the process group leader (Falco >= 0.36)"},
	"process.session_leader.same_as_process": {kind: kBool, field: "proc.is_sid_leader", since: 36, note: "Falco >= 0.36"},
	"container.security_context.privileged":  {kind: kBool, field: "container.privileged"},
	"process.parent.pid":                     {kind: kNum, field: "proc.ppid"},
	"process.session_leader.name":            {kind: kComm, field: "proc.sname", note: "kernel comm of the session leader"},
	"process.session_leader.pid":             {kind: kNum, field: "proc.sid"},

	"user.name":          {kind: kString, field: "user.name"},
	"user.id":            {kind: kNum, field: "user.uid", note: "numeric uid"},
	"process.user.name":  {kind: kString, field: "user.name"},
	"process.user.id":    {kind: kNum, field: "user.uid", note: "numeric uid"},
	"group.name":         {kind: kString, field: "group.name"},
	"group.id":           {kind: kNum, field: "group.gid", note: "numeric gid"},
	"process.group.name": {kind: kString, field: "group.name"},
	"process.group.id":   {kind: kNum, field: "group.gid", note: "numeric gid"},

	"container.id":         {kind: kContainerID, field: "container.id", note: `present -> container.id != host; a value -> container.full_id (Falco >= 0.37; portable: container.id, its first 12 characters)`},
	"file.path":            {kind: kString, field: "fd.name", file: true, note: "file events (opens) only"},
	"file.name":            {kind: kString, field: "fd.filename", file: true, note: "file events (opens) only"},
	"file.directory":       {kind: kString, field: "fd.directory", file: true, note: "file events (opens) only"},
	"file.extension":       {kind: kExt, field: "fd.filename", file: true, approx: "falco/approx-extension", reason: "the name's end after a dot stands for the extension", note: `fd.filename endswith "." + value (approximate; file events only)`},
	"container.name":       {kind: kString, field: "container.name"},
	"container.image.name": {kind: kString, field: "container.image", note: "repository:tag, as Elastic's Falco integration maps it"},
	"container.image.tag":  {kind: kString, field: "container.image.tag"},
}

// DefaultFieldMap returns the built-in mapping (a fresh copy).
func DefaultFieldMap() *FieldMap {
	return &FieldMap{m: maps.Clone(defaultTable)}
}

// lookup returns the row for an ECS field.
func (m *FieldMap) lookup(ecs string) (target, bool) {
	if m == nil {
		return target{}, false
	}
	t, ok := m.m[ecs]
	return t, ok
}

// Rows lists the mapping sorted by ECS name.
func (m *FieldMap) Rows() []FieldRow {
	if m == nil {
		return nil
	}
	keys := slices.Sorted(maps.Keys(m.m))
	rows := make([]FieldRow, 0, len(keys))
	for _, k := range keys {
		t := m.m[k]
		f := t.field
		switch t.kind {
		case kArgs:
			// process.env_vars has no argv[0] counterpart.
			if t.exe != "" {
				f = t.exe + ", " + t.field
			}
		case kEvent:
			if f == "" {
				f = "(dropped)"
			}
		case kCmdline:
			f = t.field + ", " + t.exe
		case kExt:
			f = t.field + ` endswith "."+value`
		case kParentCmdline:
			f = "proc.aexe[1], proc.aargs[1]; proc.pcmdline"
		case kTTY:
			f = "proc.tty != 0"
		case kEntryType:
			f = "container.id != host"
		case kEntrySame:
			f = "proc.is_sid_leader"
		case kArgsCount:
			f = "proc.cmdnargs + 1"
		}
		note := t.note
		if note == "" && t.since > 31 {
			note = fmt.Sprintf("Falco >= 0.%d", t.since)
		}
		rows = append(rows, FieldRow{ECS: k, Falco: f, Note: note})
	}
	return rows
}

// falcoFieldRE is a Falco field name as the condition grammar reads it
// (notes §4.1), with an optional bare [argument]. Field map files must
// match it, so that a mapping can never inject condition syntax.
var falcoFieldRE = regexp.MustCompile(`^[a-zA-Z]+[a-zA-Z0-9_]*(\.[a-zA-Z]+[a-zA-Z0-9_]*)+(\[[a-zA-Z0-9_.\-/]+\])?$`)

// LoadFieldMap reads a YAML field-map file and merges it over the
// built-in map. The file is a mapping with one key, `fields`, mapping ECS
// names to a Falco field name, to null (removes the mapping: rules using
// the field become unsupported), or to a mapping with `falco` (the field),
// `type` (string, the default, or number), `since` ("0.37": the first
// Falco release with the field; later than 0.31 keeps the field out of the
// portable rendering) and `approximate` (a reason: every rule using the
// field is then approximate, with that reason). Problems are diagnostics
// at file:line:col; with any error the map is nil.
func LoadFieldMap(data []byte, name string) (*FieldMap, ir.Diagnostics) {
	var ds ir.Diagnostics
	at := func(n *yaml.Node) ir.Span {
		p := ir.Pos{File: name}
		if n != nil {
			p.Line, p.Col = n.Line, n.Column
		}
		return ir.Span{Start: p, End: p}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		ds.Errorf(at(nil), "falco/field-map", "cannot read field map: %v", err)
		return nil, ds
	}
	m := DefaultFieldMap()
	if len(doc.Content) == 0 {
		return m, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		ds.Errorf(at(root), "falco/field-map", "expected a mapping with a `fields` key")
		return nil, ds
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value != "fields" {
			ds.Errorf(at(k), "falco/field-map", "unknown key %q: expected `fields`", k.Value)
			continue
		}
		if v.Kind != yaml.MappingNode {
			ds.Errorf(at(v), "falco/field-map", "`fields` must map ECS names to Falco fields")
			continue
		}
		for j := 0; j+1 < len(v.Content); j += 2 {
			ek, ev := v.Content[j], v.Content[j+1]
			if ek.Value == "" {
				ds.Errorf(at(ek), "falco/field-map", "empty ECS field name")
				continue
			}
			if old, ok := m.m[ek.Value]; ok && old.kind == kEvent {
				ds.Errorf(at(ek), "falco/field-map", "%s decides the Falco event type and cannot be remapped", ek.Value)
				continue
			}
			if ev.Kind == yaml.ScalarNode && ev.Tag == "!!null" {
				delete(m.m, ek.Value)
				continue
			}
			if t, ok := readTarget(ev, &ds, at); ok {
				m.m[ek.Value] = t
			}
		}
	}
	if ds.HasErrors() {
		return nil, ds
	}
	return m, ds
}

// readTarget reads one field-map value: a field name or a mapping.
func readTarget(n *yaml.Node, ds *ir.Diagnostics, at func(*yaml.Node) ir.Span) (target, bool) {
	t := target{kind: kString}
	switch n.Kind {
	case yaml.ScalarNode:
		t.field = n.Value
		if !falcoFieldRE.MatchString(t.field) {
			ds.Errorf(at(n), "falco/field-map", "%q is not a Falco field name", n.Value)
			return t, false
		}
		return t, true
	case yaml.MappingNode:
	default:
		ds.Errorf(at(n), "falco/field-map", "expected a Falco field name or a mapping with `falco`")
		return t, false
	}
	ok := true
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "falco":
			t.field = v.Value
		case "type":
			switch v.Value {
			case "string":
				t.kind = kString
			case "number":
				t.kind = kNum
			default:
				ds.Errorf(at(v), "falco/field-map", "unknown type %q: expected string or number", v.Value)
				ok = false
			}
		case "since":
			minor, err := parseMinor(v.Value)
			if err != nil {
				ds.Errorf(at(v), "falco/field-map", "since: %v", err)
				ok = false
			}
			t.since = minor
		case "approximate":
			t.approx, t.reason = "falco/approx-field-map", strings.TrimSpace(v.Value)
		case "note":
			t.note = v.Value
		default:
			ds.Errorf(at(k), "falco/field-map", "unknown key %q: expected falco, type, since, approximate or note", k.Value)
			ok = false
		}
	}
	if !falcoFieldRE.MatchString(t.field) {
		ds.Errorf(at(n), "falco/field-map", "%q is not a Falco field name", t.field)
		ok = false
	}
	return t, ok
}

// parseMinor reads "0.37" or "0.37.1" as 37.
func parseMinor(s string) (int, error) {
	parts := strings.Split(strings.TrimSpace(s), ".")
	if len(parts) < 2 || parts[0] != "0" {
		return 0, fmt.Errorf("want a Falco release such as 0.37, got %q", s)
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n < 0 {
		return 0, fmt.Errorf("want a Falco release such as 0.37, got %q", s)
	}
	return n, nil
}
