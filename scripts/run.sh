#!/usr/bin/env bash
# Installs what is missing, builds, and serves the dashboard at
# http://127.0.0.1:8000 (options go to serve.py: --port, --host).
# For a terminal demo of the engine instead: node scripts/demo.mjs
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh >/dev/null
exec /usr/bin/python3 serve.py "$@"   # Debian's python3 sees python3-fastapi/uvicorn/websockets
