package native

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math/bits"

	"github.com/eqlx/eqlx/ir"
)

// Match is one alert: a rule and the event or events that matched it.
type Match struct {
	// Rule indexes Program.Rules().
	Rule int
	// Events are the matched events' raw JSON: one for an event query, the
	// stage events in order for a sequence (a missing stage contributes
	// the MissingEvent placeholder, with number -1), the filter events in
	// filter order for a sample. For an event
	// query the slice aliases the input line and the Engine's buffers: copy
	// what you keep after the emit callback returns.
	Events [][]byte
	// Nums are the events' numbers: 0-based positions among all events given
	// to the Engine (lines with errors included).
	Nums []int64
	// Keys are a sequence's or sample's join key values.
	Keys []ir.Value
}

// Stats counts what an Engine did.
type Stats struct {
	Events      int64   // events given to Process
	BadEvents   int64   // events that were skipped (not JSON) or had a field of the wrong type
	NoTimestamp int64   // (event, sequence rule) pairs skipped for a missing @timestamp
	Matches     []int64 // per rule
	Dropped     []int64 // per rule: pending sequences or sample groups dropped by the state cap
}

// InputError is a problem with one event line.
type InputError struct {
	Num       int64 // the event's number (0-based)
	Column    int   // 1-based byte column, 0 when not about one place
	Msg       string
	Evaluated bool // the event was still evaluated, with the bad field missing
}

func (e *InputError) Error() string {
	if e.Column > 0 {
		return fmt.Sprintf("column %d: %s", e.Column, e.Msg)
	}
	return e.Msg
}

// Engine evaluates a Program over one stream of events. It holds the
// per-stream state (pending sequences, samples, pipes) and scratch buffers;
// use one Engine per goroutine.
type Engine struct {
	p       *Program
	maxLine int // replaces the constant in Run when not 0 (tests)
	mode    engineMode
	ev      *event
	seqs    []*seqState
	samples []*sampleState
	num     int64 // number of the next event
	cur     int64 // number of the event being processed, kept by sequences and samples
	wm      int64 // the largest @timestamp seen (event time watermark)
	raw     []byte
	rawOK   bool
	keyBuf  []byte
	one     [1][]byte
	oneNum  [1]int64
	emitted []int64   // per rule, for head
	tails   [][]Match // per rule, for tail
	stats   Stats
	_       [64]byte // keep engines of different workers off each other's cache lines
}

// engineMode splits the work of Eval: workers run the stateless event
// queries (without pipes), one serial engine runs pipes and all state.
type engineMode uint8

const (
	modeAll engineMode = iota
	modeEvents
	modeState
)

// NewEngine returns an Engine with empty state.
func (p *Program) NewEngine() *Engine {
	e := &Engine{
		p:       p,
		ev:      newEvent(p.nslots, p.nmemo),
		emitted: make([]int64, len(p.rules)),
		tails:   make([][]Match, len(p.rules)),
	}
	e.stats.Matches = make([]int64, len(p.rules))
	e.stats.Dropped = make([]int64, len(p.rules))
	for _, s := range p.seqs {
		e.seqs = append(e.seqs, newSeqState(s))
	}
	for _, s := range p.samples {
		e.samples = append(e.samples, newSampleState(s))
	}
	return e
}

// Stats returns the counts so far.
func (e *Engine) Stats() Stats {
	st := e.stats
	st.Matches = append([]int64(nil), st.Matches...)
	st.Dropped = append([]int64(nil), st.Dropped...)
	for _, s := range e.seqs {
		st.Dropped[s.plan.rule] += s.dropped
	}
	for _, s := range e.samples {
		st.Dropped[s.plan.rule] += s.dropped
	}
	return st
}

// rawCopy returns a copy of the current event's line, made once per event
// and shared by every sequence and sample that keeps it.
func (e *Engine) rawCopy() []byte {
	if !e.rawOK {
		e.raw = bytes.Clone(e.ev.Raw)
		e.rawOK = true
	}
	return e.raw
}

// Process evaluates one event (one NDJSON line, without its newline) and
// calls emit for each match, in rule order; matches of sequences whose
// trailing missing stage expired come first. An event that is not JSON is
// skipped and reported as *InputError; a referenced field of the wrong type
// is reported as *InputError with Evaluated set, after evaluation.
func (e *Engine) Process(line []byte, emit func(Match)) error {
	num := e.num
	e.cur = num
	e.num++
	e.stats.Events++
	e.rawOK = false
	ev := e.ev
	if err := e.p.ext.decode(ev, line); err != nil {
		e.stats.BadEvents++
		var se *syntaxError
		if errors.As(err, &se) {
			return &InputError{Num: num, Column: se.off + 1, Msg: se.msg}
		}
		return &InputError{Num: num, Msg: err.Error()}
	}
	if ev.hasTS && ev.ts > e.wm {
		e.wm = ev.ts
		for _, s := range e.seqs {
			if len(s.awaiting) > 0 {
				e.expire(s, emit)
			}
		}
	}
	ev.gate = e.p.candidates(ev)
	if e.mode != modeState {
		for w, set := range e.p.matchEvents(ev, ev.gate) {
			for ; set != 0; set &= set - 1 {
				r := &e.p.events[w*64+bits.TrailingZeros64(set)]
				e.one[0] = line
				e.oneNum[0] = num
				m := Match{Rule: r.rule, Events: e.one[:], Nums: e.oneNum[:]}
				if e.mode == modeEvents {
					emit(m)
				} else {
					e.emitMatch(m, false, emit)
				}
			}
		}
	}
	if e.mode != modeEvents {
		for _, s := range e.seqs {
			e.seqProcess(s, emit)
		}
		for _, s := range e.samples {
			e.sampleProcess(s, emit)
		}
	}
	if ev.Warn != "" {
		e.stats.BadEvents++
		return &InputError{Num: num, Msg: ev.Warn, Evaluated: true}
	}
	return nil
}

// emitMatch applies the rule's head/tail pipe. owned says m's slices are
// not reused by the engine (so tail may keep them).
func (e *Engine) emitMatch(m Match, owned bool, emit func(Match)) {
	pipe := e.p.pipes[m.Rule]
	switch pipe.Kind {
	case ir.PipeHead:
		if e.emitted[m.Rule] >= pipe.N {
			return
		}
	case ir.PipeTail:
		if !owned {
			m.Events = [][]byte{bytes.Clone(m.Events[0])}
			m.Nums = []int64{m.Nums[0]}
		}
		t := append(e.tails[m.Rule], m)
		if int64(len(t)) > pipe.N {
			t = t[1:]
		}
		e.tails[m.Rule] = t
		return
	}
	e.emitted[m.Rule]++
	e.stats.Matches[m.Rule]++
	emit(m)
}

// Flush ends the stream: sequences waiting for a trailing missing stage's
// window to close are matches now (nothing more can arrive), and `| tail`
// results are emitted. State is then cleared.
func (e *Engine) Flush(emit func(Match)) {
	for _, s := range e.seqs {
		for _, a := range s.awaiting {
			if a.live {
				a.live = false
				e.emitSeq(s, a, emit)
			}
		}
		s.awaiting = nil
	}
	for r, t := range e.tails {
		for _, m := range t {
			e.emitted[r]++
			e.stats.Matches[r]++
			emit(m)
		}
		e.tails[r] = nil
	}
}

// maxLine bounds one event line, its newline not counted: a longer line is
// reported and skipped, and never held whole in memory.
const maxLine = 16 << 20

// orDefault is v, or def when v is 0.
func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// skipTooLong counts the next event as a bad one, a line longer than
// maxLine that is not read, and returns its error.
func (e *Engine) skipTooLong(maxLine int) *InputError {
	err := &InputError{Num: e.num, Msg: fmt.Sprintf("line longer than %d bytes", maxLine)}
	e.num++
	e.stats.Events++
	e.stats.BadEvents++
	return err
}

// Run reads NDJSON events from r (gzip-compressed or not: detected by its
// magic bytes), calls emit for each match and bad for each bad line (line
// is 1-based; bad may be nil), then flushes. It stops at the first error
// bad returns, or at a read error (after the complete lines before it).
func (e *Engine) Run(r io.Reader, emit func(Match), bad func(line int64, err *InputError) error) error {
	rd, err := Decompress(r)
	if err != nil {
		return err
	}
	br := bufio.NewReaderSize(rd, 1<<20)
	maxLine := orDefault(e.maxLine, maxLine)
	var line int64
	var long []byte
	for {
		b, err := br.ReadSlice('\n')
		tooLong := false
		if err == bufio.ErrBufferFull {
			long = append(long[:0], b...)
			for err == bufio.ErrBufferFull {
				b, err = br.ReadSlice('\n')
				if len(long)+len(b) <= maxLine+1 { // its newline not counted
					long = append(long, b...)
				} else {
					tooLong = true
				}
			}
			b = long
		}
		if len(bytes.TrimSuffix(b, []byte{'\n'})) > maxLine {
			tooLong = true
		}
		if err != nil && err != io.EOF {
			return err // what was read of this line is not a line
		}
		if len(b) > 0 {
			line++
			text := bytes.TrimRight(b, "\r\n")
			if tooLong || len(bytes.TrimSpace(text)) > 0 { // a long line is reported, blank or not
				var perr error
				if tooLong {
					perr = e.skipTooLong(maxLine)
				} else {
					perr = e.Process(text, emit)
				}
				if ie, ok := perr.(*InputError); ok && bad != nil {
					if berr := bad(line, ie); berr != nil {
						return berr
					}
				}
			}
		}
		if err == io.EOF {
			break
		}
	}
	e.Flush(emit)
	return nil
}

// Decompress returns r itself, or a gzip reader over it when r starts with
// gzip's magic bytes.
func Decompress(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, gzipError(err)
		}
		return gzipReader{zr}, nil
	}
	return br, nil
}

// gzipReader says which layer failed: a bare "unexpected EOF" from the
// middle of a .gz file reads as an eqlx bug, not as a truncated file.
type gzipReader struct{ zr *gzip.Reader }

func (g gzipReader) Read(p []byte) (int, error) {
	n, err := g.zr.Read(p)
	if err != nil && err != io.EOF {
		err = gzipError(err)
	}
	return n, err
}

// gzipError prefixes err with "gzip:" once (compress/gzip's own errors
// carry it already) and names a truncated stream.
func gzipError(err error) error {
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("gzip: the compressed input ends early (truncated?): %w", err)
	case errors.Is(err, gzip.ErrHeader), errors.Is(err, gzip.ErrChecksum):
		return err
	}
	return fmt.Errorf("gzip: %w", err)
}
