"""RemoteSupportEnv: the SupportEnv API over OpenEnv's WebSocket protocol (serve.py's /ws).

A small RFC 6455 client on the standard library: handshake, masked frames,
fragmented and large messages, ping/pong, close. No compression is negotiated.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
import ssl
import struct
import urllib.parse
import urllib.request

from .env import TRUNCATING_OUTCOMES, SupportEnvError, check_seed

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


class WebSocketClosed(ConnectionError):
    """The server closed the WebSocket (or the connection dropped)."""

    def __init__(self, code=None, reason=""):
        super().__init__(f"WebSocket closed (code {code}{': ' + reason if reason else ''})")
        self.code = code
        self.reason = reason


class WebSocket:
    """A blocking WebSocket client connection (text messages)."""

    def __init__(self, url: str, timeout: float | None = 30.0, headers: dict | None = None,
                 max_message: int = 64 << 20):
        parts = urllib.parse.urlsplit(url)
        secure = parts.scheme in ("wss", "https")
        host = parts.hostname or "127.0.0.1"
        port = parts.port or (443 if secure else 80)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.max_message = max_message
        sock = socket.create_connection((host, port), timeout=timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if secure:
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
        self.sock = sock
        self._buf = bytearray()
        self.closed = False
        key = base64.b64encode(os.urandom(16)).decode()
        host_header = host if parts.port is None else f"{host}:{port}"
        lines = [f"GET {path} HTTP/1.1", f"Host: {host_header}", "Upgrade: websocket", "Connection: Upgrade",
                 f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        head = self._read_until(b"\r\n\r\n", 65536)
        status, *header_lines = head.decode("latin-1").split("\r\n")
        fields = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
        if " 101 " not in f"{status} ":
            self.sock.close()
            raise ConnectionError(f"WebSocket handshake refused: {status}")
        expected = base64.b64encode(hashlib.sha1(key.encode() + _GUID).digest()).decode()
        if fields.get("sec-websocket-accept") != expected:
            self.sock.close()
            raise ConnectionError("WebSocket handshake: wrong Sec-WebSocket-Accept")

    def _read_until(self, marker: bytes, limit: int) -> bytes:
        while marker not in self._buf:
            if len(self._buf) > limit:
                raise ConnectionError("WebSocket handshake answer too long")
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed during the WebSocket handshake")
            self._buf += chunk
        end = self._buf.index(marker) + len(marker)
        head = bytes(self._buf[:end])
        del self._buf[:end]
        return head

    def _read_exact(self, n: int) -> bytes:
        while len(self._buf) < n:
            chunk = self.sock.recv(max(65536, n - len(self._buf)))
            if not chunk:
                self.closed = True
                raise WebSocketClosed(1006, "connection dropped")
            self._buf += chunk
        data = bytes(self._buf[:n])
        del self._buf[:n]
        return data

    def send_frame(self, opcode: int, payload: bytes, fin: bool = True) -> None:
        head = bytearray([(0x80 if fin else 0) | opcode])
        n = len(payload)
        if n < 126:
            head.append(0x80 | n)
        elif n < 65536:
            head.append(0x80 | 126)
            head += struct.pack("!H", n)
        else:
            head.append(0x80 | 127)
            head += struct.pack("!Q", n)
        mask = os.urandom(4)
        head += mask
        if n:
            # XOR with the mask through one big integer: fast for any size.
            repeated = (mask * (n // 4 + 1))[:n]
            payload = (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(n, "big")
        self.sock.sendall(bytes(head) + payload)

    def send(self, text: str) -> None:
        if self.closed:
            raise WebSocketClosed(None, "already closed")
        self.send_frame(OP_TEXT, text.encode("utf-8"))

    def recv(self) -> str:
        """The next text message; answers pings on the way; raises WebSocketClosed on a close frame."""
        parts: list[bytes] = []
        size = 0
        while True:
            b0, b1 = self._read_exact(2)
            fin, opcode, n = b0 & 0x80, b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read_exact(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read_exact(8))[0]
            mask = self._read_exact(4) if b1 & 0x80 else None
            if n > self.max_message:
                self.close(1009)
                raise WebSocketClosed(1009, "message too big")
            payload = self._read_exact(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == OP_PING:
                self.send_frame(OP_PONG, payload)
                continue
            if opcode == OP_PONG:
                continue
            if opcode == OP_CLOSE:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                if not self.closed:
                    try:
                        self.send_frame(OP_CLOSE, payload[:2])
                    except OSError:
                        pass
                self.closed = True
                self.sock.close()
                raise WebSocketClosed(code, payload[2:].decode("utf-8", "replace"))
            parts.append(payload)
            size += n
            if size > self.max_message:
                self.close(1009)
                raise WebSocketClosed(1009, "message too big")
            if fin:
                return b"".join(parts).decode("utf-8")

    def close(self, code: int = 1000) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            self.send_frame(OP_CLOSE, struct.pack("!H", code))
            self.sock.settimeout(2)
            while True:  # wait for the server's close frame (or the end of the connection)
                b0, b1 = self._read_exact(2)
                n = b1 & 0x7F
                if n == 126:
                    n = struct.unpack("!H", self._read_exact(2))[0]
                elif n == 127:
                    n = struct.unpack("!Q", self._read_exact(8))[0]
                self._read_exact(n + (4 if b1 & 0x80 else 0))
                if b0 & 0x0F == OP_CLOSE:
                    break
        except (OSError, WebSocketClosed):
            pass
        finally:
            self.sock.close()


class RemoteSupportEnv:
    """The SupportEnv API against a server that speaks OpenEnv's /ws protocol (python3 serve.py).

    base_url: "http://127.0.0.1:8000" (or ws://, https://, wss://). One connection is one
    isolated session on the server. Server errors raise SupportEnvError with the
    protocol's code in .code (VALIDATION_ERROR, EXECUTION_ERROR, CAPACITY_REACHED, ...)."""

    def __init__(self, base_url: str = "http://127.0.0.1:8000", task: str | None = None, seed: int | None = None,
                 *, timeout: float | None = 30.0):
        self.base_url = base_url.rstrip("/")
        parts = urllib.parse.urlsplit(self.base_url)
        scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
        self._http = urllib.parse.urlunsplit(({"ws": "http", "wss": "https"}.get(scheme, scheme),
                                              parts.netloc, parts.path, "", ""))
        self.ws = WebSocket(urllib.parse.urlunsplit((scheme, parts.netloc, parts.path + "/ws", "", "")), timeout)
        self.task = task
        self.seed = check_seed(seed)
        self.timeout = timeout
        self._metadata = None
        self._done = True

    def _call(self, message: dict) -> dict:
        self.ws.send(json.dumps(message, separators=(",", ":")))
        answer = json.loads(self.ws.recv())
        if answer.get("type") == "error":
            data = answer.get("data") or {}
            error = SupportEnvError(f"{data.get('message')} (code: {data.get('code')})")
            error.code = data.get("code")
            raise error
        return answer

    def metadata(self) -> dict:
        """The server's GET /metadata: name, description, version, tasks, spec."""
        if self._metadata is None:
            with urllib.request.urlopen(self._http + "/metadata", timeout=self.timeout) as response:
                self._metadata = json.loads(response.read())
        return self._metadata

    def tasks(self) -> list[dict]:
        return self.metadata()["tasks"]

    def spec(self) -> dict:
        return self.metadata()["spec"]

    def reset(self, seed: int | None = None, options: dict | None = None):
        """As SupportEnv.reset: returns (observation, info). Without a task the server serves the missions in order."""
        seed = check_seed(seed)
        options = dict(options or {})
        data = {}
        task = options.pop("task", options.pop("task_id", self.task))
        if task is not None:
            data["task"] = task
        if seed is None:
            seed = self.seed
        if seed is not None:
            data["seed"] = seed
        data.update(options)
        observation = self._call({"type": "reset", "data": data})["data"]["observation"]
        self._done = False
        return observation, {"task": observation["task_id"], "seed": seed if seed is not None else 0,
                             "env_version": observation["env_version"]}

    def step(self, action: dict):
        """As SupportEnv.step: returns (observation, reward, terminated, truncated, info)."""
        if not isinstance(action, dict):
            raise TypeError(f"action must be a dict, not {type(action).__name__}")
        data = self._call({"type": "step", "data": action})["data"]
        observation, done = data["observation"], data["done"]
        truncated = done and observation.get("outcome") in TRUNCATING_OUTCOMES
        self._done = done
        info = {"valid": observation.get("last_action_error") is None}
        return observation, data["reward"], done and not truncated, truncated, info

    def state(self) -> dict:
        return self._call({"type": "state"})["data"]

    def stats(self, clear: bool = False) -> dict:
        """As SupportEnv.stats: the engine's figures for this session's finished episodes (the server's MCP tool
        stats). clear=True empties them after answering."""
        if not isinstance(clear, bool):
            raise TypeError(f"clear must be a bool, not {type(clear).__name__}")
        result = self.mcp("tools/call", {"name": "stats", "arguments": {"clear": clear}})["result"]
        if result["isError"]:  # "CODE: message", as the server's MCP tools report errors
            code, _, message = result["content"][0]["text"].partition(": ")
            error = SupportEnvError(f"{message} (code: {code})")
            error.code = code
            raise error
        return result["structuredContent"]

    def mcp(self, method: str, params: dict | None = None, id=1) -> dict:
        """One MCP JSON-RPC call over the session (tools/list, tools/call)."""
        message = {"jsonrpc": "2.0", "method": method, "id": id}
        if params is not None:
            message["params"] = params
        return self._call({"type": "mcp", "data": message})["data"]

    @property
    def done(self) -> bool:
        return self._done

    def close(self) -> None:
        if not self.ws.closed:
            try:
                self.ws.send(json.dumps({"type": "close"}))
            except OSError:
                pass
            self.ws.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
