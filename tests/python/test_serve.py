"""serve.py: content types, confinement to dist/, headers, threading, build checks."""
import contextlib
import http.client
import io
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
import serve  # noqa: E402


class ServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        base = Path(cls.tmp.name)
        cls.dist = base / "dist"
        (cls.dist / "sub").mkdir(parents=True)
        files = {"index.html": "<!doctype html><title>t</title>", "app.mjs": "export {}", "a.js": "1",
                 "core.wasm": "\0asm", "site.webmanifest": "{}", "f.woff2": "w", "s.css": "a{}", "i.svg": "<svg/>",
                 "sub/index.html": "sub"}
        for name, text in files.items():
            (cls.dist / name).write_text(text)
        (base / "secret.txt").write_text("outside")
        os.symlink(base / "secret.txt", cls.dist / "link.txt")
        (cls.dist / "empty").mkdir()
        cls.server = serve.make_server("127.0.0.1", 0, cls.dist, quiet=True)
        cls.port = cls.server.server_address[1]
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()
        cls.tmp.cleanup()

    def get(self, path, method="GET"):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        conn.request(method, path)
        response = conn.getresponse()
        body = response.read()
        conn.close()
        return response, body

    def test_content_types(self):
        expected = {"/": "text/html", "/app.mjs": "text/javascript", "/a.js": "text/javascript",
                    "/core.wasm": "application/wasm", "/site.webmanifest": "application/manifest+json",
                    "/f.woff2": "font/woff2", "/s.css": "text/css", "/i.svg": "image/svg+xml"}
        for path, mime in expected.items():
            response, _ = self.get(path)
            self.assertEqual(response.status, 200, path)
            self.assertTrue(response.getheader("Content-Type").startswith(mime), (path, response.getheader("Content-Type")))

    def test_security_headers(self):
        response, _ = self.get("/")
        csp = response.getheader("Content-Security-Policy")
        self.assertIn("script-src 'self' 'wasm-unsafe-eval'", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertEqual(response.getheader("X-Content-Type-Options"), "nosniff")

    def test_nothing_outside_dist(self):
        for path in ["/../secret.txt", "/%2e%2e/secret.txt", "/sub/../../secret.txt", "/..%2fsecret.txt",
                     "/link.txt", "//etc/passwd", "/%2e%2e%2f%2e%2e%2fetc/passwd"]:
            response, body = self.get(path)
            self.assertEqual(response.status, 404, path)
            self.assertNotIn(b"outside", body)

    def test_no_directory_listing(self):
        response, _ = self.get("/empty/")
        self.assertEqual(response.status, 404)
        response, body = self.get("/sub/")
        self.assertEqual((response.status, body), (200, b"sub"))

    def test_head_and_missing(self):
        response, body = self.get("/core.wasm", "HEAD")
        self.assertEqual((response.status, body), (200, b""))
        self.assertEqual(self.get("/nope.js")[0].status, 404)

    def test_threaded(self):
        # A client that connects and sends nothing must not block other clients.
        idle = socket.create_connection(("127.0.0.1", self.port))
        try:
            start = time.monotonic()
            self.assertEqual(self.get("/")[0].status, 200)
            self.assertLess(time.monotonic() - start, 4)
        finally:
            idle.close()


class ClientGoneTest(unittest.TestCase):
    """A client that hangs up mid-transfer is normal: no traceback; other errors still print one."""

    def handle_error_output(self, error):
        server = serve.make_server("127.0.0.1", 0, Path(tempfile.gettempdir()), quiet=True)
        captured = io.StringIO()
        try:
            with contextlib.redirect_stderr(captured):
                try:
                    raise error
                except Exception:
                    server.handle_error(None, ("127.0.0.1", 1))
        finally:
            server.server_close()
        return captured.getvalue()

    def test_broken_pipe_and_reset_are_silent(self):
        self.assertEqual(self.handle_error_output(BrokenPipeError(32, "Broken pipe")), "")
        self.assertEqual(self.handle_error_output(ConnectionResetError(104, "Connection reset by peer")), "")

    def test_other_errors_are_reported(self):
        output = self.handle_error_output(ValueError("something else"))
        self.assertIn("Traceback", output)
        self.assertIn("ValueError: something else", output)


class BuildCheckTest(unittest.TestCase):
    def test_needs_build(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            dist = root / "dist"
            (root / "web").mkdir()
            source = root / "web" / "app.js"
            source.write_text("1")
            self.assertIn("not been built", serve.needs_build(dist, root))
            dist.mkdir()
            (dist / "index.html").write_text("x")
            (dist / serve.STAMP).write_text("v")
            os.utime(source, (time.time() - 100, time.time() - 100))
            self.assertIsNone(serve.needs_build(dist, root))
            os.utime(source, (time.time() + 100, time.time() + 100))
            self.assertIn("sources changed", serve.needs_build(dist, root))

    def test_missing_toolchain_names_the_packages(self):
        self.assertEqual(serve.missing_tools(lambda tool: None), ["cmake", "emscripten", "nodejs", "npm"])
        self.assertEqual(serve.missing_tools(lambda tool: "/usr/bin/" + tool), [])

    def test_command_line_prints_the_url_and_serves(self):
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "index.html").write_text("hello")
            proc = subprocess.Popen([sys.executable, str(ROOT / "serve.py"), "--no-build", "--quiet", "--port", "0",
                                     "--dist", tmp], stdout=subprocess.PIPE, text=True)
            try:
                line = proc.stdout.readline()
                self.assertRegex(line, r"^Serving http://127\.0\.0\.1:\d+/")
                port = int(line.split(":")[2].split("/")[0])
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/")
                self.assertEqual(conn.getresponse().read(), b"hello")
                conn.close()
            finally:
                proc.terminate()
                proc.wait(5)
                proc.stdout.close()

    def test_no_build_without_index_fails_clearly(self):
        with tempfile.TemporaryDirectory() as tmp:
            result = subprocess.run([sys.executable, str(ROOT / "serve.py"), "--no-build", "--dist", tmp],
                                    capture_output=True, text=True, timeout=10)
            self.assertNotEqual(result.returncode, 0)
            self.assertIn("index.html does not exist", result.stderr)


if __name__ == "__main__":
    unittest.main()
