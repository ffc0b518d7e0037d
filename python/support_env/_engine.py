"""The native engine behind the package, fastest first: the CPython extension
_support_env_native (engine/capi/support_env_pymodule.cpp, built when Python's
headers are there), the C ABI in-process (ctypes over libsupport_env.so), or the
command-line program through a pipe.

Both take one JSON request line and give back one JSON response line, exactly
what `build/native/support-env` answers (mission.md section 3.1).
"""
from __future__ import annotations

import ctypes
import os
import subprocess
import threading
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# Inside the repository the package lives in python/support_env/; the engine is built into build/native/.
_REPO_BUILD = PACKAGE_DIR.parents[1] / "build" / "native"
_INSTALLED = PACKAGE_DIR / "_native"  # where `pip install ./python` copies the engine, when it was built
LIBRARY_NAME = "libsupport_env.so"
EXTENSION_NAME = "_support_env_native.abi3.so"
CLI_NAME = "support-env"


class EngineUnavailable(RuntimeError):
    """The native engine (shared library or program) cannot be found or started."""


def _first_existing(candidates):
    for path in candidates:
        if path and Path(path).is_file():
            return str(Path(path))
    return None


def find_library(path: str | os.PathLike | None = None) -> str | None:
    """The shared library: `path`, $SUPPORT_ENV_LIB, the installed copy, or the repository's build."""
    return _first_existing([path, os.environ.get("SUPPORT_ENV_LIB"), _INSTALLED / LIBRARY_NAME,
                            _REPO_BUILD / LIBRARY_NAME])


def find_cli(path: str | os.PathLike | None = None) -> str | None:
    """The command-line program: `path`, $SUPPORT_ENV_CLI, the installed copy, or the repository's build."""
    return _first_existing([path, os.environ.get("SUPPORT_ENV_CLI"), _INSTALLED / CLI_NAME, _REPO_BUILD / CLI_NAME])


def find_extension(path: str | os.PathLike | None = None) -> str | None:
    """The CPython extension: `path`, $SUPPORT_ENV_EXTENSION, the installed copy, or the repository's build."""
    return _first_existing([path, os.environ.get("SUPPORT_ENV_EXTENSION"), _INSTALLED / EXTENSION_NAME,
                            _REPO_BUILD / EXTENSION_NAME])


# --------------------------------------------------------------------------- in-process (extension)

_EXTENSIONS: dict[str, object] = {}


def load_extension(path: str | None = None):
    found = find_extension(path)
    if found is None:
        raise EngineUnavailable(f"{EXTENSION_NAME} not found (looked at $SUPPORT_ENV_EXTENSION, {_INSTALLED}, "
                                f"{_REPO_BUILD}); build it with: bash scripts/build.sh (needs python3-dev)")
    with _LIBS_LOCK:
        module = _EXTENSIONS.get(found)
        if module is None:
            import importlib.machinery
            import importlib.util
            loader = importlib.machinery.ExtensionFileLoader("_support_env_native", found)
            spec = importlib.util.spec_from_file_location("_support_env_native", found, loader=loader)
            try:
                module = importlib.util.module_from_spec(spec)
                loader.exec_module(module)
            except ImportError as exc:
                raise EngineUnavailable(f"cannot load {found}: {exc}") from exc
            _EXTENSIONS[found] = module
    return module


class ExtensionSession:
    """One protocol session in this process through the CPython extension. One thread at a time.

    Besides request_bytes, it has reset(task, seed) and step(action), which build the
    observation dict natively (None: ask request_bytes for the protocol's answer)."""

    backend = "extension"

    def __init__(self, scenarios: str | os.PathLike | None = None, extension: str | None = None):
        module = load_extension(extension)
        self._session = module.Session(None if scenarios is None else os.fspath(scenarios))
        self.request_bytes = self._session.request
        self.reset = self._session.reset
        self.step = self._session.step

    def request(self, line: str) -> str:
        return self.request_bytes(line.encode("utf-8", "surrogatepass")).decode("utf-8")

    def close(self) -> None:
        self._session = None
        self.request_bytes = self.reset = self.step = _closed


def _closed(*_args):
    raise EngineUnavailable("the session is closed")


# --------------------------------------------------------------------------- in-process (ctypes)

_LIBS_LOCK = threading.Lock()

_LIBS: dict[str, ctypes.CDLL] = {}


def load_library(path: str | None = None) -> ctypes.CDLL:
    """Loads (once per path) the C ABI of engine/capi/support_env_capi.h."""
    found = find_library(path)
    if found is None:
        raise EngineUnavailable(
            f"{LIBRARY_NAME} not found (looked at $SUPPORT_ENV_LIB, {_INSTALLED}, {_REPO_BUILD}); "
            "build it with: bash scripts/build.sh (or cmake --build --preset native)")
    with _LIBS_LOCK:
        lib = _LIBS.get(found)
        if lib is None:
            try:
                lib = ctypes.CDLL(found)  # CDLL releases the GIL during each call
            except OSError as exc:
                raise EngineUnavailable(f"cannot load {found}: {exc}") from exc
            lib.support_env_version.restype = ctypes.c_char_p
            lib.support_env_version.argtypes = []
            lib.support_env_builtin.restype = ctypes.c_void_p
            lib.support_env_builtin.argtypes = []
            lib.support_env_load_dir.restype = ctypes.c_void_p
            lib.support_env_load_dir.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t]
            lib.support_env_scenarios_free.restype = None
            lib.support_env_scenarios_free.argtypes = [ctypes.c_void_p]
            lib.support_env_session_new.restype = ctypes.c_void_p
            lib.support_env_session_new.argtypes = [ctypes.c_void_p]
            lib.support_env_session_free.restype = None
            lib.support_env_session_free.argtypes = [ctypes.c_void_p]
            # Responses are JSON text, which never holds a raw NUL byte: c_char_p gives the whole line as bytes.
            lib.support_env_request.restype = ctypes.c_char_p
            lib.support_env_request.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p]
            lib._path = found  # type: ignore[attr-defined]
            _LIBS[found] = lib
    return lib


class Scenarios:
    """A scenario set loaded in the library, shared read-only by the sessions that hold it."""

    def __init__(self, lib: ctypes.CDLL, directory: str | os.PathLike | None = None):
        self._lib = lib
        self.directory = None if directory is None else str(directory)
        if directory is None:
            self._ptr = lib.support_env_builtin()
            self._owned = False
            if not self._ptr:
                raise EngineUnavailable("the engine's built-in missions failed to load")
            return
        error = ctypes.create_string_buffer(4096)
        self._ptr = lib.support_env_load_dir(os.fsencode(directory), error, len(error))
        self._owned = True
        if not self._ptr:
            raise ValueError(error.value.decode("utf-8", "replace") or f"cannot load scenarios from {directory}")

    def __del__(self):
        if getattr(self, "_owned", False) and self._ptr:
            self._lib.support_env_scenarios_free(self._ptr)
            self._ptr = None


class NativeSession:
    """One protocol session in this process. Use it from one thread at a time."""

    backend = "ctypes"

    def __init__(self, scenarios: str | os.PathLike | Scenarios | None = None, library: str | None = None):
        lib = load_library(library)
        self._scenarios = scenarios if isinstance(scenarios, Scenarios) else Scenarios(lib, scenarios)
        self._lib = lib
        self._ptr = lib.support_env_session_new(self._scenarios._ptr)
        if not self._ptr:
            raise EngineUnavailable("the engine could not create a session")
        self._call = lib.support_env_request

    def request_bytes(self, line: bytes) -> bytes:
        if self._ptr is None:
            raise EngineUnavailable("the session is closed")
        return self._call(self._ptr, line, len(line), None)

    def request(self, line: str) -> str:
        return self.request_bytes(line.encode("utf-8", "surrogatepass")).decode("utf-8")

    def close(self) -> None:
        if self._ptr is not None:
            self._lib.support_env_session_free(self._ptr)
            self._ptr = None

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass


# --------------------------------------------------------------------------- the program through a pipe


class PipeSession:
    """One `support-env` process, one request line / one response line at a time."""

    backend = "pipe"

    def __init__(self, scenarios: str | os.PathLike | None = None, cli: str | None = None):
        found = find_cli(cli)
        if found is None:
            raise EngineUnavailable(
                f"{CLI_NAME} not found (looked at $SUPPORT_ENV_CLI, {_INSTALLED}, {_REPO_BUILD}); "
                "build it with: bash scripts/build.sh")
        cmd = [found] + (["--scenarios", str(scenarios)] if scenarios is not None else [])
        try:
            self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except OSError as exc:
            raise EngineUnavailable(f"cannot start {found}: {exc}") from exc
        self._in = self._proc.stdin
        self._out = self._proc.stdout

    def request_bytes(self, line: bytes) -> bytes:
        if b"\n" in line:  # one request is one line
            line = line.replace(b"\r\n", b" ").replace(b"\n", b" ")
        try:
            self._in.write(line + b"\n")
            self._in.flush()
            answer = self._out.readline()
        except (BrokenPipeError, OSError, ValueError):
            answer = b""
        if not answer:
            raise EngineUnavailable("the engine stopped answering" + self._stderr_tail())
        return answer[:-1] if answer.endswith(b"\n") else answer

    def request(self, line: str) -> str:
        return self.request_bytes(line.encode("utf-8", "surrogatepass")).decode("utf-8", "replace")

    def _stderr_tail(self) -> str:
        try:
            self._proc.wait(timeout=2)
            err = self._proc.stderr.read().decode("utf-8", "replace").strip()
        except (subprocess.TimeoutExpired, OSError, ValueError):
            return ""
        return f" (exit code {self._proc.returncode}: {err})" if err else f" (exit code {self._proc.returncode})"

    def close(self) -> None:
        proc = getattr(self, "_proc", None)
        if proc is None:
            return
        self._proc = None
        try:
            proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            try:
                stream.close()
            except OSError:
                pass

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001
            pass


BACKENDS = ("auto", "extension", "ctypes", "pipe")


def open_session(backend: str = "auto", scenarios=None, library: str | None = None, cli: str | None = None):
    """A protocol session: backend "extension" or "ctypes" (in-process), "pipe" (the program), or "auto"
    (the first of these three that is built)."""
    if isinstance(scenarios, Scenarios) and backend != "ctypes":
        scenarios = scenarios.directory
    if backend == "extension":
        return ExtensionSession(scenarios)
    if backend == "ctypes":
        return NativeSession(scenarios, library)
    if backend == "pipe":
        if isinstance(scenarios, Scenarios):
            scenarios = scenarios.directory
        return PipeSession(scenarios, cli)
    if backend == "auto":
        if library is None and find_extension() is not None:
            try:
                return ExtensionSession(scenarios)
            except EngineUnavailable:
                pass  # built for another Python: the C ABI serves the same
        if find_library(library) is not None:
            return NativeSession(scenarios, library)
        return open_session("pipe", scenarios, library, cli)
    raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
