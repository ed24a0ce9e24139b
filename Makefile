# redress -- the two commands people need, and the builds behind them.
#
#   make          install what is missing, build build/redress
#   make run      ... and run the demo (the flagship fund, verified), then serve
#                 it: the web pages at http://127.0.0.1:8080/ (LISTEN=HOST:PORT)
#   make test     ... and run every test: normal build, the browser tests of
#                 the web pages (chromium; skipped loudly where it cannot be
#                 installed), then ASan+UBSan, then a short libFuzzer run of
#                 every fuzz target, then the release build with -Werror
#                 (as make bench builds it) and the build-only path (configure,
#                 build and demo with the test packages hidden)
#   make bench    benchmarks, each beside a baseline measured in the same run
#   make bench-scale  a whole synthetic fund of BENCH_SCALE_PEOPLE victims (default
#                 200000; issue 15 asks for 10000000), every stage, the table in
#                 build-bench/scale.txt
#   make fuzz     long fuzzing runs (FUZZ_SECONDS per target, default 600)
#
# Dependencies come from Debian's packages through scripts/install-deps.

MESON ?= meson
NINJA ?= ninja
FUZZ_SECONDS ?= 600
FUZZ_SMOKE_SECONDS ?= 5
FUZZ_TARGETS = fuzz_note fuzz_money fuzz_event fuzz_csv fuzz_program fuzz_camt fuzz_report fuzz_http fuzz_form fuzz_cosig fuzz_receipt fuzz_casework fuzz_archive fuzz_romanize fuzz_feed_project

.PHONY: all deps build run test test-unit test-browser test-san test-fuzz test-release test-build-only bench bench-scale fuzz format clean

all: build

deps:
	@scripts/install-deps build

deps-test:
	@scripts/install-deps test

deps-bench:
	@scripts/install-deps bench

build/build.ninja:
	$(MESON) setup build --buildtype=debugoptimized

build: deps build/build.ninja
	$(NINJA) -C build

# The demo fund, then the server for its staff: the pages at http://$(LISTEN)/
# (sign in with an account the demo printed), the API under /api/v1.
LISTEN ?= 127.0.0.1:8080
run: build
	@mkdir -p build/demo
	build/redress --db build/demo/redress.db demo --fresh --listen $(LISTEN)

# A build configured by `make run` before the test packages were installed
# has no tests: configure it again now that they are (meson says why if not).
test: deps-test build/build.ninja
	@grep -q test_payments build/build.ninja || $(MESON) setup --reconfigure build
	@grep -q test_payments build/build.ninja || { echo "make test: the tests are not configured (see meson's warning above)" >&2; exit 1; }
	$(NINJA) -C build
	@# Three at a time on two cores: the command and server tests wait on servers, databases and TOTP steps more than they compute.
	$(MESON) test -C build --print-errorlogs --num-processes 3
	$(MAKE) test-browser
	$(MAKE) test-san
	$(MAKE) test-fuzz
	$(MAKE) test-release
	$(MAKE) test-build-only

# The configuration make bench builds (gcc -O3, -Werror): built, not run, so
# that a warning only the optimiser sees (-Wmaybe-uninitialized) fails here.
test-release: build-bench/build.ninja
	$(NINJA) -C build-bench

# make run on a machine with only the build packages: cmocka, libcurl and
# clang hidden in a mount namespace (exit 77, a loud skip, where none can be made).
test-build-only:
	@scripts/test-build-only . || { rc=$$?; [ $$rc -eq 77 ] || exit $$rc; }

# Exit 77 is the loud skip where chromium cannot be installed; anything else non-zero fails.
test-browser: build/build.ninja
	$(NINJA) -C build
	@scripts/test-browser build || { rc=$$?; [ $$rc -eq 77 ] || exit $$rc; }

build-san/build.ninja:
	$(MESON) setup build-san --buildtype=debug -Db_sanitize=address,undefined \
		-Dc_args=-fno-sanitize-recover=all -Dc_link_args=-fno-sanitize-recover=all

test-san: build-san/build.ninja
	$(NINJA) -C build-san
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
		$(MESON) test -C build-san --print-errorlogs --num-processes 2 --suite unit --suite cli --suite http --no-suite cli-slow

build-fuzz/build.ninja:
	CC=clang $(MESON) setup build-fuzz --buildtype=debugoptimized -Dfuzz=true \
		-Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fsanitize=fuzzer-no-link

test-fuzz: build-fuzz/build.ninja
	$(NINJA) -C build-fuzz $(addprefix fuzz/,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
		scripts/run-fuzz build-fuzz/fuzz/$$t fuzz/corpus/$${t#fuzz_} $(FUZZ_SMOKE_SECONDS) || exit 1; \
	done

fuzz: deps-test build-fuzz/build.ninja
	$(NINJA) -C build-fuzz $(addprefix fuzz/,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
		scripts/run-fuzz build-fuzz/fuzz/$$t fuzz/corpus/$${t#fuzz_} $(FUZZ_SECONDS) || exit 1; \
	done

build-bench/build.ninja:
	$(MESON) setup build-bench --buildtype=release -Dwerror=true

bench: deps-bench build-bench/build.ninja
	$(NINJA) -C build-bench
	bench/run build-bench

BENCH_SCALE_PEOPLE ?= 200000
bench-scale: deps-bench build-bench/build.ninja
	$(NINJA) -C build-bench
	BENCH_SCALE_PEOPLE=$(BENCH_SCALE_PEOPLE) build-bench/bench/bench_scale build-bench/scale.txt

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-san build-fuzz build-bench
