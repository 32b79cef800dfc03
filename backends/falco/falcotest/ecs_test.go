package falcotest

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// corpusDocs reads the shared corpus golden/corpus/events.ndjson.
func corpusDocs(t *testing.T) []map[string]any {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "..", "golden", "corpus", "events.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var docs []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var d map[string]any
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return docs
}

// TestEventsFromECSKeepsProcessStarts checks which corpus events become
// capture events and that the skipped ones say why.
func TestEventsFromECSKeepsProcessStarts(t *testing.T) {
	docs := corpusDocs(t)
	events, ids, skipped := EventsFromECS(docs)
	if len(events)+len(skipped) != len(docs) {
		t.Fatalf("%d events + %d skipped != %d documents", len(events), len(skipped), len(docs))
	}
	if len(ids) != len(events) {
		t.Fatalf("%d ids for %d events", len(ids), len(events))
	}
	for _, s := range skipped {
		if !strings.Contains(s, ": ") {
			t.Errorf("skip without a reason: %q", s)
		}
	}
	forks := 0
	for _, e := range events {
		if e.Kind == Fork {
			forks++
		}
	}
	if forks == 0 || len(events) < 100 {
		t.Errorf("got %d events (%d forks) from %d documents; skipped: %v", len(events), forks, len(docs), skipped)
	}
	t.Logf("%d events (%d forks), %d skipped: %s", len(events), forks, len(skipped), strings.Join(skipped, "; "))
}

// TestEventsFromECSFields checks the mapping of single documents.
func TestEventsFromECSFields(t *testing.T) {
	doc := map[string]any{
		"@timestamp": "2026-11-02T10:00:01.5Z",
		"event":      map[string]any{"id": "x-1", "category": []any{"process"}, "type": []any{"start"}, "action": "exec"},
		"process": map[string]any{"pid": 77.0, "name": "unattended-upgrade", "executable": "/usr/bin/unattended-upgrade",
			"args": []any{"/usr/bin/python3", "-u", "a b"}, "working_directory": "/var", "interactive": true,
			"parent": map[string]any{"pid": 76.0, "name": "sh", "executable": "/bin/sh", "args": []any{"sh", "-c", "x"}}},
		"user.name":    "bob",
		"user.id":      "1011",
		"container.id": testContainer,
		"container":    map[string]any{"image": map[string]any{"name": "ubuntu", "tag": "22.04"}},
	}
	events, ids, skipped := EventsFromECS([]map[string]any{doc})
	if len(skipped) != 0 || len(events) != 1 {
		t.Fatalf("events %d, skipped %v", len(events), skipped)
	}
	e := events[0]
	p := e.Proc
	if ids[77] != "x-1" || p.TID != 77 || p.Exe != "/usr/bin/python3" || !slices.Equal(p.Args, []string{"-u", "a b"}) ||
		p.ExePath != "/usr/bin/unattended-upgrade" || comm(&p) != "unattended-upgr" || p.Cwd != "/var" ||
		p.UID != 1011 || p.User != "bob" || e.TTY != PTS0 || e.ContainerID != testContainer || e.Image != "ubuntu:22.04" ||
		p.Parent == nil || p.Parent.TID != 76 || p.Parent.Exe != "sh" || p.Parent.User != "bob" || e.Time.Nanosecond() != 5e8 {
		t.Errorf("unexpected conversion: %+v parent %+v", e, p.Parent)
	}
}

// TestCorpusCaptureInEngine writes the corpus capture and checks a few
// facts about it in sysdig: every event is there once, with its name.
func TestCorpusCaptureInEngine(t *testing.T) {
	Need(t)
	events, ids, _ := EventsFromECS(corpusDocs(t))
	path := writeTestCapture(t, events)
	all, err := Match(path, "evt.type in (execve, clone, procexit)")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(events) {
		t.Errorf("engine sees %d events, wrote %d", len(all), len(events))
	}
	for _, tid := range all {
		if ids[tid] == "" {
			t.Errorf("tid %d is no corpus event", tid)
		}
	}
	got, err := Match(path, `proc.name = kubectl and container.id != host and proc.tty != 0`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tid := range got {
		names = append(names, ids[tid])
	}
	if !slices.Contains(names, "cm-01") {
		t.Errorf("kubectl in a container: got %v, want cm-01 among them", names)
	}
}
