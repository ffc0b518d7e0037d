#!/usr/bin/env python3
"""Serve the Customer Support Command Center: the dashboard (dist/) and OpenEnv's
environment API on one origin, 127.0.0.1 by default.

    /usr/bin/python3 serve.py [--host 127.0.0.1] [--port 8000] [--no-build] [--max-sessions 128]

The dashboard is the static site dist/ (built first when it is missing or older
than its sources; never a file outside it). The API is for agents: GET /health,
/metadata, /schema, /state, /stats, /openapi.json; POST /reset, /step, /mcp (JSON-RPC);
the WebSocket /ws with OpenEnv's message protocol, one isolated session per
connection. Over plain HTTP an episode continues across calls that carry the
session id (response header X-Session-Id, sent back as a request header or as
the cookie openenv_session). The engine runs in this process (the package
python/support_env over the native library; see README "OpenEnv API").

It runs on FastAPI + uvicorn + websockets, Debian's python3-fastapi,
python3-uvicorn and python3-websockets, which Debian's /usr/bin/python3 sees:
started by another python3 that lacks them, it re-runs itself under
/usr/bin/python3. The build checks below are standard library only.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DIST = ROOT / "dist"
DEBIAN_PYTHON = "/usr/bin/python3"
SERVER_PACKAGES = "python3-fastapi python3-uvicorn python3-websockets"
STAMP = ".build-stamp"  # written last by web/build-site.mjs
SOURCES = ["web", "engine", "scenarios", "cmake", "CMakeLists.txt", "CMakePresets.json", "package-lock.json"]
ENGINE_FILES = ["build/native/_support_env_native.abi3.so", "build/native/libsupport_env.so", "build/native/support-env"]
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
    if not any((ROOT / f).is_file() for f in ENGINE_FILES):  # the API's engine
        steps += [["cmake", "--preset", "native"], ["cmake", "--build", "--preset", "native", f"-j{os.cpu_count() or 2}"]]
    for cmd in steps:
        if subprocess.run(cmd, cwd=ROOT).returncode != 0:
            sys.exit(f"serve.py: the build failed ({' '.join(cmd)}); see the messages above.")


# --------------------------------------------------------------------------- the engine


def ensure_engine(allow_build: bool) -> None:
    """Builds the native engine (build/native) when none of its forms is there."""
    if any((ROOT / f).is_file() for f in ENGINE_FILES):
        return
    if not allow_build:
        sys.exit("serve.py: the native engine is not built (build/native); run: bash scripts/build.sh")
    if shutil.which("cmake") is None:
        sys.exit("serve.py: the native engine is not built and cmake is missing; run: sudo bash scripts/setup.sh")
    print("serve.py: building the native engine (cmake --build --preset native)…", flush=True)
    for cmd in (["cmake", "--preset", "native"],
                ["cmake", "--build", "--preset", "native", f"-j{os.cpu_count() or 2}", "--target",
                 "support_env_capi", "support-env"] + (["support_env_pymodule"] if (ROOT / "build" / "native").is_dir() else [])):
        if subprocess.run(cmd, cwd=ROOT).returncode != 0:
            sys.exit(f"serve.py: the build failed ({' '.join(cmd)}); see the messages above.")


def _package():
    sys.path.insert(0, str(ROOT / "python"))
    import support_env._engine as engine  # noqa: E402 - the repository's package, standard library only
    return engine


# --------------------------------------------------------------------------- sessions

SESSION_HEADER = "X-Session-Id"
SESSION_COOKIE = "openenv_session"
MAX_BODY = 8 << 20
MAX_SEED = (1 << 53) - 1
ERROR_CODES = ("INVALID_JSON", "UNKNOWN_TYPE", "VALIDATION_ERROR", "EXECUTION_ERROR", "CAPACITY_REACHED")


class ProtocolError(Exception):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def stats_data(answer: bytes) -> bytes:
    """The engine's stats answer {"ok":true,"results":…,"overall":…} without its "ok"."""
    return b"{" + answer[len(b'{"ok":true,'):]


class EnvSession:
    """One isolated episode stream over the engine's JSON-lines protocol. Answers are spliced from the
    engine's response lines (no decode/re-encode of observations)."""

    def __init__(self, hub: "Hub", kind: str):
        self.id = uuid.uuid4().hex
        self.kind = kind
        self.hub = hub
        self.engine = hub.open_engine()
        self.request = self.engine.request_bytes
        self.next_task = 0
        self.episode_id = None
        self.created = self.last_active = time.monotonic()
        self.steps = 0
        self.task = None  # the asyncio task serving a WebSocket session

    def close(self) -> None:
        if self.engine is not None:
            self.engine.close()
            self.engine = None

    # Each returns the JSON text of OpenEnv's message data.
    def reset(self, data) -> bytes:
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise ProtocolError("reset data must be an object: {\"task\"?, \"seed\"?, \"episode_id\"?}", "VALIDATION_ERROR")
        task = data.get("task", data.get("task_id"))
        if task is None:
            task = self.hub.task_ids[self.next_task % len(self.hub.task_ids)]
            self.next_task += 1
        elif not isinstance(task, str) or task not in self.hub.task_set:
            raise ProtocolError(f"unknown task {str(task)[:60]!r}; tasks are: {', '.join(self.hub.task_ids)}",
                                "VALIDATION_ERROR")
        seed = data.get("seed")
        if seed is None:
            seed = 0
        elif isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
            raise ProtocolError(f"seed must be an integer from 0 to {MAX_SEED}", "VALIDATION_ERROR")
        episode_id = data.get("episode_id")
        if episode_id is not None and (not isinstance(episode_id, str) or len(episode_id) > 255):
            raise ProtocolError("episode_id must be a string of at most 255 characters", "VALIDATION_ERROR")
        line = b'{"op":"reset","task":' + json.dumps(task).encode() + b',"seed":' + str(seed).encode() + b"}"
        answer = self.request(line)
        if not answer.startswith(b'{"ok":true,"observation":'):
            raise ProtocolError(json.loads(answer).get("error", "reset refused"), "EXECUTION_ERROR")
        self.episode_id = episode_id if episode_id is not None else uuid.uuid4().hex
        self.steps = 0
        return b'{"observation":' + answer[25:-1] + b',"reward":null,"done":false}'

    def step(self, action) -> bytes:
        if not isinstance(action, dict):
            raise ProtocolError("step data must be the action object: {\"action_type\": …, <its field>: …}",
                                "VALIDATION_ERROR")
        try:
            encoded = json.dumps(action, separators=(",", ":"), allow_nan=False).encode()
        except ValueError as exc:
            raise ProtocolError(f"action is not valid JSON: {exc}", "VALIDATION_ERROR") from None
        answer = self.request(b'{"op":"step","action":' + encoded + b"}")
        if not answer.startswith(b'{"ok":true,"observation":'):
            raise ProtocolError(json.loads(answer).get("error", "step refused"), "EXECUTION_ERROR")
        # {"ok":true,"observation":{…},"reward":R,"done":D,"info":{…}}: ',"reward":' appears once at the
        # top level (inside JSON strings every quote is escaped).
        r = answer.index(b',"reward":', 25)
        d = answer.index(b',"done":', r)
        i = answer.index(b',"info":', d)
        self.steps += 1
        return b'{"observation":' + answer[25:r] + b',"reward":' + answer[r + 10:d] + b',"done":' + answer[d + 8:i] + b"}"

    def state(self) -> bytes:
        answer = self.request(b'{"op":"state"}')
        eid = json.dumps(self.episode_id).encode()
        if not answer.startswith(b'{"ok":true,"state":{'):
            return b'{"episode_id":' + eid + b',"step_count":0}'
        return b'{"episode_id":' + eid + b"," + answer[20:-1]

    def stats(self, clear=False) -> bytes:
        """The engine's figures for this session's finished episodes: {"results": [...], "overall": {...}}."""
        if not isinstance(clear, bool):
            raise ProtocolError("clear must be true or false", "VALIDATION_ERROR")
        return stats_data(self.request(b'{"op":"stats","clear":true}' if clear else b'{"op":"stats"}'))

    def act(self, policy: str) -> dict:
        """A built-in policy's next action (tests and demos drive sessions with it)."""
        answer = json.loads(self.request(json.dumps({"op": "act", "policy": policy}).encode()))
        if not answer.get("ok"):
            raise ProtocolError(answer.get("error", "act refused"), "EXECUTION_ERROR")
        return answer["action"]


class Hub:
    """Every session of the server: WebSocket ones (capped: CAPACITY_REACHED) and HTTP ones (capped too,
    the least recently used one is dropped for a new one), with an idle timeout for both."""

    def __init__(self, backend: str = "auto", max_sessions: int = 128, idle_timeout: float = 600.0,
                 scenarios: str | None = None):
        engine = _package()
        self._open_session = engine.open_session
        self.backend_name = backend
        self.scenarios = scenarios
        self.max_sessions = max_sessions
        self.idle_timeout = idle_timeout
        probe = self._open_session(backend, scenarios)
        self.backend = probe.backend
        self.tasks = json.loads(probe.request_bytes(b'{"op":"tasks"}'))["tasks"]
        self.spec = json.loads(probe.request_bytes(b'{"op":"spec"}'))["spec"]
        # GET /stats before a session exists: the engine's answer for no finished episode.
        self.no_stats = stats_data(probe.request_bytes(b'{"op":"stats"}'))
        probe.close()
        self.task_ids = [t["id"] for t in self.tasks]
        self.task_set = set(self.task_ids)
        self.ws: dict[str, EnvSession] = {}
        self.http: dict[str, EnvSession] = {}

    def open_engine(self):
        return self._open_session(self.backend_name, self.scenarios)

    def open_ws(self) -> EnvSession:
        if len(self.ws) >= self.max_sessions:
            raise ProtocolError(f"the server is at capacity ({len(self.ws)} of {self.max_sessions} sessions); "
                                "retry later", "CAPACITY_REACHED")
        session = EnvSession(self, "ws")
        self.ws[session.id] = session
        return session

    def http_session(self, session_id: str | None, create: bool) -> EnvSession | None:
        session = self.http.get(session_id) if session_id else None
        if session is None and create:
            while len(self.http) >= self.max_sessions:
                oldest = min(self.http.values(), key=lambda s: s.last_active)
                self.drop(oldest)
            session = EnvSession(self, "http")
            self.http[session.id] = session
        if session is not None:
            session.last_active = time.monotonic()
        return session

    def drop(self, session: EnvSession) -> None:
        (self.ws if session.kind == "ws" else self.http).pop(session.id, None)
        session.close()

    async def reap(self) -> None:
        """Ends sessions idle longer than idle_timeout (a WebSocket one is closed with code 1001)."""
        interval = max(0.05, min(self.idle_timeout / 4, 5.0))
        while True:
            await asyncio.sleep(interval)
            cutoff = time.monotonic() - self.idle_timeout
            for session in [s for s in self.http.values() if s.last_active < cutoff]:
                self.drop(session)
            for session in [s for s in self.ws.values() if s.last_active < cutoff]:
                if session.task is not None:
                    session.task.cancel()  # its handler closes the socket and drops it
                else:
                    self.drop(session)


# --------------------------------------------------------------------------- MCP (JSON-RPC 2.0)

MCP_PROTOCOL_VERSION = "2025-03-26"


def mcp_tools(spec: dict) -> list[dict]:
    text = {"type": "string", "maxLength": spec["max_text_bytes"]}
    help_ = {
        "classify_issue": "Classify the ticket's issue (only the first classification counts).",
        "search_kb": "Search the knowledge base; the best matching article is shown in the observation.",
        "ask_clarifying_question": "Ask the customer a question; the reply joins the conversation.",
        "resolve_ticket": "Resolve the ticket with a final message to the customer. Ends the episode.",
        "escalate_to_human": "Hand the ticket to a human specialist (optional note). Ends the episode.",
    }
    tools = []
    for action in spec["actions"]:
        name, field = action["action_type"], action["field"]
        prop = {"type": "string", "enum": spec["categories"]} if field == "category_guess" else dict(text)
        tools.append({"name": name, "description": help_.get(name, name),
                      "inputSchema": {"type": "object", "properties": {field: prop},
                                      "required": [] if action.get("optional") else [field],
                                      "additionalProperties": False}})
    tools.append({"name": "reset", "description": "Start a new episode (a ticket). Without a task, the missions in order.",
                  "inputSchema": {"type": "object", "properties": {
                      "task": {"type": "string", "enum": None}, "seed": {"type": "integer", "minimum": 0, "maximum": MAX_SEED},
                      "episode_id": {"type": "string", "maxLength": 255}}, "additionalProperties": False}})
    tools.append({"name": "state", "description": "The episode's state: task, seed, step_count, done, outcome, rewards.",
                  "inputSchema": {"type": "object", "properties": {}, "additionalProperties": False}})
    tools.append({"name": "stats", "description": "The engine's figures for this session's finished episodes, per task and "
                  "overall: episodes, successes, success_rate, mean_score, mean_steps, invalid_actions, outcomes. "
                  "clear: true empties them after answering.",
                  "inputSchema": {"type": "object", "properties": {"clear": {"type": "boolean"}},
                                  "additionalProperties": False}})
    return tools


def rpc_error(code: int, message: str, id_=None) -> dict:
    return {"jsonrpc": "2.0", "error": {"code": code, "message": message}, "id": id_}


def handle_mcp(hub: Hub, session: EnvSession, request, tools: list[dict]) -> dict:
    """One JSON-RPC request (already decoded) against a session; always a JSON-RPC response."""
    if not isinstance(request, dict) or request.get("jsonrpc") != "2.0" or not isinstance(request.get("method"), str):
        return rpc_error(-32600, "Invalid Request: need {\"jsonrpc\":\"2.0\",\"method\":…,\"id\":…}",
                         request.get("id") if isinstance(request, dict) else None)
    id_, method = request.get("id"), request["method"]
    params = request.get("params") or {}
    if not isinstance(params, dict):
        return rpc_error(-32602, "Invalid params: params must be an object", id_)
    if method == "initialize":
        return {"jsonrpc": "2.0", "id": id_, "result": {
            "protocolVersion": MCP_PROTOCOL_VERSION, "capabilities": {"tools": {"listChanged": False}},
            "serverInfo": {"name": "support-command-center", "version": hub.spec["env_version"]}}}
    if method == "ping" or method.startswith("notifications/"):
        return {"jsonrpc": "2.0", "id": id_, "result": {}}
    if method == "tools/list":
        return {"jsonrpc": "2.0", "id": id_, "result": {"tools": tools}}
    if method != "tools/call":
        return rpc_error(-32601, f"Method not found: {method}", id_)
    name, arguments = params.get("name"), params.get("arguments") or {}
    names = {t["name"] for t in tools}
    if not isinstance(name, str) or name not in names:
        return rpc_error(-32602, f"Tool not found: {name}; tools are: {', '.join(sorted(names))}", id_)
    if not isinstance(arguments, dict):
        return rpc_error(-32602, "Invalid params: arguments must be an object", id_)
    try:
        if name == "reset":
            text = session.reset(arguments)
        elif name == "state":
            text = session.state()
        elif name == "stats":
            text = session.stats(arguments.get("clear", False))
        else:
            text = session.step(dict(arguments, action_type=name))
    except ProtocolError as exc:
        return {"jsonrpc": "2.0", "id": id_, "result": {
            "content": [{"type": "text", "text": f"{exc.code}: {exc.message}"}], "isError": True}}
    session.last_active = time.monotonic()
    return {"jsonrpc": "2.0", "id": id_, "result": {
        "content": [{"type": "text", "text": text.decode()}], "structuredContent": json.loads(text), "isError": False}}


# --------------------------------------------------------------------------- WebSocket /ws


def ws_message(session: EnvSession, hub: Hub, text, tools) -> tuple[bytes | None, bool]:
    """One client message -> (the one answer, or None for close; whether to close)."""
    try:
        message = json.loads(text)
    except (ValueError, RecursionError) as exc:
        return error_message(f"Invalid JSON: {exc}", "INVALID_JSON"), False
    if not isinstance(message, dict):
        return error_message("a message is a JSON object: {\"type\": \"reset\"|\"step\"|\"state\"|\"mcp\"|\"close\", "
                             "\"data\": …}", "VALIDATION_ERROR"), False
    kind = message.get("type")
    if kind not in ("reset", "step", "state", "close", "mcp"):
        return error_message(f"Unknown message type: {str(kind)[:60]}; types are reset, step, state, mcp, close",
                             "UNKNOWN_TYPE"), False
    extra = set(message) - {"type", "data"}
    if extra:
        return error_message(f"Invalid message: unexpected field(s) {', '.join(sorted(map(str, extra)))[:120]}",
                             "VALIDATION_ERROR"), False
    session.last_active = time.monotonic()
    try:
        if kind == "step":
            if "data" not in message:
                raise ProtocolError("step needs data: the action object", "VALIDATION_ERROR")
            return b'{"type":"observation","data":' + session.step(message["data"]) + b"}", False
        if kind == "reset":
            return b'{"type":"observation","data":' + session.reset(message.get("data")) + b"}", False
        if kind == "state":
            if message.get("data") not in (None, {}):
                raise ProtocolError("state takes no data", "VALIDATION_ERROR")
            return b'{"type":"state","data":' + session.state() + b"}", False
        if kind == "close":
            return None, True
        data = message.get("data")
        if not isinstance(data, dict):
            raise ProtocolError("mcp data must be a JSON-RPC request object", "VALIDATION_ERROR")
        return json.dumps({"type": "mcp", "data": handle_mcp(hub, session, data, tools)}).encode(), False
    except ProtocolError as exc:
        return error_message(exc.message, exc.code), False
    except Exception as exc:  # noqa: BLE001 - an answer, never a dead session
        return error_message(f"{exc.__class__.__name__}: {exc}", "EXECUTION_ERROR"), False


def error_message(message: str, code: str) -> bytes:
    return json.dumps({"type": "error", "data": {"message": message, "code": code}}).encode()


# --------------------------------------------------------------------------- the static site

NO_STORE = [(b"cache-control", b"no-store"), (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]


class DistApp:
    """ASGI app serving one folder: no listings, nothing outside it, GET and HEAD only."""

    def __init__(self, directory: Path):
        self.root = Path(directory).resolve()

    def _headers(self, content_type: str, length: int) -> list:
        return [(b"content-type", content_type.encode()), (b"content-length", str(length).encode()),
                (b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                (b"referrer-policy", b"no-referrer"), (b"cache-control", b"no-cache")]

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            return
        method = scope["method"]
        status, body, ctype = 404, b"Not found\n", "text/plain; charset=utf-8"
        if method not in ("GET", "HEAD"):
            status, body = 405, b"Method not allowed\n"
        else:
            path = scope["path"]
            target = self._resolve(path)
            if target is False:
                status, body = 400, b"Bad request\n"
            elif target is not None:
                try:
                    body = target.read_bytes()
                    status, ctype = 200, CONTENT_TYPES.get(target.suffix, "application/octet-stream")
                except OSError:
                    status, body = 404, b"Not found\n"
        headers = self._headers(ctype, len(body))
        if status == 405:
            headers.append((b"allow", b"GET, HEAD"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})

    def _resolve(self, path: str):
        """The file for a URL path, None (404) or False (400: a NUL or an undecodable path)."""
        if "\x00" in path or "\\" in path:
            return False
        parts = [p for p in path.split("/") if p not in ("", ".")]
        if any(p == ".." for p in parts):
            return None
        try:
            target = self.root.joinpath(*parts).resolve()
        except (OSError, ValueError, RuntimeError):
            return False
        if target != self.root and self.root not in target.parents:
            return None  # a symlink out of the folder
        if target.is_dir():
            target = target / "index.html"
            if not target.is_file():
                return None  # no listings
        return target if target.is_file() else None


# --------------------------------------------------------------------------- the application


def create_app(dist: Path = DIST, *, backend: str = "auto", max_sessions: int = 128, idle_timeout: float = 600.0,
               scenarios: str | None = None):
    """The ASGI app: the OpenEnv API, and dist/ for every other path."""
    from fastapi import FastAPI, Request, WebSocket
    from fastapi.responses import JSONResponse, Response
    from starlette.websockets import WebSocketDisconnect
    # The endpoints' annotations are strings (from __future__ import annotations): FastAPI resolves them here.
    globals().update(Request=Request, WebSocket=WebSocket)

    hub = Hub(backend, max_sessions, idle_timeout, scenarios)
    tools = mcp_tools(hub.spec)
    for tool in tools:
        if tool["name"] == "reset":
            tool["inputSchema"]["properties"]["task"]["enum"] = hub.task_ids
    version = hub.spec["env_version"]
    app = FastAPI(title="Customer Support Command Center: OpenEnv environment API", version=version,
                  description="OpenEnv's environment API over the native engine. HTTP sessions: send back the "
                              f"{SESSION_HEADER} response header (or the {SESSION_COOKIE} cookie) to continue an "
                              "episode. WebSocket /ws: one session per connection, OpenEnv's message protocol.",
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    app.state.hub = hub
    schema_dir = ROOT / "scenarios" / "schema"
    schemas = {
        "action": json.loads((schema_dir / "action.schema.json").read_text(encoding="utf-8")),
        "observation": json.loads((schema_dir / "observation.schema.json").read_text(encoding="utf-8")),
        "state": json.loads((ROOT / "python" / "support_env" / "state.schema.json").read_text(encoding="utf-8")),
    }
    metadata = {
        "name": "support-command-center",
        "description": "Customer support tickets: classify, search the knowledge base, ask the customer, then "
                       "resolve or escalate as policy requires. Six missions, five actions, ten steps, exact "
                       "graduated rewards; a simulated customer with sentiment and patience.",
        "version": version, "author": "Customer Support Command Center maintainers",
        "documentation_url": "/#docs", "tasks": hub.tasks, "spec": hub.spec, "backend": hub.backend,
        "max_sessions": max_sessions, "idle_timeout_s": idle_timeout,
        "session": {"header": SESSION_HEADER, "cookie": SESSION_COOKIE},
    }

    def json_response(body: bytes, status: int = 200, session: EnvSession | None = None) -> Response:
        response = Response(content=body, status_code=status, media_type="application/json")
        for name, value in NO_STORE:
            response.headers[name.decode()] = value.decode()
        if session is not None:
            response.headers[SESSION_HEADER] = session.id
            response.set_cookie(SESSION_COOKIE, session.id, httponly=True, samesite="strict", path="/")
        return response

    def error_response(exc: ProtocolError, session: EnvSession | None = None) -> Response:
        status = {"VALIDATION_ERROR": 422, "INVALID_JSON": 400, "EXECUTION_ERROR": 409}.get(exc.code, 400)
        return json_response(json.dumps({"detail": exc.message, "code": exc.code}).encode(), status, session)

    def session_id(request: Request) -> str | None:
        return request.headers.get(SESSION_HEADER) or request.cookies.get(SESSION_COOKIE)

    async def read_json(request: Request, empty=None):
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                raise ProtocolError(f"request body larger than {MAX_BODY} bytes", "VALIDATION_ERROR")
        if not body.strip():
            return empty
        try:
            return json.loads(body)
        except (ValueError, RecursionError) as exc:
            raise ProtocolError(f"Invalid JSON: {exc}", "INVALID_JSON") from None

    def body_schema(schema: dict) -> dict:
        return {"requestBody": {"content": {"application/json": {"schema": schema}}}}

    @app.get("/health", tags=["Health"])
    async def health():
        return {"status": "healthy"}

    @app.get("/metadata", tags=["Environment Info"])
    async def get_metadata():
        return dict(metadata, active_sessions={"ws": len(hub.ws), "http": len(hub.http)})

    @app.get("/schema", tags=["Schema"])
    async def get_schema():
        return schemas

    reset_schema = {"type": "object", "properties": {
        "task": {"type": "string", "enum": hub.task_ids}, "task_id": {"type": "string", "enum": hub.task_ids},
        "seed": {"type": "integer", "minimum": 0, "maximum": MAX_SEED}, "episode_id": {"type": "string", "maxLength": 255}}}

    @app.post("/reset", tags=["Environment Control"], openapi_extra=body_schema(reset_schema),
              summary=f"Start an episode (continues the session named by {SESSION_HEADER} or the cookie, else a new one)")
    async def reset(request: Request):
        session = hub.http_session(session_id(request), create=True)
        try:
            data = await read_json(request, {})
            if not isinstance(data, dict):
                raise ProtocolError("the body must be an object: {\"task\"?, \"seed\"?, \"episode_id\"?}", "VALIDATION_ERROR")
            return json_response(session.reset(data), session=session)
        except ProtocolError as exc:
            return error_response(exc, session)

    @app.post("/step", tags=["Environment Control"],
              openapi_extra=body_schema({"type": "object", "required": ["action"], "properties": {"action": schemas["action"]}}),
              summary=f"Take an action in the session's episode ({SESSION_HEADER} header or cookie)")
    async def step(request: Request):
        session = hub.http_session(session_id(request), create=False)
        try:
            data = await read_json(request)
            if not isinstance(data, dict) or "action" not in data:
                raise ProtocolError("the body must be {\"action\": {\"action_type\": …, <its field>: …}}", "VALIDATION_ERROR")
            if session is None:
                raise ProtocolError(f"no episode in this session: POST /reset first and send its {SESSION_HEADER} "
                                    f"header (or the {SESSION_COOKIE} cookie) back", "EXECUTION_ERROR")
            return json_response(session.step(data["action"]), session=session)
        except ProtocolError as exc:
            return error_response(exc, session)

    @app.get("/state", tags=["State Management"])
    async def state(request: Request):
        session = hub.http_session(session_id(request), create=False)
        if session is None:
            return json_response(b'{"episode_id":null,"step_count":0}')
        return json_response(session.state(), session=session)

    @app.get("/stats", tags=["State Management"],
             summary=f"The engine's figures for the session's finished episodes, per task and overall ({SESSION_HEADER} "
                     "header or cookie; the MCP tool stats can also clear them)")
    async def stats(request: Request):
        session = hub.http_session(session_id(request), create=False)
        if session is None:
            return json_response(hub.no_stats)
        return json_response(session.stats(), session=session)

    @app.post("/mcp", tags=["MCP"],
              summary="MCP JSON-RPC 2.0: initialize, tools/list, tools/call (the five actions, reset, state, stats)",
              openapi_extra=body_schema({"type": "object", "properties": {"jsonrpc": {"const": "2.0"}, "method": {"type": "string"},
                                                                          "params": {"type": "object"}, "id": {}}}))
    async def mcp(request: Request):
        try:
            data = await read_json(request)
        except ProtocolError:
            data = None
            parse_error = True
        else:
            parse_error = data is None
        if parse_error:
            return json_response(json.dumps(rpc_error(-32700, "Parse error: the body is not a JSON-RPC request")).encode())
        if isinstance(data, dict) and "id" not in data and str(data.get("method", "")).startswith("notifications/"):
            return Response(status_code=202)
        session = hub.http_session(session_id(request), create=True)
        return json_response(json.dumps(handle_mcp(hub, session, data, tools)).encode(), session=session)

    async def ws_endpoint(websocket: WebSocket):
        await websocket.accept()
        try:
            session = hub.open_ws()
        except ProtocolError as exc:
            await websocket.send_text(json.dumps({"type": "error", "data": {
                "message": exc.message, "code": exc.code, "active_sessions": len(hub.ws),
                "max_sessions": hub.max_sessions}}))
            await websocket.close(code=1013)
            return
        session.task = asyncio.current_task()
        receive, send = websocket.receive, websocket.send
        try:
            while True:
                message = await receive()
                if message["type"] == "websocket.disconnect":
                    break
                text = message.get("text")
                if text is None:
                    text = message.get("bytes") or b""
                answer, closing = ws_message(session, hub, text, tools)
                if answer is not None:
                    await send({"type": "websocket.send", "text": answer.decode()})
                if closing:
                    await websocket.close(code=1000)
                    break
        except (WebSocketDisconnect, ConnectionError):
            pass
        except asyncio.CancelledError:  # idle timeout (the reaper) or server shutdown
            try:
                await asyncio.shield(websocket.close(code=1001))
            except Exception:  # noqa: BLE001 - already gone
                pass
        finally:
            hub.drop(session)

    app.add_api_websocket_route("/ws", ws_endpoint)

    @app.on_event("startup")
    async def start_reaper():
        app.state.reaper = asyncio.get_running_loop().create_task(hub.reap())

    @app.on_event("shutdown")
    async def stop_reaper():
        app.state.reaper.cancel()
        for s in list(hub.ws.values()) + list(hub.http.values()):
            hub.drop(s)

    app.mount("/", DistApp(dist))
    return app


def protocol_with_timeouts(request_timeout: float):
    """uvicorn's h11 protocol, plus: TCP_NODELAY, and a connection that has not sent a whole
    request within request_timeout seconds (a slow or silent client) is closed, so it holds nothing."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class Protocol(H11Protocol):
        def connection_made(self, transport):
            sock = transport.get_extra_info("socket")
            if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
                # Responses go out in two writes (head, body): without this, Nagle's algorithm holds the
                # second until the client's delayed ACK, 40 ms per request.
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            super().connection_made(transport)
            self._watched = None
            self._watch = self.loop.call_later(request_timeout, self._check)

        def _check(self):
            if self.transport.is_closing():
                return
            cycle = self.cycle
            idle = cycle is None or cycle.response_complete
            if idle and cycle is self._watched:
                self.transport.close()  # no complete request since the last check
                return
            self._watched = cycle
            self._watch = self.loop.call_later(request_timeout, self._check)

        def connection_lost(self, exc):
            self._watch.cancel()
            super().connection_lost(exc)

    return Protocol


def reexec_if_needed(argv) -> None:
    """Runs serve.py under Debian's python3 when this interpreter lacks FastAPI/uvicorn/websockets."""
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
        import websockets  # noqa: F401
        return
    except ImportError as exc:
        missing = exc.name
    if os.path.realpath(sys.executable) != os.path.realpath(DEBIAN_PYTHON) and os.access(DEBIAN_PYTHON, os.X_OK) \
            and subprocess.run([DEBIAN_PYTHON, "-c", "import fastapi, uvicorn, websockets"],
                               capture_output=True).returncode == 0:
        os.execv(DEBIAN_PYTHON, [DEBIAN_PYTHON, str(Path(__file__).resolve()), *argv])
    sys.exit(f"serve.py: {missing} is missing. The server needs {SERVER_PACKAGES} (Debian), run by {DEBIAN_PYTHON}:\n"
             f"  sudo bash scripts/setup.sh   (or: sudo apt-get install {SERVER_PACKAGES})\n"
             f"  {DEBIAN_PYTHON} serve.py")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description="Serve the dashboard (dist/) and the OpenEnv API, building first if needed.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1; 0.0.0.0 for every interface)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)),
                        help="port (default $PORT or 8000; 0 picks a free one)")
    parser.add_argument("--dist", type=Path, default=DIST, help="folder to serve (default dist/)")
    parser.add_argument("--no-build", action="store_true", help="serve dist/ as it is, never build")
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    parser.add_argument("--max-sessions", type=int, default=int(os.environ.get("SUPPORT_ENV_MAX_SESSIONS", 128)),
                        help="concurrent WebSocket sessions (more get CAPACITY_REACHED), and HTTP sessions kept "
                             "(default $SUPPORT_ENV_MAX_SESSIONS or 128)")
    parser.add_argument("--idle-timeout", type=float, default=600.0,
                        help="seconds after which an idle session ends (default 600)")
    parser.add_argument("--request-timeout", type=float, default=10.0,
                        help="seconds a connection may take to send a whole HTTP request (default 10)")
    parser.add_argument("--backend", choices=("auto", "extension", "ctypes", "pipe"), default="auto",
                        help="how sessions run the engine (default auto: in-process, see README)")
    parser.add_argument("--loop", choices=("auto", "asyncio", "uvloop"), default="auto",
                        help="event loop (default auto: Debian's python3-uvloop when installed, else asyncio)")
    parser.add_argument("--scenarios", metavar="DIR", help="serve the scenario pack in DIR instead of the built-in missions")
    args = parser.parse_args(argv)
    if args.max_sessions < 1:
        parser.error("--max-sessions must be at least 1")
    reexec_if_needed(argv)

    if not args.no_build and args.dist.resolve() == DIST:
        reason = needs_build(args.dist)
        if reason:
            build(reason)
    if not (args.dist / "index.html").is_file():
        sys.exit(f"serve.py: {args.dist / 'index.html'} does not exist (run without --no-build to build it)")
    ensure_engine(not args.no_build)

    import uvicorn
    app = create_app(args.dist, backend=args.backend, max_sessions=args.max_sessions,
                     idle_timeout=args.idle_timeout, scenarios=args.scenarios)
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as exc:
        sys.exit(f"serve.py: cannot listen on {args.host}:{args.port}: {exc}")
    sock.listen(2048)  # a burst of clients waits in the backlog instead of being refused
    host, port = sock.getsockname()[:2]
    config = uvicorn.Config(app, loop=args.loop, log_level="warning" if args.quiet else "info", access_log=not args.quiet,
                            backlog=2048, timeout_keep_alive=5, ws="websockets", ws_max_size=MAX_BODY,
                            ws_ping_interval=20.0, ws_ping_timeout=20.0, lifespan="on",
                            http=protocol_with_timeouts(args.request_timeout))
    server = uvicorn.Server(config)
    shown = f"[{host}]" if ":" in host else host
    print(f"Serving http://{shown}:{port}/ from {args.dist}, OpenEnv API at http://{shown}:{port}/health "
          f"and ws://{shown}:{port}/ws (engine: {app.state.hub.backend}; Ctrl+C to stop)", flush=True)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
