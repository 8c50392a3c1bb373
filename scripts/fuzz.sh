#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, ASan+UBSan, coverage) and runs each for
# FUZZ_SECONDS (default 60) from its seed corpus. A crash stops the run with the input
# saved under build-fuzz/crashes/<target>/: copy it into fuzz/regressions/<target>/ (the
# regression test replays it in every build) and fix the code.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${FUZZ_BUILD_DIR:-build-fuzz}
SECONDS_EACH=${FUZZ_SECONDS:-60}
JOBS=${JOBS:-$(nproc)}
TARGETS=(dataset_scanner worklist_query mpps_dataset worklist_import)

CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DGATEWAY_FUZZ=ON -DGATEWAY_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS" --target "${TARGETS[@]/#/fuzz_}"

status=0
for target in "${TARGETS[@]}"; do
  work="$BUILD_DIR/corpus/$target"
  crashes="$BUILD_DIR/crashes/$target"
  mkdir -p "$work" "$crashes"
  echo "fuzz: $target for ${SECONDS_EACH}s"
  if ! ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$BUILD_DIR/bin/fuzz_$target" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 \
      -timeout=20 -max_len=262144 -print_final_stats=1 -artifact_prefix="$crashes/" \
      "$work" "fuzz/corpus/$target" >"$BUILD_DIR/$target.log" 2>&1; then
    echo "fuzz: $target FAILED; input saved in $crashes/ (log: $BUILD_DIR/$target.log)"
    tail -40 "$BUILD_DIR/$target.log"
    status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$BUILD_DIR/$target.log" | tail -2 || true
  fi
done
exit $status
