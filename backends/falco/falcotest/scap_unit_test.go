package falcotest

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

// TestWriteCaptureIsDeterministic: the same events give the same bytes.
func TestWriteCaptureIsDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := WriteCapture(&a, writerEvents()); err != nil {
		t.Fatal(err)
	}
	if err := WriteCapture(&b, writerEvents()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two writes of the same events differ")
	}
}

// TestWriteCaptureBlocksAreWellFormed walks the blocks: each starts and
// ends with the same length, is 4-byte aligned, and the first is the
// section header.
func TestWriteCaptureBlocksAreWellFormed(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCapture(&buf, writerEvents()); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	var types []uint32
	for off := 0; off < len(data); {
		if off+12 > len(data) {
			t.Fatalf("truncated block at %d", off)
		}
		typ := binary.LittleEndian.Uint32(data[off:])
		n := int(binary.LittleEndian.Uint32(data[off+4:]))
		if n%4 != 0 || off+n > len(data) || int(binary.LittleEndian.Uint32(data[off+n-4:])) != n {
			t.Fatalf("block %#x at %d: bad length %d", typ, off, n)
		}
		types = append(types, typ)
		off += n
	}
	if types[0] != blockSHB || types[1] != blockMI || types[2] != blockUL || types[3] != blockPL {
		t.Errorf("header blocks: %#x", types[:4])
	}
	for _, typ := range types[4:] {
		if typ != blockEV {
			t.Errorf("block %#x after the header", typ)
		}
	}
}

func TestWriteCaptureRejectsBadEvents(t *testing.T) {
	good := writerEvents()
	dup := append(writerEvents(), Event{Kind: Exec, Proc: Process{TID: 300, ExePath: "/bin/x"}})
	badCID := []Event{{Kind: Exec, ContainerID: "abc", Proc: Process{TID: 5, ExePath: "/bin/x"}}}
	selfParent := &Process{TID: 7, ExePath: "/bin/x"}
	selfParent.Parent = selfParent
	cases := []struct {
		name   string
		events []Event
		msg    string
	}{
		{"no events", nil, "at least one event"},
		{"one thread per event", dup, "share thread id 300"},
		{"container ids are 64 hex digits", badCID, "not 64 hex digits"},
		{"tid 1 is init", []Event{{Proc: Process{TID: 1}}}, "init"},
		{"tids are positive", []Event{{Proc: Process{TID: -4}}}, "not positive"},
		{"a process is not its own parent", []Event{{Proc: *selfParent}}, "its own parent"},
		{"unknown kind", []Event{{Kind: 9, Proc: Process{TID: 8}}}, "unknown event kind"},
		{"parameters have 16-bit lengths", []Event{{Proc: Process{TID: 8, Args: []string{strings.Repeat("a", 70000)}}}}, "16-bit length"},
	}
	if err := WriteCapture(&bytes.Buffer{}, good); err != nil {
		t.Fatalf("good events: %v", err)
	}
	for _, c := range cases {
		err := WriteCapture(&bytes.Buffer{}, c.events)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: got %v, want an error about %q", c.name, err, c.msg)
		}
	}
}

func TestCommIsCutLikeTheKernel(t *testing.T) {
	cases := []struct {
		p    Process
		want string
	}{
		{Process{Comm: "netcat.traditional"}, "netcat.traditio"},
		{Process{ExePath: "/usr/sbin/unattended-upgrade"}, "unattended-upgr"},
		{Process{Comm: "sh", ExePath: "/bin/busybox"}, "sh"},
	}
	for _, c := range cases {
		if got := comm(&c.p); got != c.want {
			t.Errorf("comm(%+v) = %q, want %q", c.p, got, c.want)
		}
	}
}

func TestSplitImage(t *testing.T) {
	cases := [][3]string{
		{"docker.io/library/nginx:1.25", "docker.io/library/nginx", "1.25"},
		{"registry:5000/app", "registry:5000/app", ""},
		{"registry:5000/app:v2", "registry:5000/app", "v2"},
		{"alpine", "alpine", ""},
	}
	for _, c := range cases {
		if repo, tag := splitImage(c[0]); repo != c[1] || tag != c[2] {
			t.Errorf("splitImage(%q) = %q, %q", c[0], repo, tag)
		}
	}
}
