#!/usr/bin/env python3
"""Serve the Customer Support Command Center dashboard (dist/) on localhost.

    python3 serve.py [--host 127.0.0.1] [--port 8000] [--no-build]

Builds dist/ first when it is missing or older than its sources (the wasm
CMake preset), then serves it with the right content types and security
headers. Python standard library only. Never serves a file outside dist/.
"""
from __future__ import annotations

import argparse
import http.server
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DIST = ROOT / "dist"
STAMP = ".build-stamp"  # written last by web/build-site.mjs
SOURCES = ["web", "engine", "scenarios", "cmake", "bench", "CMakeLists.txt", "CMakePresets.json", "package-lock.json"]
# What the build needs, and the Debian package that provides it.
TOOLS = {"cmake": "cmake", "emcc": "emscripten", "node": "nodejs", "npm": "npm"}

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".wasm": "application/wasm",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
}

# Same policy as the page's meta tag: only this origin, plus compiling the wasm.
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; font-src 'self'; "
       "img-src 'self' data:; connect-src 'self' https: http://127.0.0.1:* http://localhost:*; worker-src 'self'; manifest-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def newest_mtime(paths: list[Path]) -> float:
    """Latest modification time of any file under the given paths (0 if none)."""
    newest = 0.0
    for path in paths:
        if path.is_file():
            newest = max(newest, path.stat().st_mtime)
        elif path.is_dir():
            for dirpath, _, files in os.walk(path):
                for name in files:
                    newest = max(newest, (Path(dirpath) / name).stat().st_mtime)
    return newest


def needs_build(dist: Path, root: Path = ROOT) -> str | None:
    """Why dist/ must be (re)built, or None when it is up to date."""
    stamp = dist / STAMP
    if not (dist / "index.html").is_file() or not stamp.is_file():
        return f"{dist} has not been built yet"
    if newest_mtime([root / s for s in SOURCES]) > stamp.stat().st_mtime:
        return "the sources changed since dist/ was built"
    return None


def missing_tools(which=shutil.which) -> list[str]:
    """Debian packages to install before the site can be built."""
    return [package for tool, package in TOOLS.items() if which(tool) is None]


def build(reason: str) -> None:
    missing = missing_tools()
    if missing:
        sys.exit(f"serve.py: {reason}, and building it needs {', '.join(missing)}.\n"
                 f"Install everything with: sudo bash scripts/setup.sh\n"
                 f"(or: sudo apt-get install {' '.join(missing)})")
    print(f"serve.py: {reason}; building it (cmake --build --preset wasm)…", flush=True)
    steps = []
    if not (ROOT / "node_modules" / ".package-lock.json").is_file():
        steps.append(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"])
    steps += [["cmake", "--preset", "wasm"], ["cmake", "--build", "--preset", "wasm", f"-j{os.cpu_count() or 2}"]]
    for cmd in steps:
        if subprocess.run(cmd, cwd=ROOT).returncode != 0:
            sys.exit(f"serve.py: the build failed ({' '.join(cmd)}); see the messages above.")


class DistHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files of one folder only: no listings, nothing outside it."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **CONTENT_TYPES}
    quiet = False

    def send_head(self):
        # translate_path already drops ".." segments; resolving also follows
        # symlinks, so a link pointing out of the folder is refused too.
        target = Path(self.translate_path(self.path)).resolve()
        root = Path(self.directory).resolve()
        if target != root and root not in target.parents:
            self.send_error(404, "Not found")
            return None
        return super().send_head()

    def list_directory(self, path):  # no listings: a folder without index.html is 404
        self.send_error(404, "Not found")
        return None

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        # Revalidate every time: the service worker is what makes the site work offline.
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:
        if not self.quiet:
            super().log_message(format, *args)


class DistServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        # A browser that closes a tab or cancels a load mid-transfer is normal:
        # no traceback for that. Anything else is still reported.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


def make_server(host: str, port: int, directory: Path, quiet: bool = False) -> http.server.ThreadingHTTPServer:
    handler = type("Handler", (DistHandler,), {"quiet": quiet})

    def factory(*args, **kwargs):
        return handler(*args, directory=str(directory), **kwargs)

    server = DistServer((host, port), factory)
    server.daemon_threads = True
    return server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the dashboard (dist/), building it first if needed.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    parser.add_argument("--dist", type=Path, default=DIST, help="folder to serve (default dist/)")
    parser.add_argument("--no-build", action="store_true", help="serve dist/ as it is, never build")
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    args = parser.parse_args(argv)

    if not args.no_build and args.dist.resolve() == DIST:
        reason = needs_build(args.dist)
        if reason:
            build(reason)
    if not (args.dist / "index.html").is_file():
        sys.exit(f"serve.py: {args.dist / 'index.html'} does not exist (run without --no-build to build it)")

    server = make_server(args.host, args.port, args.dist, args.quiet)
    host, port = server.server_address[:2]
    shown = f"[{host}]" if ":" in host else host
    print(f"Serving http://{shown}:{port}/ from {args.dist} (Ctrl+C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
