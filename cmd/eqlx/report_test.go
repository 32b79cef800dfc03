package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eqlx/eqlx/internal/goldentest"
)

// TestReportJSONGolden pins the shape of --report json (ir.Report: per
// rule file, rule_id, name, backend, fidelity, reasons with spans, warnings)
// for the shipped rules; CI jobs parse it, so a change must be deliberate.
func TestReportJSONGolden(t *testing.T) {
	t.Chdir(repoRoot)
	for _, to := range []string{"sigma", "ir"} {
		t.Run(to, func(t *testing.T) {
			rep := filepath.Join(t.TempDir(), "report.json")
			code, _, stderr := eqlx(t, "", "convert", "--to", to, "--report", "json", "--report-file", rep, "-o", filepath.Join(t.TempDir(), "out"), "rules/")
			if code != exitOK {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			data, err := os.ReadFile(rep)
			if err != nil {
				t.Fatal(err)
			}
			goldentest.Check(t, filepath.Join("cmd", "eqlx", "testdata", "report-"+to+".json"), data)

			var got struct {
				Rules []map[string]json.RawMessage `json:"rules"`
			}
			if err := json.Unmarshal(data, &got); err != nil || len(got.Rules) != 9 {
				t.Fatalf("%v, %d rules", err, len(got.Rules))
			}
			for _, r := range got.Rules {
				for _, k := range []string{"file", "rule_id", "name", "backend", "fidelity"} {
					if _, ok := r[k]; !ok {
						t.Errorf("rule without %q: %v", k, r)
					}
				}
			}
		})
	}
}

// TestReportToStdoutWithOutputFile: with -o the report may go to stdout.
func TestReportToStdoutWithOutputFile(t *testing.T) {
	code, stdout, _ := eqlx(t, "", "convert", "--to", "sigma", "--report", "json", "-o", filepath.Join(t.TempDir(), "s"), rulesDir)
	var rep struct{ Rules []any }
	if err := json.Unmarshal([]byte(stdout), &rep); code != exitOK || err != nil || len(rep.Rules) != 9 {
		t.Errorf("exit %d, %v\n%.200s", code, err, stdout)
	}
}

// TestReportSARIF checks the fields SARIF 2.1.0 and GitHub code scanning
// require, and that each approximate reason is one result located on its
// rule file and line.
func TestReportSARIF(t *testing.T) {
	t.Chdir(repoRoot)
	bad := writeDir(t, map[string]string{"broken.toml": brokenRule})
	sarifFile := filepath.Join(t.TempDir(), "eqlx.sarif")
	code, _, stderr := eqlx(t, "", "convert", "--to", "sigma", "--report", "sarif", "--report-file", sarifFile,
		"--strict", "-o", filepath.Join(t.TempDir(), "out"), "rules/", bad)
	if code != exitFailed || !strings.Contains(stderr, "--strict") {
		t.Errorf("exit %d (want 1: a broken rule and --strict)\n%s", code, stderr)
	}
	data, err := os.ReadFile(sarifFile)
	if err != nil {
		t.Fatalf("the report must be written even when --strict fails: %v", err)
	}
	var log struct {
		Schema  *string `json:"$schema"`
		Version string  `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID string `json:"id"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID  string `json:"ruleId"`
				Level   string `json:"level"`
				Message struct {
					Text string `json:"text"`
				} `json:"message"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatal(err)
	}
	if log.Schema == nil || !strings.Contains(*log.Schema, "sarif-2.1.0") || log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("header: $schema %v, version %q, %d runs", log.Schema, log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	if run.Tool.Driver.Name != "eqlx" {
		t.Errorf("tool.driver.name %q", run.Tool.Driver.Name)
	}
	declared := map[string]bool{}
	for _, r := range run.Tool.Driver.Rules {
		declared[r.ID] = true
	}
	// 24 reasons for the 9 shipped rules (stderr lists one per line) and
	// the broken rule's error.
	wantReasons := strings.Count(stderr, ": approximate: ") + strings.Count(stderr, ": unsupported: ")
	if len(run.Results) != wantReasons+1 || wantReasons == 0 {
		t.Errorf("%d results, want %d reasons + 1 error", len(run.Results), wantReasons)
	}
	sawBroken, sawLine42 := false, false
	for _, r := range run.Results {
		if r.RuleID == "" || !declared[r.RuleID] || r.Message.Text == "" || len(r.Locations) != 1 {
			t.Errorf("incomplete result %+v", r)
			continue
		}
		if r.Level != "warning" && r.Level != "error" {
			t.Errorf("level %q", r.Level)
		}
		loc := r.Locations[0].PhysicalLocation
		if loc.Region.StartLine < 1 || loc.ArtifactLocation.URI == "" || strings.Contains(loc.ArtifactLocation.URI, `\`) {
			t.Errorf("location %+v", loc)
		}
		if strings.HasSuffix(loc.ArtifactLocation.URI, "/broken.toml") && r.Level == "error" {
			sawBroken = true
		}
		if loc.ArtifactLocation.URI == "rules/interactive_shell_spawned_inside_container.toml" && loc.Region.StartLine == 42 &&
			r.RuleID == "sigma/approx-fork" && r.Level == "warning" {
			sawLine42 = true
		}
	}
	if !sawBroken || !sawLine42 {
		t.Errorf("broken rule reported %v, fork reason at rules/interactive_shell...:42 %v", sawBroken, sawLine42)
	}
}

// TestCount: the summary lines say "1 rule", "0 rules", "2 alerts".
func TestCount(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{{0, "0 alerts"}, {1, "1 alert"}, {2, "2 alerts"}, {1081, "1081 alerts"}} {
		if got := count(c.n, "alert"); got != c.want {
			t.Errorf("count(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	if got := count(1, "pending sequence"); got != "1 pending sequence" {
		t.Errorf("got %q", got)
	}
}
