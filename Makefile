# One entry point for people and CI. Every target installs what is missing first
# (scripts/install-deps.sh, Debian 12 packages only), so a fresh machine needs nothing else.
BUILD_DIR ?= build
ASAN_DIR  ?= build-asan
TSAN_DIR  ?= build-tsan
JOBS      ?= $(shell nproc)
CTEST_ARGS ?=

# `make run` serves with embedded defaults, keeping storage and databases under ./var/.
RUN_ENV = PACS_STORAGE_PATH=$(CURDIR)/var/storage PACS_DB_PATH=$(CURDIR)/var/pacs.db \
          MWL_DB_PATH=$(CURDIR)/var/worklist.db

.PHONY: all deps build test test-unit test-asan test-tsan run bench format clean
.PHONY: bench-mwl bench-qr bench-move bench-forward
.PHONY: demo fuzz screenshot

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD_DIR)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure --timeout 300 $(CTEST_ARGS)

test-unit: build
	cd $(BUILD_DIR) && ctest --output-on-failure -L unit $(CTEST_ARGS)

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan: deps
	cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=Debug -DGATEWAY_SANITIZE=address,undefined
	cmake --build $(ASAN_DIR) -j $(JOBS)
	cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure --timeout 600 $(CTEST_ARGS)

# The suite under ThreadSanitizer (two services on threads sharing DCMTK globals).
test-tsan: deps
	cmake -S . -B $(TSAN_DIR) -DCMAKE_BUILD_TYPE=Debug -DGATEWAY_SANITIZE=thread
	cmake --build $(TSAN_DIR) -j $(JOBS)
	cd $(TSAN_DIR) && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	  ctest --output-on-failure --timeout 900 $(CTEST_ARGS)

run: build
	mkdir -p var
	$(RUN_ENV) $(BUILD_DIR)/bin/screening-gateway serve

# `make demo` runs the whole flow without a real modality: serve under ./var/demo (wiped
# first), three worklist items for today, `emulate --once` (worklist, MPPS, four MG images
# each), `worklist list`, `verify-storage`, then SIGTERM. Bounded; the gateway is always
# stopped (scripts/demo.sh).
demo: build
	bash scripts/demo.sh $(BUILD_DIR)/bin/screening-gateway $(CURDIR)/var/demo

# docs/status-page.png, the README's picture of the status page (headless Chromium).
screenshot: build
	bash scripts/screenshot.sh $(BUILD_DIR)/bin/screening-gateway docs/status-page.png

bench: build
	@bash scripts/install-deps.sh --bench
	bash bench/run.sh

# Worklist query latency at 10,000 and 100,000 items beside wlmscpfs and Orthanc's
# worklist plugin (bench/README.md, "Worklist benchmark").
bench-mwl: build
	@bash scripts/install-deps.sh --bench
	bash bench/mwl_bench.sh

# Query/Retrieve C-FIND at STUDY level over 100,000 instances beside Orthanc
# (bench/README.md, "Query/Retrieve benchmark").
bench-qr: build
	@bash scripts/install-deps.sh --bench
	bash bench/qr_bench.sh

# C-MOVE of the 20 x 27 MB mammogram set to storescp +B, against Orthanc (bench/README.md,
# "C-MOVE benchmark").
bench-move: build
	@bash scripts/install-deps.sh --bench
	bash bench/move_bench.sh

# Store-and-forward: forwarding the mammogram set to storescp and Orthanc beside storescu, and
# C-STORE receive while a backlog drains (bench/README.md, "Forwarding benchmark").
bench-forward: build
	@bash scripts/install-deps.sh --bench
	bash bench/forward_bench.sh

# libFuzzer harnesses (fuzz/), each for FUZZ_SECONDS (default 60); CI runs them.
fuzz: deps
	@bash scripts/install-deps.sh --fuzz
	bash scripts/fuzz.sh

format:
	find common services tests -name '*.cpp' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(TSAN_DIR)
