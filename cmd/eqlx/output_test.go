package main

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/eqlx/eqlx/ir"
)

// failingFS is the real file system, except that the failAt-th temporary
// file created (1-based) fails half-way through its write, or the rename
// numbered renameFailAt fails: a full disk or a vanished directory in the
// middle of a run.
type failingFS struct {
	osFS
	failAt, created       int
	renameFailAt, renamed int
}

var errInjected = errors.New("injected failure")

func (f *failingFS) CreateTemp(dir, pattern string) (tempFile, error) {
	t, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	f.created++
	if f.created == f.failAt {
		return halfWriter{t}, nil
	}
	return t, nil
}

func (f *failingFS) Rename(oldpath, newpath string) error {
	f.renamed++
	if f.renamed == f.renameFailAt {
		return errInjected
	}
	return os.Rename(oldpath, newpath)
}

// halfWriter writes half of what it is given, then fails, leaving a
// partial temporary file on disk for the writer to clean up.
type halfWriter struct{ *os.File }

func (h halfWriter) Write(p []byte) (int, error) {
	n, _ := h.File.Write(p[:len(p)/2])
	return n, errInjected
}

// snapshot is every file under dir with its content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		files[p] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func sameSnapshot(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || v != w {
			return false
		}
	}
	return true
}

// TestNoPartialFileAfterFailureMidWrite: whichever file of a directory
// output fails half-way through its write, or whichever rename fails,
// nothing in the directory changes (no new, changed or removed file, no
// temporary or backup left), and likewise for one file.
func TestNoPartialFileAfterFailureMidWrite(t *testing.T) {
	files := []ir.File{
		{Path: "a.yml", Data: []byte("title: new a\n")},
		{Path: "b.yml", Data: []byte("title: new b\n")},
		{Path: "c.yml", Data: []byte("title: new c\n")},
	}
	var failures []*failingFS
	for i := 1; i <= len(files); i++ {
		failures = append(failures, &failingFS{failAt: i}, &failingFS{renameFailAt: i})
	}
	for _, fsys := range failures {
		dir := writeDir(t, map[string]string{"a.yml": "title: old a\n", "stale.yml": "title: stale\n", "README.md": "keep\n"})
		before := snapshot(t, dir)
		_, err := writeDirAtomic(fsys, dir, files, hasExt(".yml"))
		if !errors.Is(err, errInjected) {
			t.Fatalf("%+v: err %v, want the injected failure", *fsys, err)
		}
		if after := snapshot(t, dir); !sameSnapshot(before, after) {
			t.Errorf("write %d or rename %d failed and the directory changed:\nbefore %v\nafter  %v", fsys.failAt, fsys.renameFailAt, before, after)
		}
	}

	// A directory that did not exist is not left behind, empty.
	parent := t.TempDir()
	if _, err := writeDirAtomic(&failingFS{failAt: 2}, filepath.Join(parent, "new"), files, hasExt(".yml")); !errors.Is(err, errInjected) {
		t.Fatalf("new directory: err %v", err)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}

	dir := writeDir(t, map[string]string{"out.yml": "old\n"})
	before := snapshot(t, dir)
	for _, fsys := range []*failingFS{{failAt: 1}, {renameFailAt: 1}} {
		if err := writeFileAtomic(fsys, filepath.Join(dir, "out.yml"), []byte("new content\n")); !errors.Is(err, errInjected) {
			t.Fatalf("err %v", err)
		}
		if after := snapshot(t, dir); !sameSnapshot(before, after) {
			t.Errorf("single file: %v, want %v", after, before)
		}
	}
}

// TestWriteDirAtomicReplacesAndPrunes: a successful write replaces the
// target's files, removes its stale ones and keeps the rest; no temporary
// file remains.
func TestWriteDirAtomicReplacesAndPrunes(t *testing.T) {
	dir := writeDir(t, map[string]string{"a.yml": "old\n", "stale.yml": "x\n", "README.md": "keep\n"})
	removed, err := writeDirAtomic(osFS{}, dir, []ir.File{{Path: "a.yml", Data: []byte("new\n")}, {Path: "b.yml", Data: []byte("b\n")}}, hasExt(".yml"))
	if err != nil || !slices.Equal(removed, []string{"stale.yml"}) {
		t.Fatalf("removed %v, err %v", removed, err)
	}
	want := map[string]string{
		filepath.Join(dir, "a.yml"): "new\n", filepath.Join(dir, "b.yml"): "b\n", filepath.Join(dir, "README.md"): "keep\n",
	}
	if got := snapshot(t, dir); !sameSnapshot(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

// TestOutputDirIsAtomicThroughTheCLI: -o DIR into a directory whose parent
// is a file fails with exit 1 and leaves nothing behind.
func TestOutputDirIsAtomicThroughTheCLI(t *testing.T) {
	parent := writeDir(t, map[string]string{"file": "x"})
	code, _, stderr := eqlx(t, "", "convert", "--to", "sigma", "-o", filepath.Join(parent, "file", "sigma"), rulesDir)
	if code != exitFailed || stderr == "" {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if got := snapshot(t, parent); len(got) != 1 {
		t.Errorf("left behind: %v", got)
	}
}

// TestOutputIntoMissingDirectory: -o FILE in a directory that does not
// exist names FILE, not the temporary file beside it, and exits 1.
func TestOutputIntoMissingDirectory(t *testing.T) {
	out := filepath.Join(t.TempDir(), "no-such-dir", "rules.yaml")
	code, _, stderr := eqlx(t, "", "convert", "--to", "falco", "-o", out, rulesDir)
	want := "eqlx: cannot write " + out + ": no such file or directory"
	if code != exitFailed || !strings.Contains(stderr, want) || strings.Contains(stderr, ".tmp") {
		t.Errorf("exit %d, stderr:\n%s\nwant exit 1 and %q", code, stderr, want)
	}
}

// TestOutputToPipeOrSymlink: -o onto a named pipe writes into the pipe and
// leaves it a pipe (renaming over it, as over /dev/null, would replace it
// with a file); -o onto a symbolic link replaces the file it points to and
// keeps the link.
func TestOutputToPipeOrSymlink(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "out.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	got := make(chan []byte)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- b
	}()
	if code, _, stderr := eqlx(t, "", "convert", "--to", "falco", "-o", fifo, rulesDir); code != exitOK {
		t.Fatalf("pipe: exit %d: %s", code, stderr)
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&fs.ModeNamedPipe == 0 {
		// The reader is still blocked on the unlinked pipe: nothing will
		// ever write to it, so do not wait for it.
		t.Fatalf("the pipe was replaced: %v %v", st.Mode(), err)
	}
	if b := <-got; !bytes.Contains(b, []byte("- rule: ")) {
		t.Errorf("pipe received %d bytes without a rule", len(b))
	}

	target := filepath.Join(dir, "real.yaml")
	link := filepath.Join(dir, "link.yaml")
	if err := os.WriteFile(target, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real.yaml", link); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := eqlx(t, "", "convert", "--to", "falco", "-o", link, rulesDir); code != exitOK {
		t.Fatalf("symlink: exit %d: %s", code, stderr)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a file: %v", err)
	}
	if b, _ := os.ReadFile(target); !bytes.Contains(b, []byte("- rule: ")) {
		t.Errorf("the link's target was not rewritten: %q", b)
	}
}
