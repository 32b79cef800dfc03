package sigmatest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var shared = filepath.Join("..", "..", "..", "..", "shared")

func TestSpecFixturesValidate(t *testing.T) {
	s, err := LoadSchemas(filepath.Join(shared, "sigma-schema"))
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"rules", "correlation"} {
		files, _ := filepath.Glob(filepath.Join(shared, "sigma-schema", "spec-tests", dir, "*.yml"))
		if len(files) == 0 {
			t.Fatalf("no fixtures in %s", dir)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			docs, err := ReadDocs(data)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range docs {
				if err := s.Validate(d); err != nil {
					t.Errorf("%s: %v", f, err)
				}
			}
		}
	}
}

func TestSchemaRejectsBrokenRules(t *testing.T) {
	s, err := LoadSchemas(filepath.Join(shared, "sigma-schema"))
	if err != nil {
		t.Fatal(err)
	}
	ok := "title: T\nid: 9a1c3b0e-7d6f-5e4a-8b2c-1d0e9f8a7b6c\nlogsource:\n    product: linux\ndetection:\n    selection:\n        Image: 'x'\n    condition: selection\n"
	tests := map[string]string{
		"valid":           ok,
		"no title":        strings.Replace(ok, "title: T\n", "", 1),
		"id not a uuid":   strings.Replace(ok, "9a1c3b0e-7d6f-5e4a-8b2c-1d0e9f8a7b6c", "nope", 1),
		"bad date":        ok + "date: 2023/04/26\n",
		"bad level":       ok + "level: severe\n",
		"condition list":  strings.Replace(ok, "condition: selection", "condition: [selection]", 1),
		"tags upper case": ok + "tags:\n    - attack.T1059\n",
	}
	for name, y := range tests {
		docs, err := ReadDocs([]byte(y))
		if err != nil {
			t.Fatal(err)
		}
		err = s.Validate(docs[0])
		if (err == nil) != (name == "valid") {
			t.Errorf("%s: validation error %v", name, err)
		}
	}
}

func TestEvaluatorFollowsTheSpecification(t *testing.T) {
	tests := []struct {
		name      string
		detection string
		event     Event
		want      bool
	}{
		{"plain values ignore case", "sel:\n    Image: '/BIN/SH'\ncondition: sel", Event{"Image": "/bin/sh"}, true},
		{"cased values do not", "sel:\n    Image|cased: '/BIN/SH'\ncondition: sel", Event{"Image": "/bin/sh"}, false},
		{"star and question mark are wildcards", "sel:\n    Image: '/b?n/*'\ncondition: sel", Event{"Image": "/bin/sh"}, true},
		{"escaped star is literal", `sel:
    CommandLine: 'a\*b'
condition: sel`, Event{"CommandLine": "axb"}, false},
		{"escaped star matches a star", `sel:
    CommandLine: 'a\*b'
condition: sel`, Event{"CommandLine": "a*b"}, true},
		{"escaped backslash then wildcard", `sel:
    CommandLine: 'a\\*'
condition: sel`, Event{"CommandLine": `a\xyz`}, true},
		{"three backslashes: backslash and literal star", `sel:
    CommandLine: 'a\\\*'
condition: sel`, Event{"CommandLine": `a\*`}, true},
		{"lone backslash is literal", `sel:
    CommandLine: 'C:\Windows'
condition: sel`, Event{"CommandLine": `C:\Windows`}, true},
		{"list is or", "sel:\n    Image|endswith:\n        - '/a'\n        - '/b'\ncondition: sel", Event{"Image": "/x/b"}, true},
		{"map is and", "sel:\n    Image|endswith: '/a'\n    User: 'root'\ncondition: sel", Event{"Image": "/x/a"}, false},
		{"all makes a list and", "sel:\n    CommandLine|contains|all:\n        - '-l'\n        - '-p'\ncondition: sel", Event{"CommandLine": "nc -l 1"}, false},
		{"re is a substring match", "sel:\n    CommandLine|re: 'b+'\ncondition: sel", Event{"CommandLine": "abbc"}, true},
		{"re is case-sensitive", "sel:\n    CommandLine|re: 'B'\ncondition: sel", Event{"CommandLine": "abc"}, false},
		{"re|i is not", "sel:\n    CommandLine|re|i: 'B'\ncondition: sel", Event{"CommandLine": "abc"}, true},
		{"null matches a missing field", "sel:\n    User: null\ncondition: sel", Event{}, true},
		{"exists false", "sel:\n    User|exists: false\ncondition: sel", Event{"User": "x"}, false},
		{"list of maps is or", "sel:\n    - Image: '/a'\n    - User: 'b'\ncondition: sel", Event{"User": "B"}, true},
		{"keywords search every value", "kw:\n    - 'evil'\ncondition: kw", Event{"CommandLine": "so EVIL"}, true},
		{"numbers compare numerically", "sel:\n    ProcessId|gte: 10\ncondition: sel", Event{"ProcessId": 12.0}, true},
		{"cidr", "sel:\n    DestinationIp|cidr: '10.0.0.0/8'\ncondition: sel", Event{"DestinationIp": "10.2.3.4"}, true},
		{"and binds tighter than or", "a:\n    X: 1\nb:\n    Y: 1\nc:\n    Z: 1\ncondition: a or b and c", Event{"X": 1.0}, true},
		{"not binds tighter than and", "a:\n    X: 1\nb:\n    Y: 1\ncondition: not a and b", Event{"X": 1.0, "Y": 1.0}, false},
		{"1 of pattern", "selection_a:\n    X: 1\nselection_b:\n    Y: 1\ncondition: 1 of selection_*", Event{"Y": 1.0}, true},
		{"all of them skips underscore names", "a:\n    X: 1\n_b:\n    Y: 1\ncondition: all of them", Event{"X": 1.0}, true},
		{"array values: any element", "sel:\n    process.args: '-l'\ncondition: sel", Event{"process.args": []any{"nc", "-l"}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y := "title: T\nlogsource:\n    product: linux\ndetection:\n" + indent(tt.detection)
			docs, err := ReadDocs([]byte(y))
			if err != nil {
				t.Fatal(err)
			}
			r, err := Compile(docs[0])
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Match(tt.event); got != tt.want {
				t.Errorf("match %v, want %v", got, tt.want)
			}
		})
	}
}

func indent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = "    " + l
	}
	return strings.Join(lines, "\n") + "\n"
}

func TestConventionsCatchWhatSigmaHQRejects(t *testing.T) {
	good := `title: Netcat Listener
id: 9a1c3b0e-7d6f-5e4a-8b2c-1d0e9f8a7b6c
status: test
description: Detects a netcat listener in a container.
author: Elastic
date: 2023-04-26
tags:
    - attack.execution
logsource:
    category: process_creation
    product: linux
detection:
    selection:
        Image|endswith: '/nc'
    condition: selection
falsepositives:
    - Unknown
level: high
`
	prefixes := map[string]string{"linux_process_creation_none": "proc_creation_lnx_"}
	if p := Conventions("proc_creation_lnx_netcat_listener.yml", []byte(good), prefixes); len(p) != 0 {
		t.Fatalf("good rule flagged: %v", p)
	}
	related := strings.Replace(good, "status:", "related:\n    - id: 0e95725d-7320-415d-80f7-004da920fc11\n      type: similar\nstatus:", 1)
	if p := Conventions("proc_creation_lnx_netcat_listener.yml", []byte(related), prefixes); len(p) != 0 {
		t.Fatalf("good rule with related flagged: %v", p)
	}
	tests := map[string]struct{ file, text, check string }{
		"leading marker":     {"proc_creation_lnx_netcat_listener.yml", "---\n" + good, "yamllint"},
		"prefix":             {"lnx_netcat_listener.yml", good, "sigmahq_filename_prefix"},
		"lower-case title":   {"proc_creation_lnx_netcat_listener.yml", strings.Replace(good, "Netcat Listener", "netcat listener", 1), "sigmahq_title_case"},
		"one-element list":   {"proc_creation_lnx_netcat_listener.yml", strings.Replace(good, "'/nc'", "\n            - '/nc'", 1), "test_selection_list_one_value"},
		"all sans contains":  {"proc_creation_lnx_netcat_listener.yml", strings.Replace(good, "Image|endswith: '/nc'", "Image|all:\n            - 'a'\n            - 'b'", 1), "all_without_contains_modifier"},
		"dangling":           {"proc_creation_lnx_netcat_listener.yml", strings.Replace(good, "    condition:", "    filter:\n        User: 'x'\n    condition:", 1), "dangling_detection"},
		"wildcard modifiers": {"proc_creation_lnx_netcat_listener.yml", strings.Replace(good, "Image|endswith: '/nc'", "Image: '*/nc'", 1), "wildcards_instead_of_modifiers"},
		"missing level":      {"proc_creation_lnx_netcat_listener.yml", strings.Replace(good, "level: high\n", "", 1), "sigmahq_level_existence"},
		"number as string":   {"proc_creation_lnx_netcat_listener.yml", strings.Replace(good, "'/nc'", "'/nc'\n        ProcessId: '4688'", 1), "number_as_string"},
		"odd indentation":    {"proc_creation_lnx_netcat_listener.yml", strings.Replace(good, "        Image|endswith", "      Image|endswith", 1), "yamllint"},
		"defense evasion":    {"proc_creation_lnx_netcat_listener.yml", strings.Replace(good, "attack.execution", "attack.defense-evasion", 1), "attacktag"},
	}
	for name, tt := range tests {
		found := false
		for _, p := range Conventions(tt.file, []byte(tt.text), prefixes) {
			found = found || strings.HasPrefix(p, tt.check+":")
		}
		if !found {
			t.Errorf("%s: %s not reported", name, tt.check)
		}
	}
}
