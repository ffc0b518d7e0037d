#!/usr/bin/env bash
# Installs what the project needs from Debian's packages, only what is missing,
# so a second run costs a second. Used by scripts/run.sh and scripts/test.sh.
set -euo pipefail

packages=(cmake make g++ nlohmann-json3-dev catch2 emscripten clang-14 libclang-rt-14-dev python3 chromium)
# The site build subsets the fonts with fontTools (woff2 needs brotli).
packages+=(python3-fonttools python3-brotli)
# The OpenEnv API of serve.py and its tests (run by Debian's /usr/bin/python3, which sees these), and the
# headers the package's CPython extension is built with.
packages+=(python3-fastapi python3-uvicorn python3-websockets python3-pydantic python3-httpx python3-dev)
# uvloop: uvicorn runs on it when installed; one WebSocket session steps about twice as fast (docs/performance.md).
packages+=(python3-uvloop)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: need root to install Debian packages: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# npm packages (fonts for the site; playwright-core and axe-core for the browser tests).
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
