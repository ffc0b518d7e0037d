#!/usr/bin/env bash
# The whole test suite (README quick start, and .ci/run): native tests through
# CTest, the Node tests of the WebAssembly module (including the native/wasm
# cross-check), a benchmark smoke run, the Python tests (serve.py and its
# OpenEnv API, the package python/support_env, inference.py), the dashboard in headless Chromium, the native suite again
# under ASan + UBSan, and a fuzz smoke.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs=$(nproc)

echo "== native build and tests"
bash scripts/build.sh
ctest --preset native -j"$jobs"

echo "== WebAssembly module (Node $(node --version))"
node --test tests/js/*.test.mjs

echo "== benchmark smoke (runs, prints its table; figures are not judged here)"
node bench/run.mjs 0.05 1 >/dev/null
ab=$(mktemp -d)
node bench/ab.mjs save "$ab/a" >/dev/null
node bench/ab.mjs "$ab/a" "$ab/a" 0.02 2 >/dev/null
rm -rf "$ab"

echo "== Python: serve.py (dashboard + OpenEnv API), the package python/support_env, inference.py"
# Debian's /usr/bin/python3: it sees python3-fastapi, python3-uvicorn and python3-websockets, which the
# server tests need (test_openenv_server.py; the other files are standard library only).
/usr/bin/python3 -m unittest discover -s tests/python

echo "== dashboard in headless Chromium"
node --test tests/browser/

echo "== native tests under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake --preset asan >/dev/null
cmake --build --preset asan -j"$jobs"
ctest --preset asan -j"$jobs"

echo "== fuzz smoke"
bash scripts/fuzz.sh "${FUZZ_RUNS:-10000}"

echo "== all tests passed"
