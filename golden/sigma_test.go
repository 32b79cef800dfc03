package golden

import (
	"bufio"
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/eqlx/eqlx/backends/native"
	"github.com/eqlx/eqlx/backends/sigma"
	"github.com/eqlx/eqlx/backends/sigma/sigmatest"
	"github.com/eqlx/eqlx/internal/goldentest"
	"github.com/eqlx/eqlx/ir"
)

// TestSigmaGolden pins the Sigma output for rules/: golden/sigma/<file>.yml
// per rule (taxonomy fields), golden/sigma/ecs/ (ECS fields), the
// correlations of golden/corpus/rules in golden/sigma/corpus/, and each
// set's report.json. `go test ./golden -update` rewrites them.
func TestSigmaGolden(t *testing.T) {
	rules := shippedRules(t)
	// The test-only sequence and sample rules of golden/corpus/rules pin the
	// correlation output (golden/sigma/corpus/).
	seqFiles, _ := filepath.Glob(filepath.Join("corpus", "rules", "*.toml"))
	seqRules := compileFromRoot(t, seqFiles)
	for _, set := range []struct {
		dir   string
		rules []*ir.Rule
		mode  sigma.FieldMode
	}{
		{filepath.Join("sigma"), rules, sigma.Taxonomy},
		{filepath.Join("sigma", "ecs"), rules, sigma.ECS},
		{filepath.Join("sigma", "corpus"), seqRules, sigma.Taxonomy},
	} {
		dir := set.dir
		files, rep := sigma.Emit(set.rules, sigma.Options{Fields: set.mode})
		want := map[string]bool{"report.json": true}
		for _, f := range files {
			want[f.Path] = true
			goldentest.Check(t, filepath.Join(dir, f.Path), f.Data)
		}
		js, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		goldentest.Check(t, filepath.Join(dir, "report.json"), append(js, '\n'))
		// No stale golden files: every file in dir is one the backend writes.
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.IsDir() || want[e.Name()] {
				continue
			}
			if goldentest.Updating() {
				_ = os.Remove(filepath.Join(dir, e.Name()))
				continue
			}
			t.Errorf("%s is no longer written by the backend", filepath.Join(dir, e.Name()))
		}
	}
}

// sigmaCheckFiles validates every document of every file against the
// Sigma schemas and the SigmaHQ conventions. Field names are checked
// against SigmaHQ's taxonomy only for rules the report does not already
// flag as using non-taxonomy fields, and escaped wildcards only where the
// report does not warn about them.
func sigmaCheckFiles(t *testing.T, files []ir.File, rep ir.Report, mode sigma.FieldMode) {
	t.Helper()
	schemas, err := sigmatest.LoadSchemas(filepath.Join(sharedDir, "sigma-schema"))
	if err != nil {
		t.Fatal(err)
	}
	tax, err := sigmatest.LoadTaxonomy(filepath.Join(sharedDir, "sigma-schema", "sigmahq"))
	if err != nil {
		t.Fatal(err)
	}
	// Files come in the order of the non-unsupported rules.
	var emitted []ir.RuleReport
	for _, rr := range rep.Rules {
		if rr.Fidelity != ir.Unsupported {
			emitted = append(emitted, rr)
		}
	}
	if len(emitted) != len(files) {
		t.Fatalf("%d files for %d emitted rules", len(files), len(emitted))
	}
	for i, f := range files {
		rr := emitted[i]
		warned := map[string]bool{}
		for _, w := range rr.Warnings {
			warned[w.Code] = true
		}
		docs, err := sigmatest.ReadDocs(f.Data)
		if err != nil {
			t.Errorf("%s: %v", f.Path, err)
			continue
		}
		var base []*sigmatest.Rule
		for j, d := range docs {
			if err := schemas.Validate(d); err != nil {
				t.Errorf("%s doc %d: schema: %v", f.Path, j+1, err)
			}
			// The specification evaluator must read every document: the
			// condition parses, every modifier is known.
			if _, ok := d["correlation"]; ok {
				if _, err := sigmatest.CompileCorrelation(d, base); err != nil {
					t.Errorf("%s doc %d: %v", f.Path, j+1, err)
				}
			} else if r, err := sigmatest.Compile(d); err != nil {
				t.Errorf("%s doc %d: %v", f.Path, j+1, err)
			} else {
				base = append(base, r)
			}
			if _, ok := d["correlation"]; ok || mode == sigma.ECS || warned["sigma/non-taxonomy-field"] {
				continue
			}
			if unk, _ := tax.UnknownFields(d); len(unk) > 0 {
				t.Errorf("%s doc %d: sigmahq_invalid_fieldname %v, not reported as non-taxonomy", f.Path, j+1, unk)
			}
		}
		for _, p := range sigmatest.Conventions(f.Path, f.Data, tax.Prefixes) {
			if strings.HasPrefix(p, "escaped_wildcard") && warned["sigma/escaped-wildcard"] ||
				strings.HasPrefix(p, "number_as_string") && warned["sigma/number-as-string"] {
				continue // reported to the user as a warning
			}
			t.Errorf("%s: %s", f.Path, p)
		}
	}
}

// TestSigmaShippedRulesValidate checks the output for rules/ in both modes.
func TestSigmaShippedRulesValidate(t *testing.T) {
	rules := shippedRules(t)
	for _, mode := range []sigma.FieldMode{sigma.Taxonomy, sigma.ECS} {
		files, rep := sigma.Emit(rules, sigma.Options{Fields: mode})
		sigmaCheckFiles(t, files, rep, mode)
	}
}

// TestSigmaCorpusValidatesAndCoverage converts every EQL rule of
// detection-rules, validates every written file, and logs the coverage:
// exact / approximate / unsupported, with the reasons grouped by code.
func TestSigmaCorpusValidatesAndCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus conversion skipped in -short mode")
	}
	rules := corpusRules(t)
	for _, mode := range []sigma.FieldMode{sigma.Taxonomy, sigma.ECS} {
		files, rep := sigma.Emit(rules, sigma.Options{Fields: mode})
		sigmaCheckFiles(t, files, rep, mode)
		n := rep.Counts()
		t.Logf("sigma coverage (%s fields) over %d EQL rules: exact %d, approximate %d, unsupported %d",
			mode, len(rep.Rules), n[ir.Exact], n[ir.Approximate], n[ir.Unsupported])
		byCode := map[string]int{}
		submittable := 0
		for _, rr := range rep.Rules {
			seen := map[string]bool{}
			nonTax := false
			for _, f := range rr.Reasons {
				if !seen[f.Code] {
					seen[f.Code] = true
					byCode[rr.Fidelity.String()+" "+f.Code]++
				}
			}
			for _, w := range rr.Warnings {
				nonTax = nonTax || w.Code == "sigma/non-taxonomy-field"
			}
			if rr.Fidelity != ir.Unsupported && !nonTax {
				submittable++
			}
		}
		var codes []string
		for c := range byCode {
			codes = append(codes, c)
		}
		sort.Slice(codes, func(i, j int) bool {
			return byCode[codes[i]] > byCode[codes[j]] || byCode[codes[i]] == byCode[codes[j]] && codes[i] < codes[j]
		})
		for _, c := range codes {
			t.Logf("  %4d rules  %s", byCode[c], c)
		}
		if mode == sigma.Taxonomy {
			t.Logf("  %d rules use taxonomy field names only (SigmaHQ-submittable field names)", submittable)
		}
	}
}

// sigmaEvent is one corpus event: its id, time, and the flat field views.
type sigmaEvent struct {
	id   string
	time time.Time
	ecs  sigmatest.Event // ECS dotted names
	tax  sigmatest.Event // ECS names plus the Sigma taxonomy names
}

// sigmaTaxonomy is how a Sysmon-for-Linux-style source names ECS data
// (sigma-appendix-taxonomy.md; pySigma's ECS pipelines read backwards).
// It is written here, not taken from the backend, so the test does not
// grade the backend with its own table.
var sigmaTaxonomy = map[string]string{
	"Image": "process.executable", "CommandLine": "process.command_line", "CurrentDirectory": "process.working_directory",
	"ProcessId": "process.pid", "ProcessGuid": "process.entity_id", "ParentImage": "process.parent.executable",
	"ParentCommandLine": "process.parent.command_line", "ParentProcessId": "process.parent.pid",
	"ParentProcessGuid": "process.parent.entity_id", "ParentUser": "process.parent.user.name", "User": "user.name",
	"TargetFilename": "file.path", "SourceIp": "source.ip", "SourcePort": "source.port", "DestinationIp": "destination.ip",
	"DestinationPort": "destination.port", "DestinationHostname": "destination.domain", "SourceHostname": "source.domain",
	"Protocol": "network.transport", "OriginalFileName": "process.pe.original_file_name",
}

func sigmaFlatten(prefix string, v any, out sigmatest.Event) {
	if m, ok := v.(map[string]any); ok {
		for k, x := range m {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			sigmaFlatten(p, x, out)
		}
		return
	}
	out[prefix] = v
}

func sigmaLoadEvents(t *testing.T) []sigmaEvent {
	t.Helper()
	f, err := os.Open(filepath.Join("corpus", "events.ndjson"))
	if err != nil {
		t.Skipf("no event corpus: %v", err)
	}
	defer f.Close()
	var evs []sigmaEvent
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var raw map[string]any
		if err := json.Unmarshal(sc.Bytes(), &raw); err != nil {
			t.Fatal(err)
		}
		e := sigmaEvent{ecs: sigmatest.Event{}, tax: sigmatest.Event{}}
		sigmaFlatten("", raw, e.ecs)
		for k, v := range e.ecs {
			e.tax[k] = v
		}
		for s, ecs := range sigmaTaxonomy {
			if v, ok := e.ecs[ecs]; ok {
				e.tax[s] = v
			}
		}
		for k, v := range e.ecs {
			if name, ok := strings.CutPrefix(k, "winlog.event_data."); ok {
				e.tax[name] = v // Sysmon's own names
			}
		}
		e.id, _ = e.ecs["event.id"].(string)
		ts, _ := e.ecs["@timestamp"].(string)
		e.time, _ = time.Parse(time.RFC3339, ts)
		evs = append(evs, e)
	}
	return evs
}

func sigmaHas(ev sigmatest.Event, field, value string) bool {
	switch v := ev[field].(type) {
	case string:
		return v == value
	case []any:
		return slices.Contains(v, any(value))
	}
	return false
}

// sigmaInLogsource says whether an event belongs to a rule's logsource. In
// taxonomy mode the categories are Sysmon's: process_creation is a process
// start by exec, file_event a file creation. In ECS mode a category is the
// event.category it came from.
func sigmaInLogsource(r *sigmatest.Rule, ev sigmatest.Event, mode sigma.FieldMode) bool {
	// Taxonomy mode: product linux holds the events of Linux hosts. ECS
	// mode keeps the host.os.type test in the detection, and the product
	// only documents it.
	if os, _ := ev["host.os.type"].(string); mode == sigma.Taxonomy && r.Product != "" && os != r.Product {
		return false
	}
	cat := map[string]string{"process_creation": "process", "file_event": "file", "file_delete": "file", "network_connection": "network"}[r.Category]
	if r.Category != "" && cat == "" {
		return false
	}
	if cat == "" {
		return true
	}
	if !sigmaHas(ev, "event.category", cat) {
		return false
	}
	if mode == sigma.ECS {
		return true
	}
	switch r.Category {
	case "process_creation":
		return sigmaHas(ev, "event.type", "start") && !sigmaHas(ev, "event.action", "fork")
	case "file_event":
		return sigmaHas(ev, "event.type", "creation")
	case "file_delete":
		return sigmaHas(ev, "event.type", "deletion")
	}
	return true
}

// sigmaExplains says whether a reason code can explain that an
// approximate rule differs from EQL on an event.
func sigmaExplains(code string, ev sigmatest.Event) bool {
	base := func(name, exe string) bool {
		n, _ := ev[name].(string)
		x, _ := ev[exe].(string)
		return n != "" && path.Base(x) != n
	}
	switch code {
	case "sigma/approx-basename":
		return base("process.name", "process.executable") || base("process.parent.name", "process.parent.executable")
	case "sigma/approx-element":
		_, a := ev["process.args"]
		_, p := ev["process.parent.args"]
		return a || p
	case "sigma/approx-extension":
		_, ok := ev["file.extension"]
		return ok
	case "sigma/approx-fork":
		return sigmaHas(ev, "event.action", "fork")
	case "sigma/approx-logsource":
		return !sigmaHas(ev, "event.type", "start") || !sigmaHas(ev, "event.action", "exec")
	case "sigma/approx-sample", "sigma/approx-runs", "sigma/approx-timespan":
		return true // about windows and repeats, not about single events
	case "sigma/approx-product":
		_, ok := ev["host.os.type"]
		return !ok
	}
	return false
}

// TestSigmaCorpusEvents runs the emitted YAML, read back by the
// specification evaluator (never the IR), on golden/corpus/events.ndjson
// and compares with golden/corpus/expected.yaml: exact rules must match
// exactly; an approximate rule may differ only on events one of its
// reasons explains.
func TestSigmaCorpusEvents(t *testing.T) {
	exp := loadnativeExpected(t)
	var paths []string
	for _, pat := range []string{filepath.Join("..", "rules", "*.toml"), filepath.Join("corpus", "rules", "*.toml")} {
		m, _ := filepath.Glob(pat)
		paths = append(paths, m...)
	}
	rules := compileFromRoot(t, paths)
	events := sigmaLoadEvents(t)
	byStem := map[string]*ir.Rule{}
	for _, r := range rules {
		byStem[strings.TrimSuffix(path.Base(r.Meta.File), ".toml")] = r
	}
	for _, mode := range []sigma.FieldMode{sigma.Taxonomy, sigma.ECS} {
		counts := map[string]int{}
		for _, er := range exp.Rules {
			r := byStem[er.Rule]
			if r == nil {
				t.Errorf("%s: no such rule", er.Rule)
				continue
			}
			files, rep := sigma.Emit([]*ir.Rule{r}, sigma.Options{Fields: mode})
			rr := rep.Rules[0]
			counts[rr.Fidelity.String()]++
			if rr.Fidelity == ir.Unsupported {
				t.Logf("%s (%s): unsupported: %s", er.Rule, mode, rr.Reasons[0].Reason)
				continue
			}
			got, err := sigmaRun(files[0].Data, events, mode)
			if err != nil {
				t.Errorf("%s (%s): %v\n%s", er.Rule, mode, err, files[0].Data)
				continue
			}
			want := er.Sequences
			for _, id := range er.Matches {
				want = append(want, []string{id})
			}
			if slices.EqualFunc(got, want, slices.Equal) {
				continue
			}
			if rr.Fidelity == ir.Exact {
				t.Errorf("%s (%s) is exact but differs:\n got  %v\n want %v\n%s", er.Rule, mode, got, want, files[0].Data)
				continue
			}
			// Approximate: every differing event must be explained.
			diff := sigmaSymDiff(got, want)
			for _, id := range diff {
				ev := sigmaFind(events, id)
				ok := false
				for _, f := range rr.Reasons {
					ok = ok || sigmaExplains(f.Code, ev.ecs)
				}
				if !ok {
					t.Errorf("%s (%s): event %s differs and no reason explains it (reasons %v)\n got  %v\n want %v", er.Rule, mode, id, rr.Reasons, got, want)
				}
			}
			t.Logf("%s (%s): approximate, differs on %v", er.Rule, mode, diff)
		}
		t.Logf("corpus rules (%s): %v", mode, counts)
	}
}

// sigmaRun evaluates one emitted file: a detection rule gives one-event
// matches; a correlation file gives its event chains.
func sigmaRun(data []byte, events []sigmaEvent, mode sigma.FieldMode) ([][]string, error) {
	docs, err := sigmatest.ReadDocs(data)
	if err != nil {
		return nil, err
	}
	var base []*sigmatest.Rule
	var corr sigmatest.Doc
	for _, d := range docs {
		if _, ok := d["correlation"]; ok {
			corr = d
			continue
		}
		r, err := sigmatest.Compile(d)
		if err != nil {
			return nil, err
		}
		base = append(base, r)
	}
	view := func(e sigmaEvent) sigmatest.Event {
		if mode == sigma.ECS {
			return e.ecs
		}
		return e.tax
	}
	var out [][]string
	if corr == nil {
		for _, e := range events {
			if sigmaInLogsource(base[0], e.ecs, mode) && base[0].Match(view(e)) {
				out = append(out, []string{e.id})
			}
		}
		return out, nil
	}
	c, err := sigmatest.CompileCorrelation(corr, base)
	if err != nil {
		return nil, err
	}
	timed := make([]sigmatest.Timed, len(events))
	for i, e := range events {
		timed[i] = sigmatest.Timed{Event: view(e), Time: e.time}
	}
	// Both views keep the ECS names the logsource test reads.
	for _, m := range c.Run(timed, func(r *sigmatest.Rule, ev sigmatest.Event) bool {
		return sigmaInLogsource(r, ev, mode)
	}) {
		var ids []string
		for _, i := range m {
			ids = append(ids, events[i].id)
		}
		out = append(out, ids)
	}
	return out, nil
}

func sigmaSymDiff(got, want [][]string) []string {
	count := map[string]int{}
	for _, m := range got {
		for _, id := range m {
			count[id]++
		}
	}
	for _, m := range want {
		for _, id := range m {
			count[id]--
		}
	}
	var out []string
	for id, n := range count {
		if n != 0 {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

func sigmaFind(events []sigmaEvent, id string) sigmaEvent {
	for _, e := range events {
		if e.id == id {
			return e
		}
	}
	return sigmaEvent{ecs: sigmatest.Event{}}
}

// TestSigmaAgreesWithNativeOnTheDetectionRulesCorpus is a differential
// check: every rule of detection-rules that the backend calls exact is run
// on the event corpus twice, by the native evaluator (the reference
// semantics) over the IR and by the specification evaluator over the
// emitted YAML, and the matches must agree.
func TestSigmaAgreesWithNativeOnTheDetectionRulesCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus conversion skipped in -short mode")
	}
	var rules []*ir.Rule
	refused := 0
	for _, r := range corpusRules(t) {
		if _, ds := native.Compile([]*ir.Rule{r}, native.Options{}); ds.HasErrors() {
			if refused == 0 {
				t.Logf("native cannot compile %s: %v", r.Meta.File, ds[0])
			}
			refused++
			continue
		}
		rules = append(rules, r)
	}
	t.Logf("%d rules left out: native cannot compile them", refused)
	events := sigmaLoadEvents(t)
	want := runNative(t, rules)
	for _, mode := range []sigma.FieldMode{sigma.Taxonomy, sigma.ECS} {
		compared, matching := 0, 0
		for i, r := range rules {
			files, rep := sigma.Emit([]*ir.Rule{r}, sigma.Options{Fields: mode})
			if rep.Rules[0].Fidelity != ir.Exact {
				continue
			}
			got, err := sigmaRun(files[0].Data, events, mode)
			if err != nil {
				t.Errorf("%s (%s): %v", r.Meta.File, mode, err)
				continue
			}
			compared++
			if len(want[i]) > 0 {
				matching++
			}
			if !slices.EqualFunc(got, want[i], slices.Equal) {
				t.Errorf("%s (%s) is exact but differs from native:\n got  %v\n want %v\n%s", r.Meta.File, mode, got, want[i], files[0].Data)
			}
		}
		t.Logf("%s: %d exact rules agree with native on the event corpus (%d of them match some event)", mode, compared, matching)
	}
}
