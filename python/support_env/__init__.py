"""The Customer Support Command Center environment for Python (standard library only).

    from support_env import SupportEnv
    env = SupportEnv()
    obs, info = env.reset(seed=0, options={"task": "billing_receipt"})
    obs, reward, terminated, truncated, info = env.step({"action_type": "classify_issue", "category_guess": "Billing"})

SupportEnv runs the native engine in-process (ctypes over build/native/libsupport_env.so;
the command-line program through a pipe when the library is not built). SupportEnvPool
steps many sessions with one call; SupportToolEnv is shaped for TRL's environment_factory;
RemoteSupportEnv speaks OpenEnv's WebSocket protocol to `serve.py`.
"""
from ._engine import EngineUnavailable, find_cli, find_library
from .env import InvalidActionError, SupportEnv, SupportEnvError, SupportEnvPool
from .remote import RemoteSupportEnv, WebSocketClosed
from .trl import SupportToolEnv, render_step, render_ticket

__version__ = "3.1.0"  # the engine's env_version this package was written against (SupportEnv().spec()["env_version"])
__all__ = ["SupportEnv", "SupportEnvPool", "SupportToolEnv", "RemoteSupportEnv", "SupportEnvError",
           "InvalidActionError", "EngineUnavailable", "WebSocketClosed", "find_library", "find_cli",
           "render_ticket", "render_step"]
