# eqlx developer tasks. `make test` is what CI runs (.ci/run).

GO       ?= go
FUZZTIME ?= 20s

.PHONY: all build test bench instr golden fuzz lint

all: build test

## build: the eqlx binary in bin/
build:
	$(GO) build -o bin/eqlx ./cmd/eqlx

## test: vet, format check, then every test
test:
	$(GO) vet ./...
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then echo "gofmt needed on:"; echo "$$unformatted"; exit 1; fi
	$(GO) test ./...

## bench: every benchmark, with allocations
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

## instr: instructions per event, counted by cachegrind (apt-get install
## valgrind), of the evaluator's BenchmarkRulesExtracted (rule evaluation
## alone: 9, 18 and 20 rules) and BenchmarkDecode/lines=1000 (field
## extraction alone): the difference between runs of 20k and 60k events, so
## set-up cancels out. Unlike ns/event, the count does not move with the
## load of a shared host (to 0.5%: GOGC=off, as the loops allocate nothing).
instr:
	$(GO) test -c -o bin/native.test ./backends/native
	@for bench in BenchmarkRulesExtracted/rules=9 BenchmarkRulesExtracted/rules=18 \
		BenchmarkRulesExtracted/rules=20 BenchmarkDecode/lines=1000; do \
		for n in 20000 60000; do \
			GOGC=off GODEBUG=asyncpreemptoff=1 GOMAXPROCS=1 valgrind --tool=cachegrind --cache-sim=no \
				--cachegrind-out-file=/dev/null bin/native.test -test.run '^$$' \
				-test.bench "^$${bench%%/*}$$/^$${bench#*/}$$" -test.benchtime $${n}x 2>&1 | \
				sed -n 's/.*I *refs: *//p' | tr -d ,; \
		done | paste -sd' ' | awk -v b=$$bench '{ printf "%s: %.0f instructions/event\n", b, ($$2-$$1)/40000 }'; \
	done

## golden: rewrite golden files from the current output (review the diff!).
## Only packages whose tests use internal/goldentest know the -update flag.
golden:
	@pkgs="$$(grep -rl --include='*_test.go' 'eqlx/internal/goldentest"' . | xargs -r -n1 dirname | sort -u)"; \
	echo "$(GO) test $$pkgs -update"; \
	$(GO) test $$pkgs -update

## fuzz: a short run ($(FUZZTIME)) of every fuzz target in the repo; new inputs are
## minimised for 5s, not the default 60s, so that a short run is mostly fuzzing
fuzz:
	@set -e; \
	for file in $$(grep -rl --include='*_test.go' '^func Fuzz' . | sort); do \
		pkg="$$(dirname "$$file")"; \
		for target in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$$file"); do \
			echo "== $$pkg $$target"; \
			$(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s "$$pkg"; \
		done; \
	done

## lint: gofmt and go vet
lint:
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then echo "gofmt needed on:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
