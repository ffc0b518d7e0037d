"""serve.py's OpenEnv API and static site, through a stand-alone WebSocket client written here.

Runs under Debian's /usr/bin/python3 (FastAPI, uvicorn, websockets); skipped elsewhere.
"""
import base64
import hashlib
import http.client
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))
try:
    import fastapi  # noqa: F401
    import uvicorn  # noqa: F401
    import websockets  # noqa: F401
    HAVE_SERVER = True
except ImportError:
    HAVE_SERVER = False
from support_env import SupportEnv, find_cli, find_library  # noqa: E402

NEEDS = unittest.skipUnless(HAVE_SERVER and (find_library() or find_cli()),
                            "needs /usr/bin/python3 with python3-fastapi/uvicorn/websockets and the built engine")
GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class Server:
    def __init__(self, *args):
        self.tmp = tempfile.TemporaryDirectory()
        base = Path(self.tmp.name)
        self.dist = base / "dist"
        (self.dist / "sub").mkdir(parents=True)
        for name, text in {"index.html": "<!doctype html><title>t</title>", "app.mjs": "export {}",
                           "core.wasm": "\0asm", "s.css": "a{}", "sub/index.html": "sub"}.items():
            (self.dist / name).write_text(text)
        (base / "secret.txt").write_text("outside")
        os.symlink(base / "secret.txt", self.dist / "link.txt")
        (self.dist / "empty").mkdir()
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "serve.py"), "--no-build", "--quiet", "--port", "0",
                                      "--dist", str(self.dist), *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if "Serving http://127.0.0.1:" not in line:
            raise RuntimeError(line + self.proc.stderr.read())
        self.port = int(line.split("127.0.0.1:")[1].split("/")[0])

    def stop(self) -> str:
        self.proc.terminate()
        _, err = self.proc.communicate(timeout=10)
        self.tmp.cleanup()
        return err

    def http(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request(method, path, body, headers or {})
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response, data

    def metadata(self):
        return json.loads(self.http("GET", "/metadata")[1])


class WS:
    """A minimal RFC 6455 client: handshake, masked frames, ping/pong, close, large frames."""

    def __init__(self, port, path="/ws"):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        key = base64.b64encode(os.urandom(16))
        self.sock.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                          b"Connection: Upgrade\r\nSec-WebSocket-Key: " + key + b"\r\nSec-WebSocket-Version: 13\r\n\r\n")
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("closed during handshake")
            self.buf += chunk
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode().split("\r\n")
        self.status = lines[0]
        self.headers = {k.lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:])}
        if " 101 " in self.status:
            accept = base64.b64encode(hashlib.sha1(key + GUID).digest()).decode()
            assert self.headers["sec-websocket-accept"] == accept, self.headers
            assert "sec-websocket-extensions" not in self.headers  # no compression negotiated

    def frame(self, opcode, payload=b"", fin=True, mask=True):
        head = bytes([(0x80 if fin else 0) | opcode])
        n = len(payload)
        bit = 0x80 if mask else 0
        if n < 126:
            head += bytes([bit | n])
        elif n < 65536:
            head += bytes([bit | 126]) + struct.pack("!H", n)
        else:
            head += bytes([bit | 127]) + struct.pack("!Q", n)
        if mask:
            key = os.urandom(4)
            head += key
            payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload)) if n < 4096 else \
                (int.from_bytes(payload, "big") ^ int.from_bytes((key * (n // 4 + 1))[:n], "big")).to_bytes(n, "big")
        self.sock.sendall(head + payload)

    def send(self, obj):
        self.frame(0x1, (obj if isinstance(obj, str) else json.dumps(obj)).encode())

    def _exact(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise ConnectionError("connection closed")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def read_frame(self):
        b0, b1 = self._exact(2)
        assert not b1 & 0x80, "server frames are never masked"
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._exact(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._exact(8))[0]
        return b0 & 0x0F, self._exact(n)

    def recv(self):
        opcode, payload = self.read_frame()
        if opcode == 0x8:
            raise ConnectionAbortedError(struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None)
        assert opcode == 0x1, opcode
        return json.loads(payload)

    def call(self, obj):
        self.send(obj)
        return self.recv()

    def close_code(self):
        """Reads until the server's close frame; its code."""
        while True:
            opcode, payload = self.read_frame()
            if opcode == 0x8:
                return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None

    def close(self):
        try:
            self.frame(0x8, struct.pack("!H", 1000))
        except OSError:
            pass
        self.sock.close()


def wait_for(predicate, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@NEEDS
class OpenEnvServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server("--max-sessions", "80", "--request-timeout", "2")
        cls.port = cls.server.port

    @classmethod
    def tearDownClass(cls):
        stderr = cls.server.stop()
        if "Traceback" in stderr:  # bad frames, %00 paths, vanished clients: answered, never a traceback
            raise AssertionError(f"the server logged a traceback:\n{stderr}")

    # ------------------------------------------------------------ WebSocket protocol

    def test_messages_and_answers(self):
        ws = WS(self.port)
        m = ws.call({"type": "reset", "data": {"task": "billing_receipt", "seed": 1, "episode_id": "ep-1"}})
        self.assertEqual(m["type"], "observation")
        self.assertEqual(set(m["data"]), {"observation", "reward", "done"})
        self.assertEqual((m["data"]["reward"], m["data"]["done"], m["data"]["observation"]["task_id"]),
                         (None, False, "billing_receipt"))
        m = ws.call({"type": "step", "data": {"action_type": "classify_issue", "category_guess": "Billing"}})
        self.assertEqual((m["type"], m["data"]["reward"], m["data"]["done"]), ("observation", 0.03, False))
        m = ws.call({"type": "state"})
        self.assertEqual((m["type"], m["data"]["step_count"], m["data"]["episode_id"], m["data"]["seed"]),
                         ("state", 1, "ep-1", 1))
        m = ws.call({"type": "reset", "data": {"task_id": "vip_outage"}})  # task_id works too; seed 0
        self.assertEqual(m["data"]["observation"]["ticket_id"], "TKT-404")
        ws.send({"type": "close"})
        self.assertEqual(ws.close_code(), 1000)
        ws.sock.close()

    def test_missions_in_order_without_a_task(self):
        ws = WS(self.port)
        ids = [t["id"] for t in self.server.metadata()["tasks"]]
        got = [ws.call({"type": "reset"})["data"]["observation"]["task_id"] for _ in range(7)]
        self.assertEqual(got, ids + ids[:1])
        ws.close()

    def test_errors_keep_the_session(self):
        ws = WS(self.port)
        cases = [
            ("{not json", "INVALID_JSON"), ('"just a string"', "VALIDATION_ERROR"), ("[1,2]", "VALIDATION_ERROR"),
            ({"type": "fly"}, "UNKNOWN_TYPE"), ({"data": {}}, "UNKNOWN_TYPE"), ({"type": 7}, "UNKNOWN_TYPE"),
            ({"type": "step", "data": {"action_type": "classify_issue"}}, "EXECUTION_ERROR"),  # before reset
            ({"type": "step", "data": [1]}, "VALIDATION_ERROR"), ({"type": "step"}, "VALIDATION_ERROR"),
            ({"type": "reset", "data": {"task": "nope"}}, "VALIDATION_ERROR"),
            ({"type": "reset", "data": {"seed": -1}}, "VALIDATION_ERROR"),
            ({"type": "reset", "data": {"seed": "3"}}, "VALIDATION_ERROR"),
            ({"type": "reset", "data": {"seed": True}}, "VALIDATION_ERROR"),
            ({"type": "reset", "data": "x"}, "VALIDATION_ERROR"),
            ({"type": "reset", "extra": 1}, "VALIDATION_ERROR"),
            ({"type": "mcp", "data": 5}, "VALIDATION_ERROR"),
        ]
        for message, code in cases:
            with self.subTest(message=message):
                m = ws.call(message)
                self.assertEqual(m["type"], "error")
                self.assertEqual(m["data"]["code"], code)
                self.assertIsInstance(m["data"]["message"], str)
        ws.frame(0x2, b'{"type":"state"}')  # a binary frame holding JSON is read as text
        self.assertEqual(ws.recv()["type"], "state")
        ws.frame(0x1, b'\xff\xfe')  # not UTF-8: the connection is failed (1007), as RFC 6455 says
        self.assertIn(ws.close_code(), (1007, 1002))
        ws.sock.close()
        ws = WS(self.port)
        ws.call({"type": "reset", "data": {"task": "billing_receipt"}})
        m = ws.call({"type": "step", "data": {"action_type": "fly"}})  # an invalid action costs a step
        self.assertEqual((m["type"], m["data"]["reward"], m["data"]["observation"]["step_count"]), ("observation", 0.0, 1))
        self.assertIn("unknown action_type", m["data"]["observation"]["last_action_error"])
        ws.call({"type": "step", "data": {"action_type": "escalate_to_human"}})
        m = ws.call({"type": "step", "data": {"action_type": "classify_issue", "category_guess": "Billing"}})
        self.assertEqual(m["data"]["code"], "EXECUTION_ERROR")  # the episode is over
        self.assertEqual(ws.call({"type": "state"})["data"]["step_count"], 2)
        ws.close()

    def test_ping_fragments_large_frames(self):
        ws = WS(self.port)
        ws.frame(0x9, b"are you there")
        self.assertEqual(ws.read_frame(), (0xA, b"are you there"))
        msg = json.dumps({"type": "reset", "data": {"task": "billing_receipt"}}).encode()
        ws.frame(0x1, msg[:10], fin=False)
        ws.frame(0x9, b"mid")  # a control frame between fragments
        ws.frame(0x0, msg[10:], fin=True)
        self.assertEqual(ws.read_frame(), (0xA, b"mid"))
        self.assertEqual(ws.recv()["type"], "observation")
        big = "x" * (1 << 20)  # a 1 MiB frame: the engine refuses the text (too long) as the agent's error
        m = ws.call({"type": "step", "data": {"action_type": "search_kb", "search_query": big}})
        self.assertIn("2000", m["data"]["observation"]["last_action_error"])
        ws.close()
        ws = WS(self.port)
        try:  # more than the 8 MiB limit: the server closes with 1009 as soon as it reads the frame's length
            ws.frame(0x1, b"{" + b" " * (9 << 20) + b"}")
            self.assertEqual(ws.close_code(), 1009)
        except (BrokenPipeError, ConnectionResetError):
            pass  # it closed before the whole frame was sent
        ws.sock.close()
        self.assertEqual(self.server.http("GET", "/health")[0].status, 200)

    def test_unmasked_client_frame_is_a_protocol_error(self):
        ws = WS(self.port)
        ws.frame(0x1, b'{"type":"state"}', mask=False)
        self.assertEqual(ws.close_code(), 1002)
        ws.sock.close()

    def test_64_concurrent_sessions_stay_isolated(self):
        env = SupportEnv()
        ids = env.task_ids()
        plays = []
        for i in range(64):  # a different mission and seed each, with its known result
            task, seed = ids[i % len(ids)], 100 + i
            obs, _ = env.reset(seed=seed, options={"task": task})
            steps, done = [], False
            while not done:
                action = env.act("reference" if i % 4 else "random")
                obs, reward, terminated, truncated, _ = env.step(action)
                done = terminated or truncated
                steps.append((action, {"observation": obs, "reward": reward, "done": done}))
            plays.append((task, seed, steps))
        conns = [WS(self.port) for _ in range(64)]
        for ws, (task, seed, _) in zip(conns, plays):
            ws.send({"type": "reset", "data": {"task": task, "seed": seed}})
        for ws in conns:
            self.assertEqual(ws.recv()["type"], "observation")
        for k in range(max(len(p[2]) for p in plays)):  # every session one step, then every answer
            active = [(ws, p) for ws, p in zip(conns, plays) if k < len(p[2])]
            for ws, (_, _, steps) in active:
                ws.send({"type": "step", "data": steps[k][0]})
            for ws, (task, seed, steps) in active:
                self.assertEqual(ws.recv()["data"], steps[k][1], (task, seed, k))
        for ws, (task, seed, steps) in zip(conns, plays):
            state = ws.call({"type": "state"})["data"]
            self.assertEqual((state["task_id"], state["seed"], state["step_count"]), (task, seed, len(steps)))
            ws.close()

    def test_vanished_client_frees_its_session(self):
        count = lambda: self.server.metadata()["active_sessions"]["ws"]  # noqa: E731
        self.assertTrue(wait_for(lambda: count() == 0))  # earlier tests' sessions are gone
        before = 0
        ws = WS(self.port)
        ws.call({"type": "reset"})
        self.assertTrue(wait_for(lambda: count() == before + 1))
        ws.sock.shutdown(socket.SHUT_RDWR)  # gone mid-episode, no close frame
        ws.sock.close()
        self.assertTrue(wait_for(lambda: count() == before))

    # ------------------------------------------------------------ HTTP

    def test_http_session_continuity(self):
        response, body = self.server.http("POST", "/reset", json.dumps({"task": "billing_receipt", "seed": 2}))
        self.assertEqual(response.status, 200)
        data = json.loads(body)
        self.assertEqual((data["reward"], data["done"]), (None, False))
        sid = response.getheader("X-Session-Id")
        self.assertIn(f"openenv_session={sid}", response.getheader("Set-Cookie"))
        step = json.dumps({"action": {"action_type": "classify_issue", "category_guess": "Billing"}})
        for n, headers in ((1, {"X-Session-Id": sid}), (2, {"Cookie": f"openenv_session={sid}"})):
            response, body = self.server.http("POST", "/step", step, headers)
            self.assertEqual(response.status, 200, body)
            self.assertEqual(json.loads(body)["observation"]["step_count"], n)
        state = json.loads(self.server.http("GET", "/state", headers={"X-Session-Id": sid})[1])
        self.assertEqual((state["step_count"], state["seed"]), (2, 2))
        response, body = self.server.http("POST", "/step", step)  # another client, no session
        self.assertEqual((response.status, json.loads(body)["code"]), (409, "EXECUTION_ERROR"))
        self.assertEqual(json.loads(self.server.http("GET", "/state")[1]), {"episode_id": None, "step_count": 0})
        # GET /stats: the session's finished episodes (none: two classifications finish nothing); without a
        # session, every task at zero.
        for headers in ({"X-Session-Id": sid}, {}):
            stats = json.loads(self.server.http("GET", "/stats", headers=headers)[1])
            self.assertEqual(len(stats["results"]), 6)
            self.assertEqual((stats["overall"]["episodes"], stats["overall"]["mean_score"]), (0, None))
        escalate = json.dumps({"action": {"action_type": "escalate_to_human"}})
        self.assertEqual(json.loads(self.server.http("POST", "/step", escalate, {"X-Session-Id": sid})[1])["done"], True)
        stats = json.loads(self.server.http("GET", "/stats", headers={"X-Session-Id": sid})[1])
        self.assertEqual([r["stats"]["episodes"] for r in stats["results"]], [1, 0, 0, 0, 0, 0])
        self.assertEqual((stats["overall"]["total_steps"], stats["overall"]["outcomes"]["escalated"]), (3, 1))
        for body, status in (("{bad", 400), ("[]", 422), (json.dumps({"action": 5}), 422)):
            self.assertEqual(self.server.http("POST", "/step", body, {"X-Session-Id": sid})[0].status, status)
        self.assertEqual(self.server.http("POST", "/reset", json.dumps({"task": "nope"}))[0].status, 422)
        self.assertEqual(json.loads(self.server.http("POST", "/reset")[1])["done"], False)  # no body at all

    def test_info_endpoints_and_openapi(self):
        self.assertEqual(json.loads(self.server.http("GET", "/health")[1]), {"status": "healthy"})
        meta = self.server.metadata()
        env_version = SupportEnv().spec()["env_version"]
        self.assertEqual((meta["name"], meta["version"]), ("support-command-center", env_version))
        self.assertTrue(meta["description"])
        schema = json.loads(self.server.http("GET", "/schema")[1])
        self.assertEqual(set(schema), {"action", "observation", "state"})
        self.assertIn("step_count", schema["state"]["properties"])
        api = json.loads(self.server.http("GET", "/openapi.json")[1])
        self.assertEqual(api["info"]["version"], env_version)
        for path in ("/health", "/metadata", "/schema", "/reset", "/step", "/state", "/stats", "/mcp"):
            self.assertIn(path, api["paths"])

    def test_mcp(self):
        response, body = self.server.http("POST", "/mcp", b"")
        self.assertEqual(json.loads(body)["jsonrpc"], "2.0")
        self.assertEqual(json.loads(body)["error"]["code"], -32700)
        rpc = lambda method, params=None, sid=None, id_=1: self.server.http(  # noqa: E731
            "POST", "/mcp", json.dumps({"jsonrpc": "2.0", "method": method, "params": params or {}, "id": id_}),
            {"X-Session-Id": sid} if sid else {})
        response, body = rpc("tools/list")
        names = {t["name"] for t in json.loads(body)["result"]["tools"]}
        self.assertEqual(names, {"classify_issue", "search_kb", "ask_clarifying_question", "resolve_ticket",
                                 "escalate_to_human", "reset", "state", "stats"})
        sid = response.getheader("X-Session-Id")
        result = json.loads(rpc("tools/call", {"name": "reset", "arguments": {"task": "vip_outage"}}, sid)[1])["result"]
        self.assertFalse(result["isError"])
        self.assertEqual(result["structuredContent"]["observation"]["task_id"], "vip_outage")
        result = json.loads(rpc("tools/call", {"name": "classify_issue", "arguments": {"category_guess": "Technical"}},
                                sid)[1])["result"]
        self.assertEqual(result["structuredContent"]["reward"], 0.03)
        self.assertEqual(json.loads(result["content"][0]["text"])["observation"]["step_count"], 1)
        state = json.loads(rpc("tools/call", {"name": "state"}, sid)[1])["result"]["structuredContent"]
        self.assertEqual(state["step_count"], 1)
        # stats: the session's finished episodes (none yet), then the escalation that ends vip_outage.
        call_stats = lambda arguments=None: json.loads(rpc("tools/call", {"name": "stats", "arguments": arguments or {}},  # noqa: E731
                                                           sid)[1])["result"]
        self.assertEqual(call_stats()["structuredContent"]["overall"]["episodes"], 0)
        rpc("tools/call", {"name": "escalate_to_human", "arguments": {}}, sid)
        overall = call_stats()["structuredContent"]["overall"]
        self.assertEqual((overall["episodes"], overall["outcomes"]["escalated"]), (1, 1))
        self.assertEqual(call_stats({"clear": True})["structuredContent"]["overall"], overall)
        self.assertEqual(call_stats()["structuredContent"]["overall"]["episodes"], 0)
        bad = call_stats({"clear": "yes"})
        self.assertTrue(bad["isError"])
        self.assertEqual(bad["content"][0]["text"], "VALIDATION_ERROR: clear must be true or false")
        self.assertEqual(json.loads(rpc("tools/call", {"name": "fly"}, sid)[1])["error"]["code"], -32602)
        self.assertEqual(json.loads(rpc("nope/nope")[1])["error"]["code"], -32601)
        self.assertEqual(json.loads(rpc("initialize")[1])["result"]["serverInfo"]["name"], "support-command-center")
        ws = WS(self.port)
        m = ws.call({"type": "mcp", "data": {"jsonrpc": "2.0", "method": "tools/list", "id": 9}})
        self.assertEqual((m["type"], m["data"]["id"], len(m["data"]["result"]["tools"])), ("mcp", 9, 8))
        ws.close()

    # ------------------------------------------------------------ the static site and robustness

    def test_static_site(self):
        for path, mime in {"/": "text/html", "/app.mjs": "text/javascript", "/core.wasm": "application/wasm",
                           "/s.css": "text/css"}.items():
            response, _ = self.server.http("GET", path)
            self.assertEqual(response.status, 200, path)
            self.assertTrue(response.getheader("Content-Type").startswith(mime))
            self.assertIn("script-src 'self' 'wasm-unsafe-eval'", response.getheader("Content-Security-Policy"))
            self.assertEqual(response.getheader("X-Content-Type-Options"), "nosniff")
        for path in ["/../secret.txt", "/%2e%2e/secret.txt", "/sub/../../secret.txt", "/..%2fsecret.txt", "/link.txt",
                     "//etc/passwd", "/%2e%2e%2f%2e%2e%2fetc/passwd", "/empty/", "/nope.js"]:
            response, body = self.server.http("GET", path)
            self.assertEqual(response.status, 404, path)
            self.assertNotIn(b"outside", body)
        self.assertEqual(self.server.http("GET", "/sub/")[1], b"sub")
        response, body = self.server.http("HEAD", "/core.wasm")
        self.assertEqual((response.status, body, response.getheader("Content-Length")), (200, b"", "4"))
        self.assertEqual(self.server.http("POST", "/index.html")[0].status, 405)

    def test_nul_in_path_is_answered(self):
        for path in ("/%00", "/a%00b.js", "/sub/%00/x"):
            response, _ = self.server.http("GET", path)
            self.assertEqual(response.status, 400, path)
        self.assertEqual(self.server.http("GET", "/health")[0].status, 200)

    def test_200_concurrent_clients(self):
        socks = [socket.create_connection(("127.0.0.1", self.port), timeout=20) for _ in range(200)]
        for s in socks:
            s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        for s in socks:
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            self.assertTrue(data.startswith(b"HTTP/1.1 200"), data[:80])
            s.close()

    def test_slow_and_silent_clients_are_dropped(self):
        silent = socket.create_connection(("127.0.0.1", self.port))
        slow = socket.create_connection(("127.0.0.1", self.port))
        slow.sendall(b"GET /health HTTP/1.1\r\nHo")
        start = time.monotonic()
        self.assertEqual(self.server.http("GET", "/health")[0].status, 200)  # others are served meanwhile
        self.assertLess(time.monotonic() - start, 2)
        for s in (silent, slow):
            s.settimeout(10)
            self.assertEqual(s.recv(100), b"")  # closed by the server (--request-timeout 2)
            s.close()
        self.assertLess(time.monotonic() - start, 9)


@NEEDS
class LimitsTest(unittest.TestCase):
    def test_capacity_and_idle_timeout(self):
        server = Server("--max-sessions", "3", "--idle-timeout", "1")
        try:
            conns = [WS(server.port) for _ in range(3)]
            for ws in conns:
                ws.call({"type": "reset"})
            extra = WS(server.port)
            m = extra.recv()
            self.assertEqual((m["type"], m["data"]["code"]), ("error", "CAPACITY_REACHED"))
            self.assertEqual(extra.close_code(), 1013)
            extra.sock.close()
            for ws in conns:  # idle for more than a second: closed by the server (1001 going away)
                self.assertEqual(ws.close_code(), 1001)
                ws.sock.close()
            self.assertTrue(wait_for(lambda: server.metadata()["active_sessions"]["ws"] == 0))
            ws = WS(server.port)  # capacity is back
            self.assertEqual(ws.call({"type": "reset"})["type"], "observation")
            ws.close()
        finally:
            err = server.stop()
        self.assertNotIn("Traceback", err)


@NEEDS
class RemoteSupportEnvTest(unittest.TestCase):
    def test_package_over_ws(self):
        from support_env import RemoteSupportEnv, SupportEnvError
        server = Server()
        try:
            with RemoteSupportEnv(f"http://127.0.0.1:{server.port}", task="dashboard_404", seed=3) as remote:
                local = SupportEnv(task="dashboard_404", seed=3)
                self.assertEqual(remote.reset()[0], local.reset()[0])
                while True:
                    action = local.act("reference")
                    r, l = remote.step(action), local.step(action)
                    self.assertEqual(r[:4], l[:4])
                    if r[2] or r[3]:
                        break
                self.assertEqual(remote.state()["step_count"], local.state()["step_count"])
                self.assertEqual(len(remote.tasks()), 6)
                with self.assertRaises(SupportEnvError) as caught:
                    remote.step({"action_type": "search_kb", "search_query": "x"})
                self.assertEqual(caught.exception.code, "EXECUTION_ERROR")
                self.assertEqual(len(remote.mcp("tools/list")["result"]["tools"]), 8)
                # The remote session's figures are the engine's, as in-process.
                self.assertEqual(remote.stats(), local.stats())
                self.assertEqual(remote.stats()["overall"]["episodes"], 1)
                self.assertEqual(remote.stats(clear=True)["overall"]["successes"], 1)
                self.assertEqual(remote.stats()["overall"]["episodes"], 0)
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
