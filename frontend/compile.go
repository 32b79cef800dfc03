package frontend

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// Compile reads every rule in src and parses, lowers and normalises the EQL
// ones. It never fails as a whole: a rule that cannot be compiled is a
// Failure and the others go on.
func Compile(src Source, opt Options) Result {
	var res Result
	for _, u := range load(src, opt) {
		res.add(u)
	}
	return res
}

// load splits src into rules, by format.
func load(src Source, opt Options) []unit {
	switch formatOf(src, opt) {
	case TOML:
		return []unit{loadTOML(src.Name, src.Data)}
	case NDJSON:
		return loadNDJSON(src.Name, src.Data)
	default:
		return []unit{loadEQL(src.Name, src.Data, opt)}
	}
}

// add compiles one loaded rule into res.
func (res *Result) add(u unit) {
	switch {
	case u.skip:
		res.Skipped = append(res.Skipped, Skipped{File: u.meta.File, RuleID: u.meta.RuleID, Name: u.meta.Name, Language: skipLanguageOf(u)})
	case u.diags.HasErrors():
		res.Failed = append(res.Failed, Failure{File: u.meta.File, RuleID: u.meta.RuleID, Name: u.meta.Name, Diags: u.diags})
	default:
		r, ds := compileUnit(u)
		if r == nil {
			ds.Sort()
			res.Failed = append(res.Failed, Failure{File: u.meta.File, RuleID: u.meta.RuleID, Name: u.meta.Name, Diags: ds})
			return
		}
		res.Rules = append(res.Rules, r)
	}
}

// skipLanguageOf names what a skipped rule is written in.
func skipLanguageOf(u unit) string {
	switch {
	case u.meta.Language != "":
		return u.meta.Language
	case u.meta.Type != "":
		return "type:" + u.meta.Type
	}
	return "none"
}

// isRuleFile reports whether a directory walk picks up the file at path.
func isRuleFile(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".toml", ".ndjson", ".json", ".eql":
		return true
	}
	return false
}

// CompileFiles compiles files and directories (walked recursively; files
// with a rule extension, .toml .ndjson .json .eql, in lexical order; hidden
// directories skipped). "-" reads opt.Stdin. Results come in the order of
// paths, and within a directory in file order. The error is not nil only
// when a path cannot be read; the readable ones are still compiled.
func CompileFiles(paths []string, opt Options) (Result, error) {
	files, err := Expand(paths)
	errs := []error{err}
	srcs := make([]Source, 0, len(files))
	for _, f := range files {
		data, err := readSource(f, opt.Stdin)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		srcs = append(srcs, Source{Name: f, Data: data})
	}
	return CompileSources(srcs, opt), errors.Join(errs...)
}

// Expand lists the files that CompileFiles reads for paths: directories are
// walked recursively for files with a rule extension (.toml .ndjson .json
// .eql), in lexical order, skipping hidden directories; files named
// explicitly and "-" (stdin) are kept as given. The error joins every path
// that cannot be read; the others are still listed.
func Expand(paths []string) ([]string, error) {
	files, errs := expand(paths)
	return files, errors.Join(errs...)
}

// expand turns paths into the list of files to read.
func expand(paths []string) ([]string, []error) {
	var files []string
	var errs []error
	for _, p := range paths {
		if p == "-" {
			files = append(files, p)
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !info.IsDir() {
			files = append(files, p) // named explicitly: read whatever its extension
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				errs = append(errs, err)
				return nil
			}
			if d.IsDir() {
				if path != p && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if isRuleFile(path) {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			errs = append(errs, err)
		}
	}
	return files, errs
}

// readSource reads a file, or stdin for "-".
func readSource(name string, stdin io.Reader) ([]byte, error) {
	if name != "-" {
		return os.ReadFile(name)
	}
	if stdin == nil {
		stdin = os.Stdin
	}
	data, err := io.ReadAll(stdin)
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: "stdin", Err: err}
	}
	return data, nil
}

// CompileSources compiles sources on all CPUs and merges the results in
// source order, so the output does not depend on scheduling.
func CompileSources(srcs []Source, opt Options) Result {
	results := make([]Result, len(srcs))
	workers := min(runtime.GOMAXPROCS(0), len(srcs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = Compile(srcs[i], opt)
			}
		}()
	}
	for i := range srcs {
		next <- i
	}
	close(next)
	wg.Wait()
	var res Result
	for _, r := range results {
		res.Rules = append(res.Rules, r.Rules...)
		res.Failed = append(res.Failed, r.Failed...)
		res.Skipped = append(res.Skipped, r.Skipped...)
	}
	return res
}
