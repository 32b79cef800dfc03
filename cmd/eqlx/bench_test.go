package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eqlx/eqlx/backends/native"
)

// benchAsMain makes the test binary act as eqlx itself, so that
// BenchmarkEvalCommand measures a process that holds nothing but eqlx:
// the kernel's peak RSS of that process is the figure a user would see.
// Before exiting it appends the heap allocations it made to the file
// named by the variable, for allocs/event.
const benchAsMain = "EQLX_BENCH_AS_MAIN"

// TestMain runs the tests, or is eqlx when the benchmark asks for it. Not
// an init function: a program run from init ran its workers on fewer
// cores than the real binary does.
func TestMain(m *testing.M) {
	out := os.Getenv(benchAsMain)
	if out == "" {
		os.Exit(m.Run())
	}
	code := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if err := os.WriteFile(out, []byte(strconv.FormatUint(ms.Mallocs, 10)), 0o644); err != nil {
		code = 1
	}
	os.Exit(code)
}

// BenchmarkEvalCommand is `eqlx eval --rules rules/` as users run it, over
// 1M generated events (a file of 100k events of about 2.5 KB, given ten
// times, read from the page cache), with 1 and 2 workers. It reports
// events/s and ns/event of the whole process, allocs/event (the process's
// allocations, start-up included, divided by the events), and the peak
// RSS that the kernel recorded for the process.
func BenchmarkEvalCommand(b *testing.B) {
	const perFile, times = 100_000, 10
	events := filepath.Join(b.TempDir(), "events.ndjson")
	f, err := os.Create(events)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := native.GenerateEvents(w, perFile, 42); err != nil {
		b.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	mallocs := filepath.Join(b.TempDir(), "mallocs")
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			args := []string{"eval", "--rules", rulesDir, "--workers", strconv.Itoa(workers)}
			for range times {
				args = append(args, events)
			}
			var wall time.Duration
			var rss, allocs float64
			n := 0
			for b.Loop() {
				cmd := exec.Command(exe, args...)
				cmd.Env = append(os.Environ(), benchAsMain+"="+mallocs)
				var stderr strings.Builder
				cmd.Stderr = &stderr // stdout, the alerts, goes to the null device
				start := time.Now()
				if err := cmd.Run(); err != nil {
					b.Fatalf("%v: %s", err, stderr.String())
				}
				wall += time.Since(start)
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
					rss = max(rss, float64(ru.Maxrss)/1024) // Linux gives KiB
				}
				data, err := os.ReadFile(mallocs)
				if err != nil {
					b.Fatal(err)
				}
				m, err := strconv.ParseFloat(string(data), 64)
				if err != nil {
					b.Fatal(err)
				}
				allocs += m
				n += perFile * times
			}
			b.ReportMetric(float64(n)/wall.Seconds(), "events/s")
			b.ReportMetric(float64(wall.Nanoseconds())/float64(n), "ns/event")
			b.ReportMetric(allocs/float64(n), "allocs/event")
			b.ReportMetric(rss, "peak-RSS-MiB")
		})
	}
}
