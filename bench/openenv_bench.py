#!/usr/bin/env python3
"""OpenEnv API and Python package benchmark (README "Benchmark: OpenEnv API and Python").

    /usr/bin/python3 bench/openenv_bench.py [--seconds 2] [--rounds 3] [--backends auto,pipe] [--skip-server]

Work shape everywhere: an episode is reset + classify_issue + search_kb + resolve_ticket
(actions as dicts); steps/s counts the three steps (the reset's time included).

1. In-process: the package (SupportEnv, each backend) beside the original Python
   environment (../shared/seed/original, run from there, never copied; it needs
   Debian's python3-pydantic), in interleaved rounds; the ratio is the median of the
   per-round ratios.
2. serve.py, started here on a free port, once per --backends entry: one WebSocket
   session (a client waiting for each answer, and pipelined), 8 and 64 concurrent
   sessions (client processes, each driving its sessions in lockstep), HTTP sessions.
   Clients and server share this machine's cores.
"""
from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORIGINAL = (ROOT / ".." / "shared" / "seed" / "original").resolve()
sys.path.insert(0, str(ROOT / "python"))

from support_env import SupportEnv  # noqa: E402
from support_env.remote import WebSocket  # noqa: E402

TASKS = ["billing_receipt", "dashboard_404", "digital_refund", "vip_outage", "vague_complaint", "plan_refund_difference"]
ACTIONS = [{"action_type": "classify_issue", "category_guess": "Billing"},
           {"action_type": "search_kb", "search_query": "billing receipt invoice"},
           {"action_type": "resolve_ticket", "message_to_customer": "Your receipt is under Account > Billing > Billing History."}]


def timed(seconds, episode):
    """Episodes run for about `seconds`; returns steps/s (3 steps an episode)."""
    n = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(50):
            episode(n)
            n += 1
        now = time.perf_counter()
        if now >= deadline:
            return 3 * n / (now - start)


# --------------------------------------------------------------------------- in-process

def original_env():
    if not (ORIGINAL / "environment.py").is_file():
        return None, f"{ORIGINAL} not found"
    cwd = os.getcwd()
    sys.path.insert(0, str(ORIGINAL))
    os.chdir(ORIGINAL)  # it opens data.json relative to the working directory
    try:
        from environment import CustomerSupportEnv
        from models import Action
        env = CustomerSupportEnv()
    except ImportError as exc:
        return None, f"the original needs Debian's python3-pydantic ({exc})"
    finally:
        os.chdir(cwd)

    def episode(_n):
        env.reset()
        for a in ACTIONS:
            env.step(Action(**a))
    return episode, None


def package_episode(backend):
    env = SupportEnv(backend=backend)

    def episode(n):
        env.reset(seed=n & 1023)
        for a in ACTIONS:
            env.step(a)
    return episode, env.backend


def in_process(seconds, rounds, backends):
    original, why = original_env()
    runs = {}
    for b in backends:
        try:
            runs[b] = package_episode(b)[0]
        except Exception as exc:  # noqa: BLE001
            print(f"  package backend {b}: unavailable ({exc})")
    results = {name: [] for name in ["original", *runs]}
    for _ in range(rounds):
        if original:
            results["original"].append(timed(seconds, original))
        for name, run in runs.items():
            results[name].append(timed(seconds, run))
    print(f"\n## In-process, {rounds} interleaved rounds of {seconds} s (steps/s: median (best))")
    if not original:
        print(f"  original Python environment: not measured: {why}")
    for name, values in results.items():
        if not values:
            continue
        line = f"  {'original Python environment' if name == 'original' else 'support_env, backend ' + name:<34} " \
               f"{statistics.median(values):>10,.0f} ({max(values):,.0f})"
        if original and name != "original":
            ratios = [v / o for v, o in zip(values, results["original"])]
            line += f"   ratio to the original: {statistics.median(ratios):.2f}x (rounds {min(ratios):.2f}-{max(ratios):.2f})"
        print(line)
    return results


# --------------------------------------------------------------------------- serve.py

def start_server(backend, max_sessions=128, loop="auto"):
    dist = ROOT / "dist" if (ROOT / "dist" / "index.html").is_file() else ROOT / "bench"
    if dist.name == "bench":
        (ROOT / "build").mkdir(exist_ok=True)
        dist = ROOT / "build" / "bench-dist"
        dist.mkdir(exist_ok=True)
        (dist / "index.html").write_text("bench")
    proc = subprocess.Popen([sys.executable, str(ROOT / "serve.py"), "--no-build", "--quiet", "--port", "0",
                             "--dist", str(dist), "--backend", backend, "--max-sessions", str(max_sessions), "--loop", loop],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if "Serving http://" not in line:
        proc.kill()
        raise RuntimeError(f"serve.py did not start: {line!r}")
    port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
    return proc, port


def ws_messages(n):
    out = []
    for i in range(n):
        out.append(json.dumps({"type": "reset", "data": {"task": TASKS[i % 6], "seed": i & 63}}))
        out += [json.dumps({"type": "step", "data": a}) for a in ACTIONS]
    return out


def ws_lockstep(port, seconds):
    ws = WebSocket(f"ws://127.0.0.1:{port}/ws")
    messages = ws_messages(60)
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for m in messages:
            ws.send(m)
            json.loads(ws.recv())
        n += 60
    rate = 3 * n / (time.perf_counter() - start)
    ws.close()
    return rate


def ws_pipelined(port, seconds, depth=64):
    ws = WebSocket(f"ws://127.0.0.1:{port}/ws")
    messages = ws_messages(depth // 4)
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for m in messages:
            ws.send(m)
        for _ in messages:
            json.loads(ws.recv())
        n += len(messages) // 4
    rate = 3 * n / (time.perf_counter() - start)
    ws.close()
    return rate


def _ws_worker(args):
    port, sessions, seconds, offset, barrier = args
    conns = [WebSocket(f"ws://127.0.0.1:{port}/ws") for _ in range(sessions)]
    scripts = []
    for k in range(sessions):
        i = offset + k
        scripts.append([json.dumps({"type": "reset", "data": {"task": TASKS[i % 6], "seed": i}})] +
                       [json.dumps({"type": "step", "data": a}) for a in ACTIONS])
    barrier.wait()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for j in range(4):  # every session one message, then every answer: sessions run concurrently
            for c, s in zip(conns, scripts):
                c.send(s[j])
            for c in conns:
                answer = c.recv()
                if answer.startswith('{"type":"error"'):
                    raise RuntimeError(answer)
        n += sessions
    elapsed = time.perf_counter() - start
    for c in conns:
        c.close()
    return 3 * n / elapsed


def ws_concurrent(port, sessions, seconds, processes=None):
    processes = processes or min(sessions, 4)
    per = [sessions // processes + (1 if i < sessions % processes else 0) for i in range(processes)]
    with mp.Manager() as manager:
        barrier = manager.Barrier(processes)
        with mp.Pool(processes) as pool:
            offsets = [sum(per[:i]) for i in range(processes)]
            rates = pool.map(_ws_worker, [(port, p, seconds, o, barrier) for p, o in zip(per, offsets)])
    return sum(rates)


def _http_worker(args):
    port, seconds = args
    conn = http.client.HTTPConnection("127.0.0.1", port)
    headers = {"Content-Type": "application/json"}
    bodies = [json.dumps({"action": a}) for a in ACTIONS]
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        conn.request("POST", "/reset", json.dumps({"task": TASKS[n % 6], "seed": n & 63}), headers)
        r = conn.getresponse()
        r.read()
        headers["X-Session-Id"] = r.getheader("X-Session-Id")
        for b in bodies:
            conn.request("POST", "/step", b, headers)
            r = conn.getresponse()
            json.loads(r.read())
        n += 1
    conn.close()
    return 3 * n / (time.perf_counter() - start)


def http_sessions(port, clients, seconds):
    if clients == 1:
        return _http_worker((port, seconds))
    with mp.Pool(clients) as pool:
        return sum(pool.map(_http_worker, [(port, seconds)] * clients))


def server(seconds, backend, loop="auto"):
    proc, port = start_server(backend, loop=loop)
    try:
        print(f"\n## serve.py, --backend {backend} --loop {loop} (steps/s, clients waiting for each answer unless noted)")
        print(f"  1 WebSocket session                    {ws_lockstep(port, seconds):>10,.0f}")
        print(f"  1 WebSocket session, 64 in flight       {ws_pipelined(port, seconds):>10,.0f}")
        for sessions in (8, 64):
            print(f"  {sessions:>2} WebSocket sessions, total          {ws_concurrent(port, sessions, seconds):>10,.0f}")
        print(f"  1 HTTP session (keep-alive)            {http_sessions(port, 1, seconds):>10,.0f}")
        print(f"  4 HTTP sessions, total                 {http_sessions(port, 4, seconds):>10,.0f}")
    finally:
        proc.terminate()
        proc.wait(10)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=2.0, help="per measurement (default 2)")
    parser.add_argument("--rounds", type=int, default=3, help="in-process rounds (default 3)")
    parser.add_argument("--package-backends", default="extension,ctypes,pipe")
    parser.add_argument("--backends", default="auto,pipe", help="serve.py backends to measure (default auto,pipe)")
    parser.add_argument("--loops", default="auto", help="serve.py event loops to measure, e.g. asyncio,uvloop (default auto)")
    parser.add_argument("--skip-server", action="store_true")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]} ({sys.executable}), {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    in_process(args.seconds, args.rounds, args.package_backends.split(","))
    if not args.skip_server:
        for backend in args.backends.split(","):
            for loop in args.loops.split(","):
                server(args.seconds, backend, loop)


if __name__ == "__main__":
    main()
