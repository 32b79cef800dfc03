// These tests are written by hand, not generated: they check the generated
// object readers (readObject) of this package against the runtime's
// generic trie walk, which the differential tests in package golden hold
// to the native evaluator.

package eqlxrules

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/eqlx/eqlx/backends/native"
)

// readersTricky are events that take every path of the readers: escaped
// and dotted keys, nested and repeated objects, arrays (of objects,
// nested, empty), duplicate keys, unicode escapes, numbers, literals,
// blanks, wrong types, and broken lines.
var readersTricky = []string{
	`{"process":{"name":"nc","args":["nc","-l"]}}`,
	`{"process.name":"nc","process.args":["a","b"],"event.category":"process"}`,
	`{"process":{"parent.name":"bash","entry_leader.entry_meta.type":"container"}}`,
	`{"process":{"parent":{"name":"a"},"parent":{"name":"b"}},"process":{"name":"c"}}`,
	`{"pro\u0063ess":{"n\u0061me":"\u006ec","args":["\"q\"","back\\slash","\u00e9\ud83d\ude00"]}}`,
	`{"process":{"name\"":"x","na.me":"y","name.":"z",".name":"w","":"v"}}`,
	`{ "process" : { "name" : "nc" , "args" : [ "a" , "b" ] , "interactive" : true } , "container" : { "id" : "c" } }`,
	"{\t\"process\":\n{\"name\":\r\"nc\"}}",
	`{"process":{"name":12,"args":[1,2.5,-3e2,true,false,null],"interactive":"true"}}`,
	`{"process":{"name":null,"args":[],"interactive":false,"entry_leader":{"same_as_process":true}}}`,
	`{"process":{"name":{"x":1},"args":{"a":["b"]},"parent":"bash","entry_leader":[]}}`,
	`{"process":{"parent":[{"name":"a"},{"name":"b","args":["x"]}],"args":[["n1"],["n2",["n3"]]]}}`,
	`{"process":{"args":["abcdefghijklmnopqrstuvwxyz","abcdefg","abcdefgh","abcdefghi"],"working_directory":"/a/very/long/path/that/spans/words"}}`,
	`{"host":{"os":{"type":"linux","name":"x"},"ip":["1.2.3.4"]},"host.os.type":"windows"}`,
	`{"event":{"category":["process"],"type":["start"],"action":"exec","skipped":{"deep":[{"a":"}"},"]",{"b":"\\\""}]}}}`,
	`{"agent":{"id":"x"},"event":{"action":"exec"},"cloud":{"a":[1,{"b":[2]}]},"container":{"id":"c","name":"n"}}`,
	`{"process":{"executable":"/bin/sh","command_line":"sh -c \"x\"","unused":"\\\\\\\"","unused2":1234567890}}`,
	`{"process":{"name":"nc"`,
	`{"process":{"name":"nc"}`,
	`{"process":{"name":"nc"}}x`,
	`{"process":{"name" "nc"}}`,
	`{"process":{"name":"nc",}}`,
	`{"process":{"name":"n\c"}}`,
	`{"process":{"name":"\u00zz"}}`,
	`{"process":{"args":["a" "b"]}}`,
	`{"process":{"args":["a",`,
	`{"process":{"name":tru}}`,
	`{"process":{"unused":tru,"name":"nc"}}`,
	`{"process":{"unused":,"name":"nc"}}`,
	`{"process":{"unused":"abc`,
	`{"process":{"unused":{"a":"b"`,
	`{"process":{1:"a"}}`,
	`{"process":{"name":"a"},}`,
	`[]`,
	`"process"`,
	``,
	`{}`,
	`{"a":1}`,
}

// readersResult decodes line with the generated readers or the generic
// walk and prints everything decoding gives: the fields' values, the
// warning and the error.
func readersResult(line []byte, generic bool) string {
	return readersResultWith(nil, line, generic)
}

// readersResultWith is readersResult with the event ev (nil: a new one),
// which keeps what the readers remember from the lines it decoded before
// (the containers skipRepeat compares with).
func readersResultWith(ev *event, line []byte, generic bool) string {
	x := newProgram(1).ext
	x.generic = generic
	if ev == nil {
		ev = newEvent(len(x.nodes))
	}
	err := x.decode(ev, line)
	var b strings.Builder
	if err != nil {
		fmt.Fprintf(&b, "error: %v\n", err)
		return b.String()
	}
	for s, vals := range ev.slots {
		if len(vals) > 0 {
			fmt.Fprintf(&b, "slot %d: %+v\n", s, vals)
		}
	}
	fmt.Fprintf(&b, "warn: %q\n", ev.warn)
	return b.String()
}

// TestReadersReadWhatTheGenericWalkReads: the generated readers extract the
// same values, warnings and errors (messages and columns) as the generic
// trie walk, on tricky events, on the shared corpus and on every prefix
// of a few of them.
func TestReadersReadWhatTheGenericWalkReads(t *testing.T) {
	lines := slices.Clone(readersTricky)
	data, err := os.ReadFile(filepath.Join("..", "..", "corpus", "events.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range bytes.Split(data, []byte("\n")) {
		lines = append(lines, string(l))
	}
	for _, l := range readersTricky[:17] {
		for n := range len(l) {
			lines = append(lines, l[:n])
		}
	}
	// One event for the whole stream, as a Matcher keeps it: each line is
	// read after the lines before it, and then again, when every skipped
	// container it holds is the one remembered.
	stream := newEvent(len(newProgram(1).ext.nodes))
	for _, l := range lines {
		want := readersResult([]byte(l), true)
		if got := readersResult([]byte(l), false); got != want {
			t.Errorf("%s\n readers: %s generic: %s", l, got, want)
		}
		for pass := range 2 {
			if got := readersResultWith(stream, []byte(l), false); got != want {
				t.Errorf("%s (in a stream, pass %d)\n readers: %s generic: %s", l, pass, got, want)
			}
		}
	}
}

// FuzzReaders holds the generated readers to the generic trie walk on any
// input.
func FuzzReaders(f *testing.F) {
	for _, l := range readersTricky {
		f.Add([]byte(l))
	}
	warm := []byte(readersTricky[15])
	f.Fuzz(func(t *testing.T, line []byte) {
		want := readersResult(line, true)
		if got := readersResult(line, false); got != want {
			t.Errorf("%q\n readers: %s generic: %s", line, got, want)
		}
		// Again after a line, and after itself: the readers compare the
		// containers they skip with those they skipped before.
		ev := newEvent(len(newProgram(1).ext.nodes))
		readersResultWith(ev, warm, false)
		for pass := range 2 {
			if got := readersResultWith(ev, line, false); got != want {
				t.Errorf("%q (pass %d after other lines)\n readers: %s generic: %s", line, pass, got, want)
			}
		}
	})
}

// BenchmarkRulesExtracted is rule evaluation alone, on events whose fields
// were extracted beforehand: the generated counterpart of the evaluator's
// BenchmarkRulesExtracted/rules=9 in backends/native (the first 1,000
// events of the benchmark generator, seed 42, and the same nine rules), so
// the two compare the code that evaluates rules without the decoding that
// both spend most of their time in.
func BenchmarkRulesExtracted(b *testing.B) {
	var buf bytes.Buffer
	if err := native.GenerateEvents(&buf, 1000, 42); err != nil {
		b.Fatal(err)
	}
	p := newProgram(DefaultMaxState)
	var evs []*event
	for _, line := range bytes.Split(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n")) {
		ev := newEvent(p.nslots)
		ev.memo = make([]uint8, p.nmemo)
		if err := p.ext.decode(ev, line); err != nil {
			b.Fatal(err)
		}
		evs = append(evs, ev)
	}
	run := func(ev *event) (hits int) {
		ev.gen++ // as engine.process does: nothing cached from the last pass
		ev.farena = ev.farena[:0]
		clear(ev.memo)
		for i := range p.events {
			if p.events[i].cond(ev) {
				hits++
			}
		}
		return hits
	}
	hits := 0
	for _, ev := range evs {
		hits += run(ev)
	}
	if hits == 0 {
		b.Fatal("no event matched: the benchmark would measure rejections only")
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		run(evs[n%len(evs)])
		n++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/event")
}
