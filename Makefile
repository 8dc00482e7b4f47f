# The two commands a new user needs: `make run` and `make test`. Everything else is optional.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
DB ?= var/jiesu.db
CONFIG ?= config/demo-beijing
LISTEN ?= 127.0.0.1:8345

.PHONY: run test setup web build-debug build-release bench-intake bench-intake-wrk bench-domain bench-scores bench-analytics eval-forecast eval-text bench-text bench-web format lint clean

setup:
	./scripts/setup.sh

build-debug: setup
	cmake --preset debug >/dev/null
	cmake --build --preset debug -j $(JOBS)

build-release: setup
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS) --target jiesu

# The web front end into web/dist (npm ci when the lock changed, API types, type check, build).
web: setup
	./scripts/web_build.sh

# Builds with ASan/UBSan and runs every test, the web pages' Vitest and Chromium tests included.
test: build-debug web
	ctest --preset debug -j $(JOBS)

# Builds, creates ./var/jiesu.db with the demo jurisdiction and accounts, and serves the API and
# the web pages; with the Teddy Cup messages beside the clone, first trains the demo's model.
run: build-release web
	mkdir -p var
	./build/release/src/cli/jiesu serve --config $(CONFIG) --db $(DB) --listen $(LISTEN) --demo \
	  --web web/dist \
	  $$(./scripts/demo_model.sh var/demo-categories.model $(CONFIG))

# Durable intake over HTTP vs the naive SQLite baseline, and listing on 1M orders.
# BENCH_ARGS="--seconds 15 --connections 64 --list-orders 1000000" to change the run.
bench-intake: build-release
	cmake --build --preset release -j $(JOBS) --target intake_bench
	./build/release/bench/intake_bench $(BENCH_ARGS)

# The same intake measured by wrk against `jiesu serve` (installs Debian's wrk if missing).
bench-intake-wrk: build-release
	./bench/run_wrk.sh

# Unit evaluation at city scale: month scores, idle scheduler tick, drill-down pages (the
# first run generates a 10M-order database into build/bench-data, a few minutes).
bench-scores: build-release
	cmake --build --preset release -j $(JOBS) --target scores_bench
	./build/release/bench/scores_bench $(BENCH_ARGS)

# Governance data at scale (so far: importing the Boston 311 2015 file; needs ../shared/data).
bench-analytics: build-release
	cmake --build --preset release -j $(JOBS) --target analytics_bench
	./build/release/bench/analytics_bench

# Daily-volume forecasts on Boston 311 2015 against the seasonal-naive baseline (needs
# ../shared/data or JIESU_DATA_DIR; skips with a message otherwise).
eval-forecast: build-release
	cmake --build --preset release -j $(JOBS) --target forecast_eval
	./build/release/eval/forecast_eval

# The text-understanding protocol of docs/TEXT.md on the Teddy Cup messages (needs
# ../shared/data or JIESU_DATA_DIR): train on the allowed rows, score the held-out rows once.
eval-text: build-release
	cmake --build --preset release -j $(JOBS) --target text_eval classifier_cv
	./scripts/eval_text.sh test

# Understanding a request as it is typed: pipeline throughput on one core with 1M orders in
# the duplicate index, the suggestion API's p99 under 16 clients, the index's bytes per order.
# BENCH_ARGS="--index-orders 200000" for a quicker run.
bench-text: build-release
	cmake --build --preset release -j $(JOBS) --target text_bench
	./build/release/bench/text_bench $(BENCH_ARGS)

# The web pages in Chromium against a release `jiesu serve`: initial JavaScript per page (gzip
# kB), the agent console's cold first load (median of 10) and typing pause → suggestions painted.
bench-web: build-release web
	cd web && JIESU_BIN=$(CURDIR)/build/release/src/cli/jiesu npx vitest run --config vitest.bench.config.ts
	@cat build/web-bench.txt

# Per-request costs of the pure domain code and the event codec (Google Benchmark).
bench-domain: build-release
	cmake --build --preset release -j $(JOBS) --target domain_bench
	./build/release/bench/domain_bench

# Formats the C++ sources with .clang-format (clang-format from Debian).
format:
	find src tests bench -name '*.cc' -o -name '*.h' | xargs clang-format -i

# clang-tidy with .clang-tidy over src/ (a few minutes; needs the debug build's compile database).
lint: build-debug
	run-clang-tidy -p build/debug -quiet 'src/'

clean:
	rm -rf build
