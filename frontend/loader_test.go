package frontend

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/eqlx/eqlx/ir"
)

// tomlRuleText is a minimal detection-rules file whose [rule] table ends
// with the given query line(s).
func tomlRuleText(query string) string {
	return "[metadata]\nmaturity = \"production\"\n\n[rule]\nname = \"N\"\nrule_id = \"id-1\"\nlanguage = \"eql\"\ntype = \"eql\"\n" + query
}

func pos(file string, off, line, col int) ir.Pos {
	return ir.Pos{File: file, Offset: off, Line: line, Col: col}
}

func TestTOMLQueryPosition(t *testing.T) {
	const header = 8 // lines before the query line in tomlRuleText
	tests := []struct {
		name      string
		text      string
		wantQuery string
		line, col int
		keyOnly   bool
	}{
		{"multi-line literal starts on the next line at column 1",
			tomlRuleText("query = '''\nprocess where true\n'''\n"), "process where true\n", header + 2, 1, false},
		{"multi-line literal on the key's line starts after the quotes",
			tomlRuleText("query = '''process where true'''\n"), "process where true", header + 1, 12, false},
		{"literal string starts after the quote",
			tomlRuleText("query = 'process where true'\n"), "process where true", header + 1, 10, false},
		{"basic string without escapes reads verbatim",
			tomlRuleText("query = \"process where true\"\n"), "process where true", header + 1, 10, false},
		{"indented key is still found",
			tomlRuleText("  query   =   '''\nany where true'''\n"), "any where true", header + 2, 1, false},
		{"CRLF after the opening quotes is dropped",
			tomlRuleText("query = '''\r\nany where true'''\n"), "any where true", header + 2, 1, false},
		{"multi-byte characters before the query count one column each",
			tomlRuleText("query = '''\nany where a == \"é\" or\n  b'''\n"), "any where a == \"é\" or\n  b", header + 2, 1, false},
		{"basic string with escapes falls back to the key",
			tomlRuleText("query = \"process where a == \\\"x\\\"\"\n"), `process where a == "x"`, header + 1, 1, true},
		{"an osquery query in another table is not taken for the rule's",
			"[[transform.osquery]]\nquery = \"SELECT 1\"\n\n" + tomlRuleText("query = '''\nany where true'''\n"), "any where true", header + 5, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := loadTOML("r.toml", []byte(tt.text))
			if u.diags.HasErrors() {
				t.Fatalf("unexpected error: %v", u.diags)
			}
			if u.query != tt.wantQuery {
				t.Errorf("query = %q, want %q", u.query, tt.wantQuery)
			}
			b := u.loc.base
			if b.File != "r.toml" || b.Line != tt.line || b.Col != tt.col || u.loc.keyOnly != tt.keyOnly {
				t.Errorf("base = %v keyOnly=%v, want r.toml:%d:%d keyOnly=%v", b, u.loc.keyOnly, tt.line, tt.col, tt.keyOnly)
			}
			if b != posAt("r.toml", []byte(tt.text), b.Offset) {
				t.Errorf("base offset %d is not at %v", b.Offset, b)
			}
			if !tt.keyOnly && !strings.HasPrefix(tt.text[b.Offset:], tt.wantQuery) {
				t.Errorf("the file at the base offset does not hold the query")
			}
			if u.meta.QueryPos != b {
				t.Errorf("meta.QueryPos = %v, want %v", u.meta.QueryPos, b)
			}
		})
	}
}

func TestTOMLMetadata(t *testing.T) {
	text := `[metadata]
creation_date = "2023/04/26"
integration = "cloud_defend"
maturity = "production"
updated_date = "2024/05/21"

[rule]
author = ["Elastic", "Someone"]
description = "Detects things."
false_positives = ["Admins."]
index = ["logs-a*", "logs-b*"]
language = "eql"
license = "Elastic License v2"
name = "Rule Name"
references = ["https://example.com"]
risk_score = 47
rule_id = "1a289854-5b78-49fe-9440-8a8096b1ab50"
severity = "medium"
tags = ["OS: Linux"]
type = "eql"
version = 3
event_category_override = "event.type"
query = '''
info where true
'''

[[rule.threat]]
framework = "MITRE ATT&CK"
[[rule.threat.technique]]
id = "T1059"
name = "Command and Scripting Interpreter"
reference = "https://attack.mitre.org/techniques/T1059/"
[[rule.threat.technique.subtechnique]]
id = "T1059.004"
name = "Unix Shell"
reference = "https://attack.mitre.org/techniques/T1059/004/"

[rule.threat.tactic]
id = "TA0002"
name = "Execution"
reference = "https://attack.mitre.org/tactics/TA0002/"
`
	u := loadTOML("x.toml", []byte(text))
	if u.diags.HasErrors() || u.skip {
		t.Fatalf("diags %v skip %v", u.diags, u.skip)
	}
	want := ir.Meta{
		File:                  "x.toml",
		QueryPos:              posAt("x.toml", []byte(text), strings.Index(text, "info where")),
		RuleID:                "1a289854-5b78-49fe-9440-8a8096b1ab50",
		Name:                  "Rule Name",
		Description:           "Detects things.",
		Severity:              "medium",
		RiskScore:             47,
		Tags:                  []string{"OS: Linux"},
		References:            []string{"https://example.com"},
		FalsePositives:        []string{"Admins."},
		Author:                []string{"Elastic", "Someone"},
		License:               "Elastic License v2",
		Index:                 []string{"logs-a*", "logs-b*"},
		Language:              "eql",
		Type:                  "eql",
		Version:               3,
		Maturity:              "production",
		CreationDate:          "2023/04/26",
		UpdatedDate:           "2024/05/21",
		Integration:           []string{"cloud_defend"},
		EventCategoryOverride: "event.type",
		Threats: []ir.Threat{{
			Framework: "MITRE ATT&CK",
			Tactic:    ir.Tactic{ID: "TA0002", Name: "Execution", Reference: "https://attack.mitre.org/tactics/TA0002/"},
			Techniques: []ir.Technique{{
				ID: "T1059", Name: "Command and Scripting Interpreter", Reference: "https://attack.mitre.org/techniques/T1059/",
				Subtechniques: []ir.Technique{{ID: "T1059.004", Name: "Unix Shell", Reference: "https://attack.mitre.org/techniques/T1059/004/"}},
			}},
		}},
	}
	if !reflect.DeepEqual(u.meta, want) {
		got, _ := json.MarshalIndent(u.meta, "", " ")
		exp, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("meta differs:\ngot  %s\nwant %s", got, exp)
	}
	if want.QueryPos.Line != 24 || want.QueryPos.Col != 1 {
		t.Errorf("query position %v, want x.toml:24:1", want.QueryPos)
	}
}

// TestShippedRules pins every rules/ file: it loads, it is EQL, and its query
// starts at column 1 of the line after `query = ”'`.
func TestShippedRules(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "rules", "*.toml"))
	if err != nil || len(files) != 9 {
		t.Fatalf("want the 9 rules/ files, got %d (%v)", len(files), err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			u := loadTOML(f, data)
			if u.diags.HasErrors() || u.skip || u.loc.keyOnly {
				t.Fatalf("diags %v skip %v keyOnly %v", u.diags, u.skip, u.loc.keyOnly)
			}
			lines := strings.Split(string(data), "\n")
			for i, l := range lines {
				if l == "query = '''" {
					if want := pos(f, u.loc.base.Offset, i+2, 1); u.loc.base != want {
						t.Errorf("base %v, want %v", u.loc.base, want)
					}
				}
			}
			if u.meta.Name == "" || u.meta.RuleID == "" || len(u.meta.Threats) == 0 {
				t.Errorf("metadata incomplete: %+v", u.meta)
			}
		})
	}
}

func TestTOMLBadInput(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		code      string
		line, col int
		msg       string // a substring of the message
	}{
		{"syntax error names the line and column",
			"[rule]\nname = \"x\"\nrisk_score = = 3\n", CodeTOML, 3, 14, "invalid TOML"},
		{"unterminated multi-line string",
			tomlRuleText("query = '''\nany where true\n"), CodeTOML, 0, 0, "invalid TOML"},
		{"wrong type names the key's line",
			"[rule]\nname = \"x\"\nrisk_score = \"high\"\n", CodeTOML, 3, 1, "risk_score"},
		{"missing query",
			"# c\n[rule]\nname = \"x\"\nrule_id = \"y\"\nlanguage = \"eql\"\n", CodeMissingField, 2, 1, "has no query"},
		{"missing name and rule_id",
			"[rule]\nlanguage = \"eql\"\nquery = 'any where true'\n", CodeMissingField, 1, 1, "has no name, no rule_id"},
		{"duplicate key names the second one",
			"[rule]\nname = 'a'\nname = 'b'\n", CodeTOML, 3, 0, "already been defined"},
		{"control character in a comment",
			"[rule] # \x01\nname = 'a'\n", CodeTOML, 1, 0, "invalid TOML"},
		{"no rule table",
			"[tool.poetry]\nname = \"x\"\n", CodeNotARule, 1, 1, "no [rule] table"},
		{"empty file",
			"", CodeNotARule, 1, 1, "no [rule] table"},
		{"binary garbage",
			"\x00\x01\xff\xfe", CodeTOML, 1, 0, "invalid TOML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := loadTOML("bad.toml", []byte(tt.text))
			if len(u.diags) != 1 || !u.diags.HasErrors() {
				t.Fatalf("want one error, got %v", u.diags)
			}
			d := u.diags[0]
			if d.Code != tt.code || !strings.Contains(d.Msg, tt.msg) || d.Span.Start.File != "bad.toml" {
				t.Errorf("got %s %q at %v; want code %s, message with %q", d.Code, d.Msg, d.Span.Start, tt.code, tt.msg)
			}
			if tt.line > 0 && d.Span.Start.Line != tt.line {
				t.Errorf("line %d, want %d (%s)", d.Span.Start.Line, tt.line, d.Error())
			}
			if tt.col > 0 && d.Span.Start.Col != tt.col {
				t.Errorf("col %d, want %d (%s)", d.Span.Start.Col, tt.col, d.Error())
			}
			if !d.Span.Start.IsValid() {
				t.Errorf("position %v is not valid", d.Span.Start)
			}
		})
	}
}

func TestSkippedLanguages(t *testing.T) {
	tests := []struct {
		name, rule, want string
	}{
		{"kuery", "language = \"kuery\"\ntype = \"query\"\nquery = 'a:b'\n", "kuery"},
		{"esql", "language = \"esql\"\ntype = \"esql\"\nquery = 'from x'\n", "esql"},
		{"lucene", "language = \"lucene\"\nquery = 'a:b'\n", "lucene"},
		{"machine learning has no language", "type = \"machine_learning\"\n", "type:machine_learning"},
		{"nothing at all", "", "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Compile(Source{Name: "s.toml", Data: []byte("[rule]\nname = \"n\"\nrule_id = \"r\"\n" + tt.rule)}, Options{})
			want := []Skipped{{File: "s.toml", RuleID: "r", Name: "n", Language: tt.want}}
			if !reflect.DeepEqual(res.Skipped, want) || len(res.Failed) != 0 || len(res.Rules) != 0 {
				t.Errorf("got %+v, want skipped %+v", res, want)
			}
		})
	}
}

// ndjsonRule is one export line with the given JSON-encoded query.
func ndjsonRule(id, queryJSON string) string {
	return `{"name":"R ` + id + `","rule_id":"` + id + `","language":"eql","type":"eql","severity":"low","risk_score":21,"query":` + queryJSON + `}`
}

func TestNDJSONPositions(t *testing.T) {
	// The query is `process where\n  a == "x\u00e9" and b : "\\"`, escaped.
	q := `"process where\n  a == \"x\u00e9\" and b : \"\\\\\""`
	line2 := ndjsonRule("r2", q)
	text := ndjsonRule("r1", `"any where true"`) + "\n" + line2 + "\n" + `{"exported_count":2,"exported_rules_count":2,"missing_rules":[]}` + "\n"
	units := loadNDJSON("x.ndjson", []byte(text))
	if len(units) != 2 {
		t.Fatalf("want 2 rules (summary line ignored), got %d", len(units))
	}
	u := units[1]
	wantQuery := "process where\n  a == \"x\u00e9\" and b : \"\\\\\""
	if u.query != wantQuery || u.diags != nil {
		t.Fatalf("query %q diags %v, want %q", u.query, u.diags, wantQuery)
	}
	lineOff := len(ndjsonRule("r1", `"any where true"`)) + 1
	qOff := lineOff + strings.Index(line2, `"process`) + 1 // first character inside the quotes
	col := func(off int) int { return off - lineOff + 1 }  // the line is ASCII
	tests := []struct {
		name     string
		queryOff int // byte offset in the decoded query
		fileOff  int // where it must land in the file
	}{
		{"first character", 0, qOff},
		{"the newline escape", len("process where"), qOff + len("process where")},
		{"after an escape, shifted by one", len("process where\n"), qOff + len(`process where\n`)},
		{"an escaped quote maps to its backslash", strings.Index(wantQuery, `"x`), qOff + strings.Index(q, `\"x`) - 1},
		{"both bytes of é map to its \\u escape", strings.Index(wantQuery, "é") + 1, qOff + strings.Index(q, `\u00e9`) - 1},
		{"end of query is the closing quote", len(wantQuery), qOff + len(q) - 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := u.loc.mapPos(ir.Pos{File: "x.ndjson", Offset: tt.queryOff, Line: 1, Col: 1})
			want := pos("x.ndjson", tt.fileOff, 2, col(tt.fileOff))
			if got != want {
				t.Errorf("query offset %d -> %v (offset %d), want %v (offset %d)", tt.queryOff, got, got.Offset, want, want.Offset)
			}
		})
	}
	if u.meta.QueryPos != pos("x.ndjson", qOff, 2, col(qOff)) {
		t.Errorf("QueryPos %v", u.meta.QueryPos)
	}
	if u.meta.Name != "R r2" || u.meta.Severity != "low" || u.meta.RiskScore != 21 {
		t.Errorf("meta %+v", u.meta)
	}
}

func TestNDJSONBadLines(t *testing.T) {
	text := strings.Join([]string{
		ndjsonRule("a", `"any where true"`),
		`{"name": "broken", "rule_id": `,
		ndjsonRule("c", `"any where false"`),
		`{"name":"no query","rule_id":"d","language":"eql"}`,
		`{"name":"typed","rule_id":"e","language":"eql","risk_score":"high","query":"any where true"}`,
		`{"name":"kql","rule_id":"f","language":"kuery","query":"a:b"}`,
		"",
	}, "\n")
	units := loadNDJSON("x.ndjson", []byte(text))
	type got struct {
		id   string
		line int
		code string
		skip bool
	}
	var gots []got
	for _, u := range units {
		g := got{id: u.meta.RuleID, skip: u.skip}
		if len(u.diags) > 0 {
			g.line, g.code = u.diags[0].Span.Start.Line, u.diags[0].Code
		}
		gots = append(gots, g)
	}
	want := []got{
		{id: "a"},
		{line: 2, code: CodeJSON},
		{id: "c"},
		{id: "d", line: 4, code: CodeMissingField},
		{line: 5, code: CodeJSON},
		{id: "f", skip: true},
	}
	if !reflect.DeepEqual(gots, want) {
		t.Errorf("got %+v\nwant %+v", gots, want)
	}
	if d := units[4].diags[0]; !strings.Contains(d.Msg, "risk_score") {
		t.Errorf("type error does not name the field: %v", d)
	}
}

func TestJSONShapes(t *testing.T) {
	pretty := "{\n  \"name\": \"P\",\n  \"rule_id\": \"p\",\n  \"language\": \"eql\",\n  \"query\": \"any where\\n true\"\n}\n"
	tests := []struct {
		name  string
		text  string
		ids   []string
		errAt int // line of the one error, 0 for none
	}{
		{"pretty-printed single object", pretty, []string{"p"}, 0},
		{"array of rules", "[" + ndjsonRule("a", `"any where true"`) + ",\n " + ndjsonRule("b", `"any where true"`) + "]", []string{"a", "b"}, 0},
		{"broken pretty-printed object is one error", "{\n \"name\": \"P\",\n \"rule_id\": }\n", nil, 3},
		{"empty file has no rules", "", nil, 0},
		{"a top-level number is not a rule", "42\n", nil, 1},
		{"an array of non-objects is one error each", "[1, \"x\"]", nil, 1},
		{"blank lines are ignored", "\n\n" + ndjsonRule("a", `"any where true"`) + "\n\n", []string{"a"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			units := loadNDJSON("x.json", []byte(tt.text))
			var ids []string
			errAt := 0
			for _, u := range units {
				if u.diags.HasErrors() {
					errAt = u.diags[0].Span.Start.Line
					continue
				}
				ids = append(ids, u.meta.RuleID)
			}
			if !reflect.DeepEqual(ids, tt.ids) || errAt != tt.errAt {
				t.Errorf("ids %v error line %d, want %v %d", ids, errAt, tt.ids, tt.errAt)
			}
		})
	}
	u := loadNDJSON("x.json", []byte(pretty))[0]
	if got := u.loc.mapPos(ir.Pos{Offset: len("any where\n"), Line: 2, Col: 1}); got.Line != 5 || got.Col != len(`  "query": "any where\n `) {
		t.Errorf("mapped to %v, want x.json:5:%d", got, len(`  "query": "any where\n `))
	}
}

// TestUnquoteJSONAgreesWithEncodingJSON: the offset map is only trusted when
// the text it builds is what encoding/json decodes.
func TestUnquoteJSONAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range []string{
		`""`, `"plain"`, `"a\nb\tc\r\"\\\/"`, `"\u00e9\u4e2d"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ud83dx"`,
		`"\b\f"`, "\"caf\xc3\xa9\"", "\"bad \xff byte\"", `"\u0000"`,
	} {
		got, offs, ok := unquoteJSON([]byte(s))
		var want string
		if err := json.Unmarshal([]byte(s), &want); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if !ok || got != want || len(offs) != len(got)+1 {
			t.Errorf("unquoteJSON(%s) = %q, %d offsets, %v; want %q", s, got, len(offs), ok, want)
		}
	}
	for _, s := range []string{`"\x"`, `"\u12"`, `"abc`, `x`, `"\"`} {
		if _, _, ok := unquoteJSON([]byte(s)); ok {
			t.Errorf("unquoteJSON(%s) accepted a malformed literal", s)
		}
	}
}

func TestRawEQL(t *testing.T) {
	tests := []struct {
		name     string
		src      Source
		opt      Options
		wantName string
		wantID   string
		wantSev  string
		wantOff  int
	}{
		{"defaults come from the file stem", Source{"dir/my_rule.eql", []byte("any where true")}, Options{},
			"my_rule", nameUUID("my_rule"), "medium", 0},
		{"options win", Source{"q.eql", []byte("any where true")}, Options{Name: "N", RuleID: "ID", Severity: "high", CategoryField: "event.type"},
			"N", "ID", "high", 0},
		{"stdin is named stdin", Source{"-", []byte("any where true")}, Options{},
			"stdin", nameUUID("stdin"), "medium", 0},
		{"a byte order mark is not part of the query", Source{"b.eql", []byte("\xef\xbb\xbfany where true")}, Options{},
			"b", nameUUID("b"), "medium", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := load(tt.src, tt.opt)[0]
			m := u.meta
			if m.Name != tt.wantName || m.RuleID != tt.wantID || m.Severity != tt.wantSev || m.Language != "eql" || m.EventCategoryOverride != tt.opt.CategoryField {
				t.Errorf("meta %+v", m)
			}
			if want := pos(tt.src.Name, tt.wantOff, 1, 1); m.QueryPos != want || u.loc.base != want || u.query != "any where true" {
				t.Errorf("base %v query %q, want %v", m.QueryPos, u.query, want)
			}
		})
	}
}

func TestNameUUIDIsStableVersion5(t *testing.T) {
	a, b := nameUUID("x"), nameUUID("x")
	if a != b || a == nameUUID("y") {
		t.Fatalf("not stable or not distinct: %s %s", a, nameUUID("y"))
	}
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(a) {
		t.Errorf("%s is not a version-5 UUID", a)
	}
}

func TestFormatOf(t *testing.T) {
	tests := []struct {
		name string
		src  Source
		opt  Format
		want Format
	}{
		{"toml extension", Source{"a.TOML", nil}, Auto, TOML},
		{"ndjson extension", Source{"a.ndjson", nil}, Auto, NDJSON},
		{"json extension", Source{"a.json", nil}, Auto, NDJSON},
		{"eql extension", Source{"a.eql", []byte("[rule]\n")}, Auto, EQL},
		{"forced format wins", Source{"a.toml", nil}, EQL, EQL},
		{"stdin with a rule table is TOML", Source{"-", []byte("# x\n[metadata]\n[rule]\nname='x'")}, Auto, TOML},
		{"stdin with an object is NDJSON", Source{"-", []byte("\n {\"a\":1}")}, Auto, NDJSON},
		{"stdin with a sequence is EQL", Source{"-", []byte("sequence\n  [process where true]\n  [file where true]")}, Auto, EQL},
		{"empty stdin is EQL", Source{"-", nil}, Auto, EQL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := formatOf(tt.src, Options{Format: tt.opt}); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestExpandWalksSortedAndSkipsHidden(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"b/z.toml", "b/a.eql", "a.ndjson", "c.json", "notes.md", ".git/x.toml", "b/.hidden/y.toml"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files, errs := expand([]string{dir, filepath.Join(dir, "notes.md"), filepath.Join(dir, "missing.toml"), "-"})
	var rel []string
	for _, f := range files {
		r, _ := filepath.Rel(dir, f)
		if f == "-" {
			r = "-"
		}
		rel = append(rel, filepath.ToSlash(r))
	}
	want := []string{"a.ndjson", "b/a.eql", "b/z.toml", "c.json", "notes.md", "-"}
	if !reflect.DeepEqual(rel, want) {
		t.Errorf("files %v, want %v", rel, want)
	}
	if len(errs) != 1 || !os.IsNotExist(errs[0]) {
		t.Errorf("errors %v, want one not-exist error", errs)
	}
}
