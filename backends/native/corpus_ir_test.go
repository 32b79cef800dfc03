package native

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/eqlx/eqlx/ir"
	"gopkg.in/yaml.v3"
)

// corpusRules are the rules of rules/ and golden/corpus/rules/, transcribed
// by hand into IR, keyed by file stem. They let the evaluator be checked on
// the shared corpus independently of the frontend (golden/corpus_test.go
// runs the same check on the frontend's output).
func corpusRules() map[string]*ir.Rule {
	linux := in("host.os.type", "linux")
	start := in("event.type", "start")
	exec := in("event.action", "exec")
	shells := []string{"bash", "dash", "sh", "tcsh", "csh", "zsh", "ksh", "fish", "busybox"}
	excl := paths("which", "man", "chmod", "chown")
	kube := []string{"dockerd", "kubelet", "kube-proxy", "kubectl", "containerd", "systemd", "crictl"}
	netcat := []string{"nc", "ncat", "netcat", "netcat.openbsd", "netcat.traditional"}
	tools := []string{"nc.traditional", "nc", "ncat", "netcat", "nmap", "tcpdump", "tshark", "ngrep", "telnet",
		"mitmproxy", "socat", "zmap", "masscan", "zgrab"}
	v3 := []string{"nc", "ncat", "nmap", "dig", "nslookup", "tcpdump", "tshark", "ngrep", "telnet", "mitmproxy",
		"socat", "zmap", "masscan", "zgrab"}
	parentExcl := in("process.parent.executable", "/sbin/init", "/usr/bin/dockerd", "/usr/bin/runc", "/usr/bin/containerd-shim-runc-v2")
	busyKubectl := and(in("process.parent.name", "busybox"), in("process.name", "kubectl"))
	ncLocal := not(and(in("process.name", "nc.traditional", "nc", "ncat", "netcat"),
		like("process.args", false, "-*z*", "localhost", "127.0.0.1")))
	entity := fld("process.entry_leader.entity_id")
	rs := map[string]*ir.Rule{
		"container_management_utility_defend_for_containers": rule("cmu_d4c", evq("process", and(
			linux, start, exec,
			or(in("process.name", kube...), and(in("process.name", shells...), in("process.args", paths(kube...)...),
				not(in("process.args", excl...)))),
			eqb("process.interactive", true), like("container.id", false, "*"),
			not(or(parentExcl, in("process.working_directory", "/aws"),
				and(in("process.parent.args", "init"), in("process.parent.args", "runc")), busyKubectl))))),
		"container_management_utility_inside_container": rule("cmu_endpoint", evq("process", and(
			linux, start, exec, in("process.entry_leader.entry_meta.type", "container"),
			eqb("process.interactive", true), in("process.name", kube...),
			not(or(parentExcl, in("process.working_directory", "/aws"),
				in("process.parent.command_line", "runc init"), busyKubectl))))),
		"interactive_shell_spawned_inside_container": rule("ishell", evq("process", and(
			like("container.id", true, "*"), start, in("event.action", "fork", "exec"),
			not(in("event.action", "end")), eqb("process.entry_leader.same_as_process", false),
			or(and(like("process.executable", true, "*/*sh"), like("process.args", true, "-i", "-it")),
				like("process.args", true, "*/*sh"))))),
		"netcat_file_transfer_or_listener_defend_for_containers": rule("nc_d4c", evq("process", and(
			linux, start, exec,
			or(in("process.name", netcat...), and(in("process.name", shells...), in("process.args", paths(netcat...)...),
				not(in("process.args", excl...)))),
			like("process.args", true, "-*l*", "-*p*", "-*e*", ">", "<", "|"),
			eqb("process.interactive", true), like("container.id", false, "*")))),
		"netcat_listener_inside_container_v2": rule("nc_v2", evq("process", and(
			like("container.id", true, "*"), start, in("event.action", "fork", "exec"),
			or(like("process.name", true, netcat...), like("process.args", true, netcat...)),
			or(and(like("process.args", true, "-*l*", "--listen", "-*p*", "--source-port"),
				like("process.args", true, "-c", "--sh-exec", "-e", "--exec", "echo", "$*")),
				like("process.args", true, "-*l*", "--listen", "-*p*", "--source-port"))))),
		"network_tool_launch_defend_for_containers": rule("nettool_d4c", evq("process", and(
			linux, start, exec,
			or(in("process.name", tools...), and(in("process.name", shells...), in("process.args", paths(tools...)...),
				not(in("process.args", excl...)))),
			eqb("process.interactive", true), like("container.id", false, "*"), ncLocal))),
		"network_tool_launched_inside_container": rule("nettool_endpoint", evq("process", and(
			linux, start, exec, in("process.entry_leader.entry_meta.type", "container"),
			in("process.name", tools...), ncLocal))),
		"network_tool_launched_inside_container_v3": rule("nettool_v3", evq("process", and(
			like("container.id", true, "*"), start,
			or(like("process.name", true, v3...), like("process.args", true, v3...))))),
		"tool_installation_defend_for_containers": rule("toolinst", evq("process", and(
			linux, start, exec,
			or(and(in("process.name", "apt", "apt-get", "dnf", "microdnf", "yum", "zypper", "tdnf"), in("process.args", "install")),
				and(in("process.name", "apk"), in("process.args", "add")),
				and(in("process.name", "pacman"), like("process.args", false, "-*S*")),
				and(in("process.name", "rpm", "dpkg"), in("process.args", "-i", "--install"))),
			like("process.args", false, "curl", "wget", "socat", "busybox", "openssl", "torsocks", "netcat",
				"netcat-openbsd", "netcat-traditional", "ncat", "tor", "python*", "perl", "node", "nodejs", "ruby", "lua"),
			eqb("process.interactive", true), like("container.id", false, "*")))),
		"seq_shell_then_netcat": rule("s1", &ir.Sequence{By: []ir.Expr{entity}, MaxSpan: span(30 * time.Second),
			Stages: []*ir.Stage{
				stage(evq("process", and(start, exec, in("process.name", "bash", "sh", "dash")))),
				stage(evq("process", and(start, exec, in("process.name", "nc", "ncat", "netcat")))),
			}}),
		"seq_download_chmod_until": rule("s2", &ir.Sequence{By: []ir.Expr{entity}, MaxSpan: span(5 * time.Minute),
			Stages: []*ir.Stage{
				stage(evq("process", and(exec, in("process.name", "curl")))),
				stage(evq("process", and(exec, in("process.name", "chmod")))),
			},
			Until: stage(evq("process", and(in("event.action", "end"), in("process.name", "bash", "sh"))))}),
		"seq_sudo_list_runs": rule("s3", &ir.Sequence{By: []ir.Expr{fld("user.name")}, MaxSpan: span(time.Minute),
			Stages: []*ir.Stage{{Query: evq("process", and(start, in("process.name", "sudo"), in("process.args", "-l"))), Runs: 3}}}),
		"seq_download_without_checksum": rule("s4", &ir.Sequence{By: []ir.Expr{entity}, MaxSpan: span(time.Minute),
			Stages: []*ir.Stage{
				stage(evq("process", and(exec, in("process.name", "wget")))),
				{Query: evq("process", and(exec, in("process.name", "sha256sum"))), Runs: 1, Missing: true},
			}}),
		"sample_whoami_and_id": rule("s5", &ir.Sample{By: []ir.Expr{fld("container.id")},
			Stages: []*ir.Stage{
				stage(evq("process", in("process.name", "whoami"))),
				stage(evq("process", in("process.name", "id"))),
			}}),
		"seq_shell_spawns_netcat_by_pid": rule("s6", &ir.Sequence{MaxSpan: span(10 * time.Second),
			Stages: []*ir.Stage{
				stage(evq("process", in("process.name", "bash")), fld("process.pid")),
				stage(evq("process", in("process.name", "nc")), fld("process.parent.pid")),
			}}),
	}
	return rs
}

// expectedFile is golden/corpus/expected.yaml.
type expectedFile struct {
	Rules []struct {
		Rule      string     `yaml:"rule"`
		RuleID    string     `yaml:"rule_id"`
		Name      string     `yaml:"name"`
		Matches   []string   `yaml:"matches"`
		Sequences [][]string `yaml:"sequences"`
	} `yaml:"rules"`
}

func corpusDir() string { return filepath.Join("..", "..", "golden", "corpus") }

// runCorpus evaluates rules over the corpus and returns, per rule index,
// the matches as event ids, ordered by the position of the completing event.
func runCorpus(t *testing.T, rules []*ir.Rule) [][][]string {
	t.Helper()
	prog, diags := Compile(rules, Options{})
	if diags.HasErrors() {
		t.Fatalf("compile: %v", diags)
	}
	f, err := os.Open(filepath.Join(corpusDir(), "events.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type hit struct {
		last int64
		ids  []string
	}
	hits := make([][]hit, len(rules))
	eng := prog.NewEngine()
	err = eng.Run(f, func(m Match) {
		var ids []string
		for i, raw := range m.Events {
			if m.Nums[i] < 0 {
				continue // a missing stage's placeholder
			}
			var ev struct {
				Event struct {
					ID string `json:"id"`
				} `json:"event"`
			}
			if err := json.Unmarshal(raw, &ev); err != nil {
				t.Errorf("match event is not JSON: %v", err)
			}
			ids = append(ids, ev.Event.ID)
		}
		hits[m.Rule] = append(hits[m.Rule], hit{slices.Max(m.Nums), ids})
	}, func(line int64, e *InputError) error {
		t.Errorf("events.ndjson:%d: %v", line, e)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	out := make([][][]string, len(rules))
	for i, hs := range hits {
		slices.SortStableFunc(hs, func(a, b hit) int { return int(a.last - b.last) })
		for _, h := range hs {
			out[i] = append(out[i], h.ids)
		}
	}
	return out
}

func loadExpected(t *testing.T) expectedFile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(corpusDir(), "expected.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var exp expectedFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&exp); err != nil {
		t.Fatal(err)
	}
	return exp
}

func TestCorpusHandWrittenIRMatchesExpected(t *testing.T) {
	exp := loadExpected(t)
	byStem := corpusRules()
	var rules []*ir.Rule
	var want [][][]string
	for _, r := range exp.Rules {
		ru, ok := byStem[r.Rule]
		if !ok {
			t.Fatalf("expected.yaml names rule %q, which has no hand-written IR", r.Rule)
		}
		rules = append(rules, ru)
		var w [][]string
		for _, id := range r.Matches {
			w = append(w, []string{id})
		}
		w = append(w, r.Sequences...)
		want = append(want, w)
	}
	if len(rules) != len(byStem) {
		t.Errorf("expected.yaml lists %d rules, the IR table has %d", len(rules), len(byStem))
	}
	got := runCorpus(t, rules)
	for i, r := range exp.Rules {
		if !slices.EqualFunc(got[i], want[i], slices.Equal) {
			t.Errorf("%s:\n got  %v\n want %v", r.Rule, got[i], want[i])
		}
	}
}
