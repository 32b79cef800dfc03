package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// corpusEvents is the shared event corpus, from this package's directory.
var corpusEvents = filepath.Join("..", "..", "golden", "corpus", "events.ndjson")

// TestEvalAlertsOnStdoutCountsOnStderr: every stdout line is one alert
// naming its rule, and the count line on stderr agrees with them.
func TestEvalAlertsOnStdoutCountsOnStderr(t *testing.T) {
	code, stdout, stderr := eqlx(t, "", "eval", "--rules", rulesDir, corpusEvents)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	for _, l := range lines {
		var a struct {
			RuleID string            `json:"rule_id"`
			Name   string            `json:"name"`
			File   string            `json:"file"`
			Events []json.RawMessage `json:"events"`
		}
		if err := json.Unmarshal([]byte(l), &a); err != nil || a.RuleID == "" || a.Name == "" || len(a.Events) == 0 {
			t.Fatalf("not an alert (%v): %.200s", err, l)
		}
	}
	m := regexp.MustCompile(`(?m)^eqlx eval: (\d+) events, 0 bad, (\d+) alerts$`).FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no count line on stderr:\n%s", stderr)
	}
	if n, _ := strconv.Atoi(m[2]); n != len(lines) || n == 0 {
		t.Errorf("stderr counts %s alerts, stdout has %d lines", m[2], len(lines))
	}
	if n, _ := strconv.Atoi(m[1]); n < 100 {
		t.Errorf("only %d events read from the corpus", n)
	}
	if !regexp.MustCompile(`(?m)^ +\d+  Container Management Utility Run Inside A Container \(.*container_management_utility_inside_container\.toml\)$`).MatchString(stderr) {
		t.Errorf("per-rule counts missing:\n%s", stderr)
	}
}

// TestEvalOutputDoesNotDependOnWorkers: the alerts, in order, are the same
// with one and with two decoding goroutines.
func TestEvalOutputDoesNotDependOnWorkers(t *testing.T) {
	_, one, _ := eqlx(t, "", "eval", "--rules", rulesDir, "--workers", "1", corpusEvents)
	code, two, stderr := eqlx(t, "", "eval", "--rules", rulesDir, "--workers", "2", corpusEvents)
	if code != exitOK || one == "" || one != two {
		t.Errorf("exit %d, stderr %s; --workers 1 and 2 differ (%d vs %d bytes)", code, stderr, len(one), len(two))
	}
}

func TestEvalBadInput(t *testing.T) {
	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stderr string
	}{
		{"a bad line is counted and evaluation goes on", "{\"a\":1}\nnot json\n{\"b\":2}\n",
			[]string{"eval", "--rules", rulesDir, "-"}, exitOK, "-:2: "},
		{"--strict stops at a bad line", "{\"a\":1}\nnot json\n",
			[]string{"eval", "--rules", rulesDir, "--strict", "-"}, exitFailed, "-:2: "},
		{"a missing events file", "",
			[]string{"eval", "--rules", rulesDir, filepath.Join("testdata", "no-such-events.ndjson")}, exitUsage, "no-such-events.ndjson"},
		{"no rules", "", []string{"eval", corpusEvents}, exitUsage, "no rules"},
		{"zero workers", "", []string{"eval", "--rules", rulesDir, "--workers", "0", corpusEvents}, exitUsage, "--workers 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := eqlx(t, tt.stdin, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", code, stderr, tt.code, tt.stderr)
			}
		})
	}
}

// TestEvalStrictEndsTheStream: with --strict, nothing after the bad line
// is evaluated, reported or counted, although the workers read ahead.
func TestEvalStrictEndsTheStream(t *testing.T) {
	nc := `{"event":{"category":["process"],"type":["start"],"action":"exec"},"host":{"os":{"type":"linux"}},` +
		`"process":{"name":"nc","args":["nc","-lvp","4444"],"interactive":true,"entry_leader":{"entry_meta":{"type":"container"}}},"container":{"id":"c1"}}`
	_, one, _ := eqlx(t, nc+"\n", "eval", "--rules", rulesDir, "-")
	if strings.Count(one, "\n") == 0 {
		t.Fatal("the event matches no shipped rule: the test would prove nothing")
	}
	for _, workers := range []string{"1", "2"} {
		code, stdout, stderr := eqlx(t, nc+"\nnot json\n"+nc+"\n", "eval", "--rules", rulesDir, "--strict", "--workers", workers, "-")
		if code != exitFailed || stdout != one || !strings.Contains(stderr, "eqlx eval: 2 events, 1 bad,") {
			t.Errorf("--workers %s: exit %d, %d alerts (want %d, those of the first event), stderr:\n%s",
				workers, code, strings.Count(stdout, "\n"), strings.Count(one, "\n"), stderr)
		}
	}
}

// TestGenEventsFeedsEval: gen events writes events eval reads without a bad
// line, and the same seed gives the same bytes.
func TestGenEventsFeedsEval(t *testing.T) {
	code, events, _ := eqlx(t, "", "gen", "events", "-n", "200", "--seed", "3")
	_, again, _ := eqlx(t, "", "gen", "events", "-n", "200", "--seed", "3")
	if code != exitOK || strings.Count(events, "\n") != 200 || events != again {
		t.Fatalf("exit %d, %d lines, deterministic %v", code, strings.Count(events, "\n"), events == again)
	}
	code, _, stderr := eqlx(t, events, "eval", "--rules", rulesDir, "-")
	if code != exitOK || !strings.Contains(stderr, "eqlx eval: 200 events, 0 bad,") {
		t.Errorf("exit %d\n%s", code, stderr)
	}
}
