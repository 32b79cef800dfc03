package falcotest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// RequireEnv is the environment variable that turns a missing sysdig from a
// skip into a failure; CI sets it to 1 after installing sysdig.
const RequireEnv = "EQLX_REQUIRE_SYSDIG"

// Workers is how many sysdig processes the batch helpers run at once: CI has
// two cores and each invocation is short, so a few overlap waiting on I/O.
const Workers = 4

// invocationTimeout bounds one sysdig run, so that a hang fails one
// condition instead of the whole test binary.
const invocationTimeout = 60 * time.Second

// BinaryEnv names an environment variable that, when set, is the sysdig
// binary to use instead of searching for one (a path that does not exist
// means sysdig is absent).
const BinaryEnv = "EQLX_SYSDIG"

// Sysdig returns the path of the sysdig binary and whether it was found:
// $EQLX_SYSDIG when set, else sysdig on $PATH, else /usr/bin/sysdig (where
// Debian installs it).
func Sysdig() (path string, ok bool) {
	if p := os.Getenv(BinaryEnv); p != "" {
		st, err := os.Stat(p)
		return p, err == nil && !st.IsDir() && st.Mode()&0o111 != 0
	}
	if p, err := exec.LookPath("sysdig"); err == nil {
		return p, true
	}
	const debian = "/usr/bin/sysdig"
	if st, err := os.Stat(debian); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
		return debian, true
	}
	return "", false
}

// Need returns the sysdig path for a test, skipping the test when sysdig is
// absent, or failing it when RequireEnv is "1".
func Need(t testing.TB) string {
	t.Helper()
	p, ok := Sysdig()
	if ok {
		return p
	}
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("sysdig not found and %s=1", RequireEnv)
	}
	t.Skip("sysdig not installed (set " + RequireEnv + "=1 to make this a failure)")
	return ""
}

// run runs sysdig with args and returns its combined output; the exit
// status is not an error because sysdig exits 1 for the expected outcomes.
func run(args ...string) (string, error) {
	p, ok := Sysdig()
	if !ok {
		return "", errors.New("sysdig not found")
	}
	ctx, cancel := context.WithTimeout(context.Background(), invocationTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, p, args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	if ctx.Err() != nil {
		return out.String(), fmt.Errorf("sysdig timed out after %v", invocationTimeout)
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return out.String(), err
	}
	return out.String(), nil
}

// Compiles reports whether sysdig's filter compiler accepts cond: nil when
// sysdig gets as far as opening the (empty) capture /dev/null, otherwise an
// error carrying sysdig's own message (e.g. "filter error at position 12:
// ...").
func Compiles(cond string) error {
	out, err := run("-r", "/dev/null", cond)
	if err != nil {
		return err
	}
	return compileResult(out)
}

// compileResult interprets the output of `sysdig -r /dev/null <cond>`.
func compileResult(out string) error {
	switch {
	case strings.Contains(out, "filter error"):
		return errors.New(firstLine(out[strings.Index(out, "filter error"):]))
	case strings.Contains(out, "Could not initialize reader"):
		return nil
	default:
		return fmt.Errorf("unexpected sysdig output: %s", firstLine(out))
	}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// CompileAll runs Compiles on every condition, Workers at a time, and
// returns the errors in the order of conds.
func CompileAll(conds []string) []error {
	errs := make([]error, len(conds))
	parallel(len(conds), func(i int) { errs[i] = Compiles(conds[i]) })
	return errs
}

// parallel calls fn(0..n-1) on Workers goroutines.
func parallel(n int, fn func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(Workers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

// MatchFilter is the filter Match hands to sysdig: only exit events
// (evt.dir=<) and procexit (which has no exit direction) are judged,
// because on enter events proc.* still describe the calling image, and the
// writer's setup events (on SetupCPU) are left out.
func MatchFilter(cond string) string {
	return "(evt.dir=< or evt.type=procexit) and evt.cpu=0 and (" + cond + ")"
}

// Match runs cond over the capture at capturePath and returns the thread ids
// of the matching events, sorted and unique. A condition sysdig rejects is
// an error carrying sysdig's message.
func Match(capturePath, cond string) ([]int64, error) {
	out, err := run("-r", capturePath, MatchFilter(cond), "-p", "*%thread.tid")
	if err != nil {
		return nil, err
	}
	return parseTids(out)
}

// parseTids reads one thread id per line; any other line is sysdig
// complaining, which is returned as the error.
func parseTids(out string) ([]int64, error) {
	var tids []int64
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		n, err := strconv.ParseInt(line, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("sysdig: %s", firstLine(line))
		}
		tids = append(tids, n)
	}
	slices.Sort(tids)
	return slices.Compact(tids), nil
}

// MatchAll runs Match for every condition, Workers at a time; results and
// errors are in the order of conds.
func MatchAll(capturePath string, conds []string) ([][]int64, []error) {
	tids := make([][]int64, len(conds))
	errs := make([]error, len(conds))
	parallel(len(conds), func(i int) { tids[i], errs[i] = Match(capturePath, conds[i]) })
	return tids, errs
}
