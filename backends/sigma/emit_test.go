package sigma

import (
	"strings"
	"testing"

	"github.com/eqlx/eqlx/backends/sigma/sigmatest"
	"github.com/eqlx/eqlx/internal/textdiff"
	"github.com/eqlx/eqlx/ir"
)

// detectionText emits one process rule and returns its detection section.
func detectionText(t *testing.T, cond ir.Expr, mode FieldMode) (string, ir.RuleReport) {
	t.Helper()
	files, rep := Emit([]*ir.Rule{rule(process(cond))}, Options{Fields: mode})
	if len(files) != 1 {
		return "", rep.Rules[0]
	}
	s := string(files[0].Data)
	i, j := strings.Index(s, "detection:\n"), strings.Index(s, "falsepositives:")
	return s[i+len("detection:\n") : j], rep.Rules[0]
}

func TestValuesTakeTheModifierTheirShapeCallsFor(t *testing.T) {
	tests := []struct {
		name string
		cond ir.Expr
		mode FieldMode
		want string
	}{
		{"suffix pattern is endswith", like("process.executable", true, "*/bin/sh"), Taxonomy,
			"    selection:\n        Image|endswith: '/bin/sh'\n    condition: selection\n"},
		{"substring pattern is contains", like("process.command_line", true, "*curl *"), Taxonomy,
			"    selection:\n        CommandLine|contains: 'curl '\n    condition: selection\n"},
		{"prefix pattern is startswith", like("process.command_line", true, "curl*"), Taxonomy,
			"    selection:\n        CommandLine|startswith: 'curl'\n    condition: selection\n"},
		{"case-sensitive equality is cased", in("process.executable", "/bin/Sh"), Taxonomy,
			"    selection:\n        Image|cased: '/bin/Sh'\n    condition: selection\n"},
		{"values without letters need no cased", in("process.working_directory", "/", "/1"), Taxonomy,
			"    selection:\n        CurrentDirectory:\n            - '/'\n            - '/1'\n    condition: selection\n"},
		{"literal star, question mark and backslash are escaped", inCI("process.command_line", `a*b?c\d`), Taxonomy,
			`    selection:
        CommandLine: 'a\*b\?c\\d'
    condition: selection
`},
		{"wildcards stay wildcards, backslashes are doubled", like("process.command_line", true, `C:\x?y*z`), Taxonomy,
			`    selection:
        CommandLine: 'C:\\x?y*z'
    condition: selection
`},
		{"regex is anchored and dot-all", regex("process.command_line", false, "a.b"), Taxonomy,
			"    selection:\n        CommandLine|re|s: '^a.b$'\n    condition: selection\n"},
		{"regex~ is re|i, alternation grouped", regex("process.command_line", true, "ab|cd"), Taxonomy,
			"    selection:\n        CommandLine|re|i: '^(ab|cd)$'\n    condition: selection\n"},
		{"lucene anchors are literals", regex("process.command_line", false, "^x$"), Taxonomy,
			`    selection:
        CommandLine|re: '^\^x\$$'
    condition: selection
`},
		{"null test", &ir.IsNull{X: fld("process.command_line")}, Taxonomy,
			"    selection:\n        CommandLine: null\n    condition: selection\n"},
		{"numbers are unquoted, ordering is gte", and(&ir.In{X: fld("process.pid"), Values: []ir.Value{ir.IntValue(1)}},
			&ir.Compare{Op: ir.Ge, Left: fld("process.parent.pid"), Right: &ir.Literal{Value: ir.IntValue(100)}}), Taxonomy,
			"    selection:\n        ProcessId: 1\n        ParentProcessId|gte: 100\n    condition: selection\n"},
		{"constant on the left flips the operator", &ir.Compare{Op: ir.Lt, Left: &ir.Literal{Value: ir.IntValue(5)}, Right: fld("process.pid")}, Taxonomy,
			"    selection:\n        ProcessId|gt: 5\n    condition: selection\n"},
		{"cidrMatch is cidr", call("cidrmatch", false, fld("destination.ip"), lit("10.0.0.0/8")), Taxonomy,
			"    selection:\n        DestinationIp|cidr: '10.0.0.0/8'\n    condition: selection\n"},
		{"startsWith~ is startswith", call("startswith", true, fld("process.command_line"), lit("curl")), Taxonomy,
			"    selection:\n        CommandLine|startswith: 'curl'\n    condition: selection\n"},
		{"process.name is Image endswith a slash and the name", inCI("process.name", "nc", "NC"), Taxonomy,
			"    selection:\n        Image|endswith: '/nc'\n    condition: selection\n"},
		{"process.name pattern starting with a star keeps it", like("process.name", true, "*sh"), Taxonomy,
			"    selection:\n        Image|endswith: 'sh'\n    condition: selection\n"},
		{"file.extension is TargetFilename endswith a dot and the extension", inCI("file.extension", "sh"), Taxonomy,
			"    selection:\n        TargetFilename|endswith: '.sh'\n    condition: selection\n"},
		{"winlog.event_data fields are Sigma's Windows names", inCI("winlog.event_data.TargetImage", "x"), Taxonomy,
			"    selection:\n        TargetImage: 'x'\n    condition: selection\n"},
		{"process.args element is CommandLine contains", inCI("process.args", "-e"), Taxonomy,
			"    selection:\n        CommandLine|contains: '-e'\n    condition: selection\n"},
		{"two args on one event are contains|all", and(inCI("process.args", "-l"), inCI("process.args", "-p")), Taxonomy,
			"    selection:\n        CommandLine|contains|all:\n            - '-l'\n            - '-p'\n    condition: selection\n"},
		{"ecs mode keeps names", and(inCI("process.args", "-l"), inCI("process.name", "nc")), ECS,
			"    selection:\n        process.args: '-l'\n        process.name: 'nc'\n    condition: selection\n"},
		{"ecs mode keeps the os test", and(in("host.os.type", "linux"), inCI("process.name", "nc")), ECS,
			"    selection:\n        host.os.type|cased: 'linux'\n        process.name: 'nc'\n    condition: selection\n"},
		{"ecs mode, same field twice needs two selections", and(in("process.args", "-l"), in("process.args", "-p")), ECS,
			"    selection_process_args:\n        process.args|cased: '-l'\n    selection_process_args_2:\n        process.args|cased: '-p'\n    condition: all of selection_*\n"},
		{"negations are main filters", and(inCI("process.name", "nc"), not(inCI("process.parent.name", "sshd")), not(inCI("user.name", "root"))), Taxonomy,
			`    selection:
        Image|endswith: '/nc'
    filter_main_parent_img:
        ParentImage|endswith: '/sshd'
    filter_main_user:
        User: 'root'
    condition: selection and not 1 of filter_main_*
`},
		{"or of selections is 1 of", or(inCI("process.name", "nc"), inCI("process.command_line", "x")), Taxonomy,
			`    selection_img:
        Image|endswith: '/nc'
    selection_cli:
        CommandLine: 'x'
    condition: 1 of selection_*
`},
		{"nested and inside or is parenthesised", and(inCI("user.name", "root"), or(inCI("process.name", "nc"), and(inCI("process.name", "sh"), not(inCI("process.args", "-c"))))), Taxonomy,
			`    selection_user:
        User: 'root'
    selection_img:
        Image|endswith: '/nc'
    selection_img_2:
        Image|endswith: '/sh'
    filter_cli:
        CommandLine|contains: '-c'
    condition: selection_user and (selection_img or (selection_img_2 and not filter_cli))
`},
		{"a negated startsWith of a field is a plain not (must_not of a prefix query)", not(call("startswith", false, fld("process.command_line"), lit("/tmp"))), Taxonomy,
			`    filter_main_cli:
        CommandLine|startswith|cased: '/tmp'
    condition: not filter_main_cli
`},
		{"a negated script predicate is guarded by exists", not(&ir.Compare{Op: ir.Gt, Left: call("length", false, fld("process.command_line")), Right: &ir.Literal{Value: ir.IntValue(3)}}), Taxonomy,
			`    selection:
        CommandLine|exists: true
    filter_main_cli:
        CommandLine|re|s: '^.{4,}'
    condition: selection and not filter_main_cli
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, rr := detectionText(t, tt.cond, tt.mode)
			if rr.Fidelity == ir.Unsupported {
				t.Fatalf("unsupported: %+v", rr.Reasons)
			}
			if got != tt.want {
				t.Errorf("detection differs (-want +got):\n%s", textdiff.Lines(tt.want, got))
			}
		})
	}
}

func TestFidelityNamesTheReason(t *testing.T) {
	tests := []struct {
		name string
		q    ir.Query
		mode FieldMode
		want ir.Fidelity
		code string
	}{
		{"exact rename", process(and(in("host.os.type", "linux"), in("event.type", "start"), inCI("process.executable", "/bin/sh"))), Taxonomy, ir.Exact, ""},
		{"product only from tags", process(and(in("event.type", "start"), inCI("process.executable", "/bin/sh"))), Taxonomy, ir.Approximate, "sigma/approx-product"},
		{"process.name is approximate", process(and(in("event.type", "start"), inCI("process.name", "sh"))), Taxonomy, ir.Approximate, "sigma/approx-basename"},
		{"process.name is exact in ecs mode", process(inCI("process.name", "sh")), ECS, ir.Exact, ""},
		{"every process event is broader than process_creation", process(inCI("process.executable", "/bin/sh")), Taxonomy, ir.Approximate, "sigma/approx-logsource"},
		{"file creation is file_event", &ir.EventQuery{Category: "file", CategoryField: ir.CategoryField, Cond: and(in("host.os.type", "linux"), in("event.action", "creation"), inCI("file.path", "/etc/x"))}, Taxonomy, ir.Exact, ""},
		{"file rename is not", &ir.EventQuery{Category: "file", CategoryField: ir.CategoryField, Cond: and(in("host.os.type", "linux"), in("event.action", "creation", "rename"), inCI("file.path", "/etc/x"))}, Taxonomy, ir.Approximate, "sigma/approx-logsource"},
		{"fork events", process(and(in("event.type", "start"), in("event.action", "fork", "exec"), inCI("process.executable", "/bin/sh"))), Taxonomy, ir.Approximate, "sigma/approx-fork"},
		{"length() is a regex on characters", process(&ir.Compare{Op: ir.Gt, Left: call("length", false, fld("process.command_line")), Right: &ir.Literal{Value: ir.IntValue(3)}}), ECS, ir.Approximate, "sigma/approx-length"},
		{"length() beyond what RE2 repeats", process(&ir.Compare{Op: ir.Ge, Left: call("length", false, fld("process.command_line")), Right: &ir.Literal{Value: ir.IntValue(2000)}}), ECS, ir.Unsupported, "sigma/unsupported-compare"},
		{"substring() has no sigma form", process(&ir.In{X: call("substring", false, fld("process.name"), &ir.Literal{Value: ir.IntValue(0)}, &ir.Literal{Value: ir.IntValue(2)}), Values: strVals("ab")}), ECS, ir.Unsupported, "sigma/unsupported-computed"},
		{"function of two fields", process(call("startswith", false, fld("process.executable"), fld("process.command_line"))), ECS, ir.Unsupported, "sigma/unsupported-function"},
		{"a stage matching every event of its category", process(in("host.os.type", "linux")), ECS, ir.Exact, ""},
		{"field against field", process(&ir.Compare{Op: ir.Eq, Left: fld("process.pid"), Right: fld("process.parent.pid")}), ECS, ir.Unsupported, "sigma/unsupported-compare"},
		{"string ordering", process(&ir.Compare{Op: ir.Gt, Left: fld("process.name"), Right: lit("a")}), ECS, ir.Unsupported, "sigma/unsupported-compare"},
		{"sample is an unordered correlation", &ir.Sample{By: []ir.Expr{fld("host.id")}, Stages: []*ir.Stage{{Query: process(inCI("process.name", "a")), Runs: 1}, {Query: process(inCI("process.name", "b")), Runs: 1}}}, ECS, ir.Approximate, "sigma/approx-sample"},
		{"until", &ir.Sequence{By: []ir.Expr{fld("host.id")}, MaxSpan: &ir.Duration{Value: 1, Unit: "m"},
			Stages: []*ir.Stage{{Query: process(inCI("process.name", "a")), Runs: 1}, {Query: process(inCI("process.name", "b")), Runs: 1}},
			Until:  &ir.Stage{Query: process(inCI("process.name", "c")), Runs: 1}}, ECS, ir.Unsupported, "sigma/unsupported-until"},
		{"runs are copies of the stage", &ir.Sequence{By: []ir.Expr{fld("host.id")}, MaxSpan: &ir.Duration{Value: 1, Unit: "m"},
			Stages: []*ir.Stage{{Query: process(inCI("process.name", "a")), Runs: 3}}}, ECS, ir.Approximate, "sigma/approx-runs"},
		{"missing event", &ir.Sequence{By: []ir.Expr{fld("host.id")}, MaxSpan: &ir.Duration{Value: 1, Unit: "m"},
			Stages: []*ir.Stage{{Query: process(inCI("process.name", "a")), Runs: 1}, {Query: process(inCI("process.name", "b")), Runs: 1, Missing: true}}}, ECS, ir.Unsupported, "sigma/unsupported-missing-event"},
		{"one-stage sequence", &ir.Sequence{By: []ir.Expr{fld("host.id")}, MaxSpan: &ir.Duration{Value: 1, Unit: "m"},
			Stages: []*ir.Stage{{Query: process(inCI("process.name", "a")), Runs: 1}}}, ECS, ir.Unsupported, "sigma/unsupported-sequence"},
		{"sequence without maxspan", &ir.Sequence{By: []ir.Expr{fld("host.id")},
			Stages: []*ir.Stage{{Query: process(inCI("process.name", "a")), Runs: 1}, {Query: process(inCI("process.name", "b")), Runs: 1}}}, ECS, ir.Approximate, "sigma/approx-timespan"},
		{"sequence is exact in ecs mode", &ir.Sequence{By: []ir.Expr{fld("host.id")}, MaxSpan: &ir.Duration{Value: 30, Unit: "s"},
			Stages: []*ir.Stage{{Query: process(inCI("process.name", "a")), Runs: 1}, {Query: process(inCI("process.name", "b")), Runs: 1}}}, ECS, ir.Exact, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, rep := Emit([]*ir.Rule{rule(tt.q)}, Options{Fields: tt.mode})
			rr := rep.Rules[0]
			if rr.Fidelity != tt.want {
				t.Fatalf("fidelity %s, want %s (reasons %+v)", rr.Fidelity, tt.want, rr.Reasons)
			}
			if (len(files) == 0) != (tt.want == ir.Unsupported) {
				t.Errorf("%d files for a %s rule", len(files), tt.want)
			}
			if tt.code == "" {
				if len(rr.Reasons) > 0 {
					t.Errorf("exact rule with reasons %+v", rr.Reasons)
				}
				return
			}
			found := false
			for _, f := range rr.Reasons {
				found = found || f.Code == tt.code
			}
			if !found {
				t.Errorf("no reason %s in %+v", tt.code, rr.Reasons)
			}
		})
	}
}

func TestFileDeletionIsFileDelete(t *testing.T) {
	q := &ir.EventQuery{Category: "file", CategoryField: ir.CategoryField, Cond: and(in("host.os.type", "linux"), in("event.type", "deletion"), inCI("file.path", "/var/log/x"))}
	files, rep := Emit([]*ir.Rule{rule(q)}, Options{})
	if rep.Rules[0].Fidelity != ir.Exact || !strings.HasPrefix(files[0].Path, "file_delete_lnx_") || !strings.Contains(string(files[0].Data), "category: file_delete\n") {
		t.Errorf("%s %s\n%s", rep.Rules[0].Fidelity, files[0].Path, files[0].Data)
	}
}

func TestStrictDropsApproximateRules(t *testing.T) {
	files, rep := Emit([]*ir.Rule{cmuRule()}, Options{Strict: true})
	if len(files) != 0 || rep.Rules[0].Fidelity != ir.Unsupported {
		t.Fatalf("strict: %d files, fidelity %s", len(files), rep.Rules[0].Fidelity)
	}
	last := rep.Rules[0].Reasons[len(rep.Rules[0].Reasons)-1]
	if last.Code != "sigma/strict" {
		t.Errorf("last reason %s, want sigma/strict", last.Code)
	}
}

func TestStreamIsOneMultiDocumentFile(t *testing.T) {
	r2 := cmuRule()
	r2.Meta.RuleID, r2.Meta.Name = "00000000-0000-4000-8000-000000000002", "Second Rule"
	files, _ := Emit([]*ir.Rule{cmuRule(), r2}, Options{Stream: true})
	if len(files) != 1 || files[0].Path != StreamFile {
		t.Fatalf("got %d files", len(files))
	}
	docs, err := sigmatest.ReadDocs(files[0].Data)
	if err != nil || len(docs) != 2 {
		t.Fatalf("%d docs, %v", len(docs), err)
	}
}

func TestOutputIsByteIdenticalAcrossRuns(t *testing.T) {
	a, _ := Emit([]*ir.Rule{cmuRule()}, Options{})
	for range 20 {
		b, _ := Emit([]*ir.Rule{cmuRule()}, Options{})
		if string(a[0].Data) != string(b[0].Data) || a[0].Path != b[0].Path {
			t.Fatal("output changed between runs")
		}
	}
}

func TestIDsAreStableUUIDv5AndVersioned(t *testing.T) {
	m := ir.Meta{RuleID: "a52a9439-d52c-401c-be37-2785235c6547"}
	id := RuleUUID(m)
	if id != RuleUUID(m) || len(id) != 36 || id[14] != '5' {
		t.Fatalf("bad id %s", id)
	}
	m2 := m
	m2.Version = 2
	if RuleUUID(m2) == id {
		t.Error("versioned rule shares the id of the current one")
	}
}

func TestAnOlderVersionIsRelatedToTheCurrentRule(t *testing.T) {
	cur, old := cmuRule(), cmuRule()
	old.Meta.Version = 2
	files, _ := Emit([]*ir.Rule{cur, old}, Options{})
	if len(files) != 2 || files[0].Path == files[1].Path {
		t.Fatalf("want two distinct files, got %d", len(files))
	}
	docs, err := sigmatest.ReadDocs(files[1].Data)
	if err != nil {
		t.Fatal(err)
	}
	rel, _ := docs[0]["related"].([]any)
	if len(rel) != 1 || rel[0].(map[string]any)["id"] != RuleUUID(cur.Meta) || rel[0].(map[string]any)["type"] != "similar" {
		t.Errorf("related = %v, want the current rule's id as similar", docs[0]["related"])
	}
	if !strings.HasSuffix(docs[0]["title"].(string), "(Version 2)") {
		t.Errorf("title %q does not name the version", docs[0]["title"])
	}
}

func TestTitlesAndTags(t *testing.T) {
	m := ir.Meta{Name: "netcat listener via nc", Version: 3, Threats: []ir.Threat{{Framework: "MITRE ATT&CK",
		Tactic:     ir.Tactic{Name: "Defense Evasion"},
		Techniques: []ir.Technique{{ID: "T1562", Subtechniques: []ir.Technique{{ID: "T1562.001"}}}, {ID: "T1036"}}},
		{Framework: "MITRE ATT&CK", Tactic: ir.Tactic{Name: "Command and Control"}}}}
	if got, want := title(m), "Netcat Listener via Nc (Version 3)"; got != want {
		t.Errorf("title %q, want %q", got, want)
	}
	tr := newTranslator(Options{})
	got := strings.Join(tr.tags(m), " ")
	want := "attack.defense-impairment attack.stealth attack.command-and-control attack.t1685 attack.t1036"
	if got != want {
		t.Errorf("tags %q, want %q", got, want)
	}
}

func TestLoadFieldMap(t *testing.T) {
	m, ds := LoadFieldMap([]byte("fields:\n  container.id: ContainerId\n  process.title: {field: Image, kind: basename}\n"), "map.yml")
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	if tg, _ := m.Lookup("container.id"); tg != (Target{"ContainerId", Rename}) {
		t.Errorf("container.id -> %+v", tg)
	}
	if tg, _ := m.Lookup("process.title"); tg != (Target{"Image", Basename}) {
		t.Errorf("process.title -> %+v", tg)
	}
	if tg, _ := m.Lookup("process.executable"); tg.Field != "Image" {
		t.Errorf("built-in entries lost: %+v", tg)
	}
	_, ds = LoadFieldMap([]byte("fields:\n  a: {field: X, kind: wrong}\n"), "map.yml")
	if !ds.HasErrors() || ds[0].Span.Start.Line != 2 || ds[0].Code != "sigma/field-map" {
		t.Errorf("want a positioned error, got %v", ds)
	}
}
