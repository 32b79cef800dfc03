package falco

import (
	"bytes"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/eqlx/eqlx/backends/falco/falcotest"
	"github.com/eqlx/eqlx/ir"
)

// readRules reads a rules file back as YAML.
func readRules(t *testing.T, data []byte) []map[string]any {
	t.Helper()
	var items []map[string]any
	if err := yaml.Unmarshal(data, &items); err != nil {
		t.Fatalf("rules file is not valid YAML: %v\n%s", err, data)
	}
	return items
}

func TestRenderWritesOneRuleFileWithEveryKey(t *testing.T) {
	r := rule(exec(in("process.name", "nc"), like("container.id", false, "*")))
	files, rep := Render([]*ir.Rule{r}, Options{})
	if len(files) != 1 || files[0].Path != RulesFile {
		t.Fatalf("files %v", files)
	}
	items := readRules(t, files[0].Data)
	if len(items) != 3 || items[0]["required_engine_version"] != "0.57.0" || items[1]["required_plugin_versions"] == nil {
		t.Fatalf("items %v", items)
	}
	got := items[2]
	for k, want := range map[string]any{
		"rule": "Test Rule", "desc": "A test rule.", "priority": "WARNING", "source": "syscall",
		"condition": "evt.type in (execve, execveat)\nand proc.name = \"nc\"\nand container.id != host",
	} {
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
	tags := got["tags"].([]any)
	wantTags := []string{"container", "process", "mitre_execution", "T1059", "T1059.004"}
	for i, w := range wantTags {
		if i >= len(tags) || tags[i] != w {
			t.Fatalf("tags %v, want %v", tags, wantTags)
		}
	}
	out := got["output"].(string)
	for _, f := range []string{"%evt.time", "%user.name", "%proc.exepath", "%proc.cmdline", "%proc.pname", "%container.id", "%container.image.repository", "proc_name=%proc.name"} {
		if !strings.Contains(out, f) {
			t.Errorf("output lacks %s: %s", f, out)
		}
	}
	if len(rep.Rules) != 1 || rep.Rules[0].Backend != Backend || rep.Rules[0].Fidelity != ir.Exact {
		t.Errorf("report %+v", rep)
	}
}

func TestRenderPortableEngineVersionAndNoPlugin(t *testing.T) {
	files, _ := Render([]*ir.Rule{rule(exec(like("container.id", false, "*")))}, Options{Version: Portable})
	items := readRules(t, files[0].Data)
	if items[0]["required_engine_version"] != 12 || len(items) != 2 {
		t.Fatalf("items %v", items)
	}
}

// TestRenderUniqueNames: the older version of a rule that has the same
// name gets " (vN)", and an unversioned repeat " (2)".
func TestRenderUniqueNames(t *testing.T) {
	a := rule(exec(in("process.name", "a")))
	b := rule(exec(in("process.name", "b")))
	b.Meta.Version = 3
	c := rule(exec(in("process.name", "c")))
	files, _ := Render([]*ir.Rule{b, a, c}, Options{})
	var names []string
	for _, it := range readRules(t, files[0].Data) {
		if n, ok := it["rule"].(string); ok {
			names = append(names, n)
		}
	}
	if strings.Join(names, "|") != "Test Rule (v3)|Test Rule|Test Rule (2)" {
		t.Errorf("names %q", names)
	}
}

// TestRenderLeavesOutUnsupportedWithAComment.
func TestRenderLeavesOutUnsupportedWithAComment(t *testing.T) {
	bad := rule(&ir.Sample{Stages: []*ir.Stage{{Query: exec()}}})
	bad.Meta.File, bad.Meta.Name = "rules/sample.toml", "Sample\nRule"
	files, rep := Render([]*ir.Rule{bad, rule(exec(in("process.name", "a")))}, Options{})
	data := string(files[0].Data)
	if !strings.Contains(data, "# not converted: rules/sample.toml (rule_id 00000000-0000-4000-8000-000000000001, \"Sample Rule\"): falco/unsupported-sample") {
		t.Errorf("no comment for the unsupported rule:\n%s", data)
	}
	if n := len(readRules(t, files[0].Data)); n != 2 {
		t.Errorf("%d items, want 2 (the engine version and one rule)", n)
	}
	if rep.Rules[0].Fidelity != ir.Unsupported || rep.Rules[1].Fidelity != ir.Exact {
		t.Errorf("report %+v", rep.Rules)
	}
}

// TestRenderHostileMetadata: names, descriptions and tags that hold YAML
// or Falco syntax stay data, and '%' never reaches the output format.
func TestRenderHostileMetadata(t *testing.T) {
	r := rule(exec(in("process.name", "a")))
	r.Meta.Name = "100% evil: - [x] # y\u2028z"
	r.Meta.Description = "line1\n- rule: injected\n  condition: evt.num = 0\n\ttab \"q\" 'q' %proc.name"
	r.Meta.Threats[0].Tactic.Name = "Defense Evasion"
	r.Meta.Threats[0].Techniques[0].ID = "T1059, ]x"
	files, _ := Render([]*ir.Rule{r}, Options{})
	items := readRules(t, files[0].Data)
	if len(items) != 2 {
		t.Fatalf("%d items:\n%s", len(items), files[0].Data)
	}
	got := items[1]
	if got["desc"] != strings.TrimSpace(r.Meta.Description) {
		t.Errorf("desc %q", got["desc"])
	}
	out := got["output"].(string)
	if strings.Contains(strings.SplitN(out, "|", 2)[0], "%") {
		t.Errorf("a %% from the name reaches the output: %q", out)
	}
	if tags := got["tags"].([]any); tags[0] != "host" || tags[3] != "mitre_defense_evasion" || tags[4] != "T1059x" {
		t.Errorf("tags %v", tags)
	}
}

// TestRenderIsDeterministic: the same input gives the same bytes.
func TestRenderIsDeterministic(t *testing.T) {
	rules := []*ir.Rule{rule(exec(in("process.name", "a", "b"), like("process.args", true, "-*l*"))), rule(process(in("event.type", "start")))}
	a, _ := Render(rules, Options{})
	for i := 0; i < 5; i++ {
		b, _ := Render(rules, Options{})
		if !bytes.Equal(a[0].Data, b[0].Data) {
			t.Fatal("two renderings differ")
		}
	}
}

// TestRenderedConditionsParse: the conditions in the file (multi-line)
// parse in their dialect.
func TestRenderedConditionsParse(t *testing.T) {
	rules := []*ir.Rule{rule(exec(or(in("process.name", "a"), and(like("process.args", true, "-*l*"), not(in("process.parent.name", "b"))))))}
	for _, v := range []Version{Current, Portable} {
		files, _ := Render(rules, Options{Version: v})
		for _, it := range readRules(t, files[0].Data) {
			if cond, ok := it["condition"].(string); ok {
				if err := falcotest.ParseCurrent(cond); err != nil {
					t.Errorf("%s: %v\n%s", v, err, cond)
				}
				if v == Portable {
					if err := falcotest.ParsePortable(cond); err != nil {
						t.Errorf("%s: %v\n%s", v, err, cond)
					}
				}
			}
		}
	}
}
