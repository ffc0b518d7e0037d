"""serve.py: build checks and the command line (any python3; serving itself: test_openenv_server.py)."""
import http.client
import os
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
import serve  # noqa: E402


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
