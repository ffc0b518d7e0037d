#!/usr/bin/env bash
# Runs the libFuzzer targets: scripts/fuzz.sh [RUNS]  (default 20000 each).
# The targets are built by the `fuzz` preset (clang-14, ASan + UBSan); a
# failing input is saved in build/fuzz/ and the script exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-20000}"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$(nproc)" >/dev/null

corpus=build/fuzz/corpus
mkdir -p "$corpus/protocol" "$corpus/loader" "$corpus/text"
# Loader seeds: each real file, prefixed with the byte that says what it replaces.
for f in scenarios/missions/*.json; do { printf '\x00'; cat "$f"; } > "$corpus/loader/$(basename "$f")"; done
for f in scenarios/kb/*.json; do { printf '\x01'; cat "$f"; } > "$corpus/loader/kb-$(basename "$f")"; done

export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

run() {  # run TARGET ARGS...
  local target=$1; shift
  local log=build/fuzz/$target.log
  echo "$target: $runs runs"
  if ! "./build/fuzz/$target" -runs="$runs" -artifact_prefix="build/fuzz/$target-" -print_final_stats=1 "$@" >"$log" 2>&1; then
    grep -E "ERROR|SUMMARY|Test unit written" "$log" | head -20 >&2
    echo "fuzz: $target failed; full log in $log" >&2
    return 1
  fi
  grep -E "^Done|stat::number_of_executed_units" "$log"
}

run fuzz_protocol -max_len=8192 -dict=fuzz/protocol.dict "$corpus/protocol" fuzz/corpus/protocol
run fuzz_scenario_loader -max_len=65536 "$corpus/loader"
run fuzz_text -max_len=2000 "$corpus/text" fuzz/corpus/text
echo "fuzz: clean"
