#!/usr/bin/env bash
# Builds the environment and plays a demo: all six missions through the
# command-line program, shown as a readable transcript.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh >/dev/null
node scripts/demo.mjs "$@"
