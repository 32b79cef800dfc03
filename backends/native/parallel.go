package native

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"sync"
)

// Input is one named stream of NDJSON events ("-" for stdin, by convention).
type Input struct {
	Name string
	R    io.Reader
}

// EvalOptions tune Eval.
type EvalOptions struct {
	// Workers is the number of goroutines that decode events and run the
	// event queries; 0 means 1. Sequences, samples and pipes run in order
	// on one more goroutine. The output does not depend on Workers.
	Workers int
	// Bad is called, in input order, for each bad line (line is 1-based in
	// its input); a non-nil error stops Eval with that error. Nil ignores
	// bad lines.
	Bad func(input string, line int64, err *InputError) error
	// Progress, when set, is called after each batch with the bytes read so
	// far from the current input.
	Progress func(input string, read int64)

	// batchSize and maxLine replace the constants when not 0: tests shrink
	// them to reach batch boundaries and long lines with small inputs.
	batchSize, maxLine int
}

// grow returns b with room for at least a batch more, doubling its
// capacity so that a long line is copied a few times, not once per batch,
// but never past what the longest line read (maxLine) needs.
func grow(b []byte, batchSize, maxLine int) []byte {
	n := max(2*cap(b), len(b)+batchSize)
	if limit := maxLine + 2*batchSize; n > limit {
		n = max(limit, len(b)+batchSize)
	}
	nb := make([]byte, len(b), n)
	copy(nb, b)
	return nb
}

// batchSize is how many bytes of lines a worker takes at a time: large
// enough to amortise channel hand-offs, small enough to bound memory
// (about 2 × Workers + 2 batches are alive at once).
const batchSize = 256 << 10

type hit struct {
	line int32 // index in batch.lines
	rule int32
}

type badLine struct {
	line int32
	err  InputError
}

type batch struct {
	input string
	data  []byte
	// lines are the batch's events, without their newlines; a nil one is
	// a line longer than maxLine, which is reported and not read (blank
	// lines are dropped, so no event is nil).
	lines    [][]byte
	lineNos  []int64
	firstNum int64
	read     int64
	hits     []hit
	bad      []badLine
	done     chan struct{}
}

// Eval evaluates the inputs, in order, as one stream: emit is called from a
// single goroutine, for each event in input order with the event queries'
// matches first (in rule order), then what the sequences and samples
// emitted on that event, and at the end what Flush emits. An error from
// Bad ends the stream with that line, as Engine.Run does: nothing after it
// is emitted or counted, and Flush is not run; so does a read error, after
// the lines read before it.
// Match slices are valid only during the call. It returns the engine
// statistics.
func (p *Program) Eval(inputs []Input, opt EvalOptions, emit func(Match)) (Stats, error) {
	workers := opt.Workers
	if workers <= 0 {
		workers = 1
	}
	if workers > 4*runtime.NumCPU() {
		workers = 4 * runtime.NumCPU()
	}
	batchSize, maxLine := orDefault(opt.batchSize, batchSize), orDefault(opt.maxLine, maxLine)
	serial := p.NewEngine()
	serial.mode = modeState
	stateful := len(p.seqs)+len(p.samples) > 0

	free := make(chan *batch, 2*workers+2)
	for range cap(free) {
		free <- &batch{done: make(chan struct{}, 1)}
	}
	work := make(chan *batch, workers)
	ordered := make(chan *batch, 2*workers+2)
	stop := make(chan struct{})
	var readErr error

	// Reader: cut the inputs into batches of whole lines.
	go func() {
		defer close(work)
		defer close(ordered)
		var num int64
		for _, in := range inputs {
			rd, err := Decompress(in.R)
			if err != nil {
				readErr = fmt.Errorf("%s: %w", in.Name, err)
				return
			}
			var carry []byte
			var lineNo, read int64
			eof := false
			// skipping: the line being read is longer than maxLine; its
			// bytes are dropped up to its newline, and it becomes a nil
			// line of the batch where it ends.
			skipping := false
			// add puts the next event line into b (nil for a line longer
			// than maxLine).
			add := func(b *batch, l []byte) {
				b.lines = append(b.lines, l)
				b.lineNos = append(b.lineNos, lineNo)
				num++
			}
			for !eof {
				var b *batch
				select {
				case b = <-free:
				case <-stop:
					return
				}
				b.input, b.firstNum = in.Name, num
				b.data = append(b.data[:0], carry...)
				b.lines, b.lineNos, b.hits, b.bad = b.lines[:0], b.lineNos[:0], b.hits[:0], b.bad[:0]
				// Fill the batch; a line longer than it is read on into the
				// same batch, up to maxLine, then dropped as it comes.
				// scanned: b.data[:scanned] holds no newline (carry holds none).
			fill:
				for need, scanned := len(b.data)+batchSize, len(b.data); ; {
					for len(b.data) < need && !eof {
						if cap(b.data)-len(b.data) < 64<<10 {
							b.data = grow(b.data, batchSize, maxLine)
						}
						n, err := rd.Read(b.data[len(b.data):cap(b.data)])
						b.data = b.data[:len(b.data)+n]
						read += int64(n)
						if err == io.EOF {
							eof = true
						} else if err != nil {
							// The complete lines read so far are
							// evaluated, as Engine.Run does; the
							// partial one is not a line.
							readErr = fmt.Errorf("%s: %w", in.Name, err)
							break fill
						}
					}
					if skipping {
						i := bytes.IndexByte(b.data, '\n')
						if i < 0 && !eof {
							b.data, need = b.data[:0], batchSize
							continue
						}
						skipping = false
						lineNo++
						add(b, nil)
						if i < 0 { // it ended the input
							b.data = b.data[:0]
						} else {
							b.data = b.data[:copy(b.data, b.data[i+1:])]
						}
						scanned = 0
					}
					if eof || bytes.IndexByte(b.data[scanned:], '\n') >= 0 {
						break
					}
					scanned = len(b.data)
					if len(b.data) > maxLine {
						skipping = true
						b.data, need, scanned = b.data[:0], batchSize, 0
						continue
					}
					need = len(b.data) + batchSize
				}
				if readErr != nil && skipping {
					b.data = b.data[:0] // the long line read so far (an earlier one may be in b.lines)
				}
				cut := len(b.data)
				if !eof {
					cut = bytes.LastIndexByte(b.data, '\n') + 1
				}
				carry = append(carry[:0], b.data[cut:]...)
				for rest := b.data[:cut]; len(rest) > 0; {
					i := bytes.IndexByte(rest, '\n')
					var l []byte
					if i < 0 {
						l, rest = rest, nil
					} else {
						l, rest = rest[:i], rest[i+1:]
					}
					lineNo++
					if len(l) > maxLine {
						add(b, nil)
						continue
					}
					l = bytes.TrimRight(l, "\r")
					if len(bytes.TrimSpace(l)) == 0 {
						continue
					}
					add(b, l)
				}
				b.read = read
				work <- b
				ordered <- b
				if readErr != nil {
					return
				}
			}
		}
	}()

	// Workers: decode and run the event queries.
	var wg sync.WaitGroup
	for range workers {
		eng := p.NewEngine()
		eng.mode = modeEvents
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				eng.num = b.firstNum
				for i, l := range b.lines {
					if l == nil {
						b.bad = append(b.bad, badLine{int32(i), *eng.skipTooLong(maxLine)})
						continue
					}
					err := eng.Process(l, func(m Match) { b.hits = append(b.hits, hit{int32(i), int32(m.Rule)}) })
					if ie, ok := err.(*InputError); ok {
						b.bad = append(b.bad, badLine{int32(i), *ie})
					}
				}
				b.done <- struct{}{}
			}
		}()
	}

	// Serial stage: in input order, pipes and state.
	var one [1][]byte
	var oneNum [1]int64
	var err error
	// The workers run ahead of the serial stage, so the counts are taken
	// here: when Bad stops the stream, the lines after the bad one were
	// never part of it.
	var events, bad int64
	for b := range ordered {
		<-b.done
		if err == nil {
			h, bd := 0, 0
			for i, l := range b.lines {
				events++
				for ; bd < len(b.bad) && int(b.bad[bd].line) == i; bd++ {
					bad++
					if opt.Bad != nil && err == nil {
						ie := b.bad[bd].err
						err = opt.Bad(b.input, b.lineNos[i], &ie)
					}
				}
				for ; h < len(b.hits) && int(b.hits[h].line) == i; h++ {
					one[0], oneNum[0] = l, b.firstNum+int64(i)
					serial.emitMatch(Match{Rule: int(b.hits[h].rule), Events: one[:], Nums: oneNum[:]}, false, emit)
				}
				if stateful && l != nil {
					serial.num = b.firstNum + int64(i)
					_ = serial.Process(l, emit)
				}
				if err != nil {
					// As Engine.Run: the line that stopped the stream is its
					// last (with its matches when it was evaluated despite a
					// wrong-typed field); nothing after it.
					break
				}
			}
			if opt.Progress != nil {
				opt.Progress(b.input, b.read)
			}
			if err != nil {
				close(stop)
			}
		}
		free <- b
	}
	wg.Wait()
	if err == nil && readErr != nil {
		err = readErr
	}
	if err == nil {
		// Only a stream that ended has trailing alerts: a stopped one
		// would close the windows of missing events and emit `| tail`
		// alerts on a prefix of the input, as if that were all of it.
		serial.Flush(emit)
	}
	st := serial.Stats()
	st.Events, st.BadEvents = events, bad
	return st, err
}
