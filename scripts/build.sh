#!/usr/bin/env bash
# Builds the native programs (build/native) and the WebAssembly module (dist/).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
cmake --preset native >/dev/null
cmake --build --preset native -j"$jobs"
cmake --preset wasm >/dev/null
cmake --build --preset wasm -j"$jobs"
