package eql

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/eqlx/eqlx/ir"
)

// corpusDir is elastic/detection-rules' EQL rules, beside the repository
// (frontend/eql -> ../../../shared).
var corpusDir = filepath.Join("..", "..", "..", "shared", "corpus", "detection-rules")

// corpusRule is one rule's query and where it sits in its file.
type corpusRule struct {
	path  string // relative to corpusDir
	file  []byte // the whole rule file
	query string
	opt   Options
}

// loadCorpus reads every EQL rule under rules/ and rules_building_block/,
// or skips the test when the corpus is not there.
func loadCorpus(tb testing.TB) []corpusRule {
	tb.Helper()
	if _, err := os.Stat(corpusDir); err != nil {
		tb.Skipf("corpus not available: %v", err)
	}
	rules, err := readCorpus()
	if err != nil {
		tb.Fatal(err)
	}
	return rules
}

// readCorpus reads the corpus's EQL rules in sorted path order. A query is a
// TOML multi-line literal string (three single quotes), so its first
// character is the first byte of the line after the one that opens it, and
// every later byte maps one to one onto the file.
func readCorpus() ([]corpusRule, error) {
	var paths []string
	for _, top := range []string{"rules", "rules_building_block"} {
		err := filepath.WalkDir(filepath.Join(corpusDir, top), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(path, ".toml") {
				paths = append(paths, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(paths)
	var out []corpusRule
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		var doc struct {
			Rule struct {
				Language              string `toml:"language"`
				Query                 string `toml:"query"`
				EventCategoryOverride string `toml:"event_category_override"`
			} `toml:"rule"`
		}
		if _, err := toml.Decode(string(data), &doc); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if doc.Rule.Language != "eql" {
			continue
		}
		rel, err := filepath.Rel(corpusDir, path)
		if err != nil {
			return nil, err
		}
		marker := []byte("query = '''\n")
		at := bytes.Index(data, marker)
		if at < 0 {
			return nil, fmt.Errorf("%s: no line opening the query as a multi-line literal string", path)
		}
		start := at + len(marker)
		if !bytes.HasPrefix(data[start:], []byte(doc.Rule.Query)) {
			return nil, fmt.Errorf("%s: the decoded query is not the raw text after its opening line", path)
		}
		line := 1 + bytes.Count(data[:start], []byte("\n"))
		out = append(out, corpusRule{
			path:  filepath.ToSlash(rel),
			file:  data,
			query: doc.Rule.Query,
			opt: Options{
				Base:          ir.Pos{File: filepath.ToSlash(rel), Offset: start, Line: line, Col: 1},
				CategoryField: doc.Rule.EventCategoryOverride,
			},
		})
	}
	return out, nil
}

// TestCorpus requires every EQL rule of elastic/detection-rules to parse and
// lower without a diagnostic; a failure names file:line:col in the rule file.
func TestCorpus(t *testing.T) {
	rules := loadCorpus(t)
	if len(rules) != 1081 {
		t.Errorf("found %d EQL rules in the corpus, want 1081", len(rules))
	}
	for _, r := range rules {
		t.Run(r.path, func(t *testing.T) {
			q, ds := Parse(r.query, r.opt)
			for _, d := range ds {
				t.Errorf("%s [%s]", d.Error(), d.Code)
			}
			if q == nil {
				t.Fatal("no query")
			}
			want := r.opt.CategoryField
			if want == "" {
				want = ir.CategoryField
			}
			checkCategoryField(t, q, want)
			checkFieldSpans(t, r.file, q)
		})
	}
}

// checkCategoryField checks that every event query tests the rule's
// category field (event_category_override).
func checkCategoryField(t *testing.T, q ir.Query, want string) {
	t.Helper()
	var events []*ir.EventQuery
	switch q := q.(type) {
	case *ir.EventQuery:
		events = append(events, q)
	case *ir.Sequence:
		for _, s := range q.Stages {
			events = append(events, s.Query)
		}
		if q.Until != nil {
			events = append(events, q.Until.Query)
		}
	case *ir.Sample:
		for _, s := range q.Stages {
			events = append(events, s.Query)
		}
	}
	for _, e := range events {
		if e.CategoryField != want {
			t.Errorf("%s: category field %q, want %q", e.Span, e.CategoryField, want)
		}
	}
}

// checkFieldSpans checks that positions point into the rule file: the
// bytes under every field's span spell the field.
func checkFieldSpans(t *testing.T, file []byte, q ir.Query) {
	t.Helper()
	ir.WalkQuery(q, func(e ir.Expr) bool {
		f, ok := e.(*ir.Field)
		if !ok {
			return true
		}
		sp := f.Span
		if sp.Start.Offset < 0 || sp.End.Offset > len(file) || sp.Start.Offset >= sp.End.Offset {
			t.Errorf("%s: field %s has span %+v", sp, f.Path, sp)
			return true
		}
		text := string(file[sp.Start.Offset:sp.End.Offset])
		if got := strings.NewReplacer("`", "", "?", "").Replace(text); got != f.Path {
			t.Errorf("%s: the span of field %s covers %q", sp, f.Path, text)
		}
		line := 1 + bytes.Count(file[:sp.Start.Offset], []byte("\n"))
		if line != sp.Start.Line {
			t.Errorf("%s: field %s is on line %d of the file", sp, f.Path, line)
		}
		return true
	})
}

// BenchmarkParseCorpus parses and lowers all 1,081 corpus queries per
// iteration.
func BenchmarkParseCorpus(b *testing.B) {
	rules := loadCorpus(b)
	total := 0
	for _, r := range rules {
		total += len(r.query)
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, r := range rules {
			if _, ds := Parse(r.query, r.opt); ds.HasErrors() {
				b.Fatalf("%s: %v", r.path, ds)
			}
		}
	}
}

// BenchmarkParseLargest parses the corpus's largest query: `dll.name : (`
// and 2,609 values.
func BenchmarkParseLargest(b *testing.B) {
	var largest corpusRule
	for _, r := range loadCorpus(b) {
		if r.path == "rules/windows/defense_evasion_masquerading_windows_dll.toml" {
			largest = r
		}
	}
	if largest.query == "" {
		b.Skip("largest query not found")
	}
	b.SetBytes(int64(len(largest.query)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, ds := Parse(largest.query, largest.opt); ds.HasErrors() {
			b.Fatal(ds)
		}
	}
}
