package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/eqlx/eqlx/internal/textdiff"
	"github.com/eqlx/eqlx/ir"
)

// fileSystem is what the atomic writers need from the operating system. It
// is a parameter, not a package variable, so that a test can make a write
// fail half-way and check that nothing at the destination changed.
type fileSystem interface {
	CreateTemp(dir, pattern string) (tempFile, error)
	Rename(oldpath, newpath string) error
	Remove(name string) error
	MkdirAll(path string, perm fs.FileMode) error
	ReadDir(name string) ([]fs.DirEntry, error)
	Link(oldname, newname string) error
}

// tempFile is the part of *os.File the writers use.
type tempFile interface {
	io.Writer
	Name() string
	Chmod(fs.FileMode) error
	Close() error
}

// osFS is the real file system.
type osFS struct{}

func (osFS) CreateTemp(dir, pattern string) (tempFile, error) { return os.CreateTemp(dir, pattern) }
func (osFS) Rename(oldpath, newpath string) error             { return os.Rename(oldpath, newpath) }
func (osFS) Remove(name string) error                         { return os.Remove(name) }
func (osFS) MkdirAll(path string, perm fs.FileMode) error     { return os.MkdirAll(path, perm) }
func (osFS) ReadDir(name string) ([]fs.DirEntry, error)       { return os.ReadDir(name) }
func (osFS) Link(oldname, newname string) error               { return os.Link(oldname, newname) }

// writeAtomic writes data to path through a temporary file in the same
// directory and a rename, so readers never see a partial file.
func writeAtomic(path string, data []byte) error {
	return writeFileAtomic(osFS{}, path, data)
}

// writeFileAtomic is writeAtomic on fsys. A destination that is not a
// regular file (-o /dev/null, /dev/stdout, a named pipe) is written in
// place: renaming over it would replace the device or pipe with a file. A
// symbolic link is followed, so that the file it points to is replaced and
// the link kept.
func writeFileAtomic(fsys fileSystem, path string, data []byte) error {
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() && !st.IsDir() {
		return writeInPlace(path, data)
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	tmp, err := writeTemp(fsys, path, data)
	if err != nil {
		return err
	}
	if err := fsys.Rename(tmp, path); err != nil {
		_ = fsys.Remove(tmp)
		return err
	}
	return nil
}

// writeInPlace writes data to an existing device or pipe.
func writeInPlace(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeTemp writes data to a new temporary file beside path and returns its
// name. On failure the temporary file is gone.
func writeTemp(fsys fileSystem, path string, data []byte) (name string, err error) {
	tmp, err := fsys.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		// The temporary name means nothing to the user; the path does.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return "", fmt.Errorf("cannot write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = fsys.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return "", err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return "", err
	}
	if err = tmp.Close(); err != nil {
		return "", err
	}
	return tmp.Name(), nil
}

// writeDirAtomic writes files into dir: every file is first written to a
// temporary file beside its destination, and only when all of them are
// written are they renamed into place (a failed rename undoes the ones
// before it), so a failure (a full disk, a permission) leaves dir as it was. Files in dir that the target
// owns (owned reports it for a name) but that were not generated this time
// are then removed, so that dir holds exactly the current output and a
// later --check agrees with it. It returns the names removed.
func writeDirAtomic(fsys fileSystem, dir string, files []ir.File, owned func(string) bool) (removed []string, err error) {
	_, statErr := os.Stat(dir)
	created := errors.Is(statErr, fs.ErrNotExist)
	if err := fsys.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	temps := make([]string, 0, len(files))
	defer func() {
		if err != nil {
			for _, t := range temps {
				_ = fsys.Remove(t)
			}
			if created {
				_ = fsys.Remove(dir) // only removes it if empty, as it was made
			}
		}
	}()
	for _, f := range files {
		dst := filepath.Join(dir, filepath.FromSlash(f.Path))
		if d := filepath.Dir(dst); d != dir {
			if err := fsys.MkdirAll(d, 0o755); err != nil {
				return nil, err
			}
		}
		tmp, err := writeTemp(fsys, dst, f.Data)
		if err != nil {
			return nil, err
		}
		temps = append(temps, tmp)
	}
	if err := renameAll(fsys, dir, files, temps); err != nil {
		return nil, err
	}
	temps = nil
	stale, err := staleFiles(fsys, dir, files, owned)
	if err != nil {
		return nil, err
	}
	for _, name := range stale {
		if err := fsys.Remove(filepath.Join(dir, name)); err != nil {
			return removed, err
		}
		removed = append(removed, name)
	}
	return removed, nil
}

// renameAll renames each temporary file onto its destination. Should a
// rename fail, the ones done are undone: each destination that existed was
// first hard-linked to a backup, which is renamed back; one that did not
// exist is removed. The temporary files not renamed are left to the caller.
func renameAll(fsys fileSystem, dir string, files []ir.File, temps []string) (err error) {
	type undo struct{ dst, backup string } // backup "" : dst did not exist
	var done []undo
	defer func() {
		for i := len(done) - 1; i >= 0; i-- {
			u := done[i]
			switch {
			case err == nil && u.backup != "":
				_ = fsys.Remove(u.backup)
			case err == nil:
			case u.backup != "":
				_ = fsys.Rename(u.backup, u.dst)
			default:
				_ = fsys.Remove(u.dst)
			}
		}
	}()
	for i, f := range files {
		dst := filepath.Join(dir, filepath.FromSlash(f.Path))
		u := undo{dst: dst}
		if _, statErr := os.Lstat(dst); statErr == nil {
			u.backup = temps[i] + ".bak"
			if err := fsys.Link(dst, u.backup); err != nil {
				return err
			}
		}
		if err := fsys.Rename(temps[i], dst); err != nil {
			if u.backup != "" {
				_ = fsys.Remove(u.backup)
			}
			return err
		}
		done = append(done, u)
	}
	return nil
}

// staleFiles lists the files directly in dir that owned claims for the
// target but that files does not hold.
func staleFiles(fsys fileSystem, dir string, files []ir.File, owned func(string) bool) ([]string, error) {
	if owned == nil {
		return nil, nil
	}
	entries, err := fsys.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var stale []string
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || strings.HasPrefix(name, ".") || !owned(name) {
			continue
		}
		if !slices.ContainsFunc(files, func(f ir.File) bool { return f.Path == name }) {
			stale = append(stale, name)
		}
	}
	slices.Sort(stale)
	return stale, nil
}

// drift compares generated files with what is at path (a file when single,
// else a directory) and writes a unified diff per differing file to w. It
// returns how many files differ: changed, missing at path, or present at
// path but no longer generated (only files that owned claims count).
func drift(w io.Writer, path string, files []ir.File, single bool, owned func(string) bool) (int, error) {
	n := 0
	show := func(name, committed, generated string, missing, extra bool) {
		n++
		from, to := name, name+" (generated)"
		if missing {
			from = name + " (missing)"
		}
		if extra {
			to = name + " (no longer generated)"
		}
		fmt.Fprintf(w, "--- %s\n+++ %s\n%s", from, to, textdiff.Lines(committed, generated))
	}
	if single {
		var data []byte
		if len(files) > 0 {
			data = files[0].Data
		}
		old, err := os.ReadFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			show(path, "", string(data), true, false)
		case err != nil:
			return 0, err
		case string(old) != string(data):
			show(path, string(old), string(data), false, false)
		}
		return n, nil
	}
	if st, err := os.Stat(path); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			return 0, err
		}
	} else if !st.IsDir() {
		return 0, fmt.Errorf("%s: not a directory (this target writes one file per rule)", path)
	}
	for _, f := range files {
		p := filepath.Join(path, filepath.FromSlash(f.Path))
		old, err := os.ReadFile(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			show(p, "", string(f.Data), true, false)
		case err != nil:
			return 0, err
		case string(old) != string(f.Data):
			show(p, string(old), string(f.Data), false, false)
		}
	}
	if _, err := os.Stat(path); err != nil {
		return n, nil // missing directory: every file was shown as missing
	}
	stale, err := staleFiles(osFS{}, path, files, owned)
	if err != nil {
		return 0, err
	}
	for _, name := range stale {
		p := filepath.Join(path, name)
		old, err := os.ReadFile(p)
		if err != nil {
			return 0, err
		}
		show(p, string(old), "", false, true)
	}
	return n, nil
}
