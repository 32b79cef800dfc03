package frontend

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eqlx/eqlx/frontend/eql"
	"github.com/eqlx/eqlx/ir"
	"github.com/eqlx/eqlx/ir/pass"
)

// corpusDir is elastic/detection-rules' EQL rules, beside the repository.
var corpusDir = filepath.Join("..", "..", "shared", "corpus", "detection-rules")

// corpusFiles lists the corpus rule files, failing the test if the corpus
// is not there (CI must have it).
func corpusFiles(t testing.TB) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".toml") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatalf("the detection-rules corpus must be at %s: %v", corpusDir, err)
	}
	return files
}

// TestCorpus: every one of the 1,081 detection-rules EQL rules parses,
// lowers and normalises, with no error.
func TestCorpus(t *testing.T) {
	files := corpusFiles(t)
	if len(files) != 1081 {
		t.Errorf("corpus has %d rule files, want 1081", len(files))
	}
	for _, f := range files {
		rel, _ := filepath.Rel(corpusDir, f)
		t.Run(rel, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			res := Compile(Source{Name: f, Data: data}, Options{})
			for _, fail := range res.Failed {
				t.Errorf("%v", fail.Diags)
			}
			if len(res.Rules) != 1 || len(res.Skipped) != 0 {
				t.Fatalf("got %d rules, %d skipped; want 1 rule", len(res.Rules), len(res.Skipped))
			}
			if r := res.Rules[0]; r.Meta.QueryPos.Line < 2 || r.Meta.QueryPos.Col != 1 || r.Query.Loc().Start.File != f {
				t.Errorf("query at %v, query span starts at %v", r.Meta.QueryPos, r.Query.Loc().Start)
			}
		})
	}
}

// TestRoundTrip: printing a rule's IR and compiling the text again gives the
// same IR, and printing that gives the same text.
func TestRoundTrip(t *testing.T) {
	shipped, _ := filepath.Glob(filepath.Join("..", "rules", "*.toml"))
	for _, f := range append(shipped, corpusFiles(t)...) {
		t.Run(f, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			res := Compile(Source{Name: f, Data: data}, Options{})
			if len(res.Rules) != 1 {
				t.Fatalf("does not compile: %+v", res.Failed)
			}
			r := res.Rules[0]
			text := ir.Print(r.Query)
			q, ds := eql.Parse(text, eql.Options{Base: ir.Pos{File: "printed", Line: 1, Col: 1}, CategoryField: r.Meta.EventCategoryOverride})
			if ds.HasErrors() {
				t.Fatalf("printed IR does not parse: %v\n%s", ds, text)
			}
			again := &ir.Rule{Meta: r.Meta, Query: q}
			pass.Normalize(again)
			if !ir.Equal(r.Query, again.Query) {
				t.Errorf("IR differs after a round trip; printed:\n%s\nreprinted:\n%s", text, ir.Print(again.Query))
			}
			if re := ir.Print(again.Query); re != text {
				t.Errorf("printing is not stable:\n%s\nthen:\n%s", text, re)
			}
		})
	}
}

// TestQueryErrorPositions: a syntax error in a query points into the file
// that holds it, whatever the format.
func TestQueryErrorPositions(t *testing.T) {
	tests := []struct {
		name      string
		src       Source
		line, col int
	}{
		{"raw EQL, end of query", Source{"q.eql", []byte("process where\n  process.name == ")}, 2, 18},
		{"raw EQL, bad token", Source{"q.eql", []byte("process where\n  process.name == )")}, 2, 19},
		{"TOML literal string, end of query is right after the last token", Source{"r.toml", []byte(tomlRuleText("query = '''\nprocess where\n  process.name == \n'''\n"))}, 11, 18},
		{"TOML literal string, bad token", Source{"r.toml", []byte(tomlRuleText("query = '''\nprocess where\n  process.name == )\n'''\n"))}, 11, 19},
		{"TOML basic string with escapes points at the key", Source{"r.toml", []byte(tomlRuleText("query = \"process where a == \\\"x\\\" and )\"\n"))}, 9, 1},
		{"NDJSON, end of query is the closing quote", Source{"x.ndjson", []byte(ndjsonRule("a", `"any where true"`) + "\n" + ndjsonRule("b", `"process where\n  process.name == \"x\" and"`) + "\n")},
			2, len(ndjsonRule("b", `"process where\n  process.name == \"x\" and`))},
		{"NDJSON, bad token after escapes", Source{"x.ndjson", []byte(ndjsonRule("b", `"process where\n  process.name == \"x\" and )"`) + "\n")},
			1, len(ndjsonRule("b", `"process where\n  process.name == \"x\" and `))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Compile(tt.src, Options{})
			if len(res.Failed) != 1 || len(res.Failed[0].Diags) == 0 {
				t.Fatalf("want one failure, got %+v", res)
			}
			p := res.Failed[0].Diags[0].Span.Start
			if p.File != tt.src.Name || p.Line != tt.line || p.Col != tt.col {
				t.Errorf("error at %v, want %s:%d:%d (%v)", p, tt.src.Name, tt.line, tt.col, res.Failed[0].Diags)
			}
		})
	}
}

// TestQuotedPositionsAreInTheFile: a position that a message quotes (the
// bracket left open) is in the file's line:col, like the diagnostic's own,
// also when the query was decoded from a JSON string with escapes.
func TestQuotedPositionsAreInTheFile(t *testing.T) {
	for _, c := range []struct{ name, file, text, open string }{
		{"NDJSON with escapes", "x.ndjson", ndjsonRule("c", `"process where a == \"x\" and (b == 1"`) + "\n", "and ("},
		{"TOML literal string", "r.toml", tomlRuleText("query = '''\nprocess where a == \"x\" and (b == 1\n'''\n"), "and ("},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := Compile(Source{c.file, []byte(c.text)}, Options{})
			if len(res.Failed) != 1 || len(res.Failed[0].Diags) == 0 {
				t.Fatalf("want one failure, got %+v", res)
			}
			off := strings.Index(c.text, c.open) + len(c.open) - 1
			line := strings.Count(c.text[:off], "\n") + 1
			col := off - strings.LastIndex(c.text[:off], "\n")
			want := fmt.Sprintf(`to close "(" at %d:%d,`, line, col)
			if msg := res.Failed[0].Diags[0].Msg; !strings.Contains(msg, want) {
				t.Errorf("message %q, want it to contain %q", msg, want)
			}
		})
	}
}

// TestOneBrokenRuleDoesNotStopTheOthers: a directory with a broken TOML file,
// a rule with a bad query and good rules gives the good rules and one
// failure each for the bad.
func TestOneBrokenRuleDoesNotStopTheOthers(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"a_good.toml":     tomlRuleText("query = '''\nprocess where process.name == \"nc\"\n'''\n"),
		"b_broken.toml":   "[rule]\nname = = \"x\"\n",
		"c_badquery.toml": tomlRuleText("query = '''\nprocess where process.name == \n'''\n"),
		"d_good.eql":      "network where destination.port == 4444",
		"e_kql.toml":      "[rule]\nname = \"k\"\nrule_id = \"k\"\nlanguage = \"kuery\"\nquery = 'a:b'\n",
		"f_export.ndjson": ndjsonRule("x", `"any where true"`) + "\n{broken\n" + ndjsonRule("y", `"file where file.name : \"*.sh\""`) + "\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := CompileFiles([]string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range res.Rules {
		got = append(got, filepath.Base(r.Meta.File)+":"+r.Meta.Name)
	}
	want := []string{"a_good.toml:N", "d_good.eql:d_good", "f_export.ndjson:R x", "f_export.ndjson:R y"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("rules %v, want %v", got, want)
	}
	var failed []string
	for _, f := range res.Failed {
		failed = append(failed, filepath.Base(f.File)+":"+f.Diags[0].Code)
	}
	if len(failed) != 3 || !strings.HasPrefix(failed[0], "b_broken.toml:load/toml") || !strings.HasPrefix(failed[1], "c_badquery.toml:") || failed[2] != "f_export.ndjson:load/json" {
		t.Errorf("failures %v", failed)
	}
	if len(res.Skipped) != 1 || res.Total() != 8 {
		t.Errorf("skipped %v, total %d", res.Skipped, res.Total())
	}
}

// BenchmarkParseCorpus loads, parses, lowers and normalises the whole
// detection-rules corpus (1,081 rules) from memory, on one goroutine.
func BenchmarkParseCorpus(b *testing.B) {
	var srcs []Source
	for _, f := range corpusFiles(b) {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		srcs = append(srcs, Source{Name: f, Data: data})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, s := range srcs {
			if res := Compile(s, Options{}); len(res.Failed) > 0 {
				b.Fatalf("%v", res.Failed[0].Diags)
			}
		}
	}
}

// BenchmarkLoadCorpus is the loaders' share of BenchmarkParseCorpus: reading
// the 1,081 TOML files' metadata and locating their queries, without parsing.
func BenchmarkLoadCorpus(b *testing.B) {
	var srcs []Source
	for _, f := range corpusFiles(b) {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		srcs = append(srcs, Source{Name: f, Data: data})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, s := range srcs {
			if us := load(s, Options{}); len(us) != 1 || us[0].diags != nil {
				b.Fatalf("%s: %v", s.Name, us)
			}
		}
	}
}

// FuzzCompile: no input panics, and every failure points into the file.
func FuzzCompile(f *testing.F) {
	names := []string{"r.toml", "x.ndjson", "q.eql", "-"}
	shipped, _ := filepath.Glob(filepath.Join("..", "rules", "*.toml"))
	for _, p := range shipped {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(uint8(0), data)
		}
	}
	f.Add(uint8(1), []byte(ndjsonRule("a", `"process where\n a == \"\u00e9\""`)+"\n"))
	f.Add(uint8(2), []byte("sequence by host.id [process where true] [file where true]"))
	f.Add(uint8(3), []byte("{\"rule_id\":1}"))
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		name := names[int(kind)%len(names)]
		res := Compile(Source{Name: name, Data: data}, Options{})
		for _, fail := range res.Failed {
			if !fail.Diags.HasErrors() {
				t.Errorf("failure without an error: %+v", fail)
			}
			for _, d := range fail.Diags {
				if d.Span.Start.File != name || !d.Span.Start.IsValid() || d.Span.Start.Offset > len(data) {
					t.Errorf("diagnostic without a position in the file: %+v", d)
				}
			}
		}
	})
}
