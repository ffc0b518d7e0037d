"""inference.py: offline policies, output format, trajectories, and the LLM client
against a stand-in Chat Completions server (scripted replies, 429, timeouts)."""
import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "inference.py"
CLI = ROOT / "build" / "native" / "support-env"
sys.path.insert(0, str(ROOT))
import inference  # noqa: E402

PROTOCOL = inference.load_protocol()

TASKS = ["billing_receipt", "dashboard_404", "digital_refund", "vip_outage", "vague_complaint",
         "plan_refund_difference"]
TOKEN = "hf_test-secret-token-0123456789"
MODEL = "test-org/test-model"

START_RE = re.compile(r"^\[START\] task=(\S+) env=support-command-center model=(\S+)$")
STEP_RE = re.compile(r"^\[STEP\] step=(\d+) action=(\{.*\}) reward=(\d+\.\d\d) done=(true|false) error=(.*)$")
END_RE = re.compile(r"^\[END\] success=(true|false) steps=(\d+) score=(\d+\.\d\d) "
                    r"rewards=((?:\d+\.\d\d(?:,\d+\.\d\d)*)?)$")

NEEDS_CLI = unittest.skipUnless(CLI.exists(), "build/native/support-env is missing: run bash scripts/build.sh")


def base_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
           and k not in ("HF_TOKEN", "API_BASE_URL", "MODEL_NAME", "SUPPORT_ENV_CLI")}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env.update(extra)
    return env


def run(args, env=None, timeout=60):
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=ROOT, capture_output=True, text=True,
                          env=env if env is not None else base_env(), timeout=timeout)


def summary_table(stderr):
    """The final table on stderr: {task or "overall": (episodes, mean score, success)} as printed, and the overall line."""
    rows = {}
    overall_line = ""
    lines = stderr.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:2] == ["task", "episodes"]) + 1
    for line in lines[start:]:
        parts = line.split()
        rows[parts[0]] = (int(parts[1]), parts[2], parts[3])
        if parts[0] == "overall":
            overall_line = line
            break
    return rows, overall_line


def engine_stats(request):
    """The engine's answer to one request line, through the command-line program."""
    out = subprocess.run([str(CLI)], input=json.dumps(request) + "\n", capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def parse_episodes(test, stdout):
    """Checks every stdout line against the format; returns one dict per episode."""
    episodes = []
    current = None
    test.assertTrue(stdout.endswith("\n") or stdout == "", repr(stdout[-80:]))
    for line in stdout.splitlines():
        if m := START_RE.match(line):
            test.assertIsNone(current, f"[START] inside an episode: {line}")
            current = {"task": m[1], "model": m[2], "steps": []}
        elif m := STEP_RE.match(line):
            test.assertIsNotNone(current, f"[STEP] outside an episode: {line}")
            test.assertEqual(int(m[1]), len(current["steps"]) + 1, line)
            action = json.loads(m[2])
            test.assertIsInstance(action, dict)
            test.assertEqual(m[2], json.dumps(action, separators=(",", ":"), ensure_ascii=False))
            current["steps"].append({"action": action, "reward": m[3], "done": m[4] == "true",
                                     "error": None if m[5] == "null" else m[5]})
        elif m := END_RE.match(line):
            test.assertIsNotNone(current, f"[END] outside an episode: {line}")
            current.update(success=m[1] == "true", step_count=int(m[2]), score=float(m[3]),
                           rewards=m[4].split(",") if m[4] else [])
            test.assertEqual(current["step_count"], len(current["steps"]), line)
            test.assertEqual(current["rewards"], [s["reward"] for s in current["steps"]], line)
            for s in current["steps"][:-1]:
                test.assertFalse(s["done"])
            episodes.append(current)
            current = None
        else:
            test.fail(f"unexpected stdout line: {line!r}")
    test.assertIsNone(current, "an episode has no [END] line")
    return episodes


def reference_actions(task, seed):
    """The engine's reference policy's actions for one episode (used as scripted model replies)."""
    proc = subprocess.Popen([str(CLI)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def request(payload):
        proc.stdin.write(json.dumps(payload) + "\n")
        proc.stdin.flush()
        return json.loads(proc.stdout.readline())

    actions = []
    try:
        request({"op": "reset", "task": task, "seed": seed})
        while True:
            action = request({"op": "act", "policy": "reference"})["action"]
            actions.append(action)
            if request({"op": "step", "action": action})["done"]:
                return actions
    finally:
        proc.stdin.close()
        proc.stdout.close()
        proc.wait()


# ----------------------------------------------------------------------------- stand-in server

def reply(content):
    return ("reply", content)


def status(code, headers=None):
    return ("status", code, headers or {})


def sleep(seconds):
    return ("sleep", seconds)


class StandIn:
    """A Chat Completions endpoint on 127.0.0.1:<free port> that replays a script."""

    def __init__(self, script):
        self.script = list(script)
        self.requests = []
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                with outer.lock:
                    outer.requests.append({"path": self.path, "headers": dict(self.headers), "body": body,
                                           "time": time.monotonic()})
                    step = outer.script.pop(0) if outer.script else reply("(script exhausted)")
                try:
                    if step[0] == "status":
                        payload = json.dumps({"error": {"message": f"scripted {step[1]}"}}).encode()
                        self.send_response(step[1])
                        for k, v in step[2].items():
                            self.send_header(k, v)
                        self.send_header("Content-Type", "application/json")
                        self.send_header("Content-Length", str(len(payload)))
                        self.end_headers()
                        self.wfile.write(payload)
                        return
                    if step[0] == "sleep":
                        time.sleep(step[1])
                        content = '{"action_type":"escalate_to_human"}'
                    else:
                        content = step[1]
                    payload = json.dumps({"id": "x", "object": "chat.completion", "model": MODEL, "choices": [
                        {"index": 0, "message": {"role": "assistant", "content": content},
                         "finish_reason": "stop"}]}).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the client gave up (timeout)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}/v1"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


# ----------------------------------------------------------------------------- tests

class ParsingTest(unittest.TestCase):
    # Replies, prompts and turn texts: tests/python/test_llm_protocol.py on the cases shared with llm.js.
    def test_seeds(self):
        self.assertEqual(inference.parse_seeds("0"), [0])
        self.assertEqual(inference.parse_seeds("0,3,7"), [0, 3, 7])
        self.assertEqual(inference.parse_seeds("0-3,9"), [0, 1, 2, 3, 9])
        for bad in ("", "a", "3-1", "-1", "1,,2"):
            with self.assertRaises(ValueError, msg=bad):
                inference.parse_seeds(bad)


@NEEDS_CLI
class OfflineTest(unittest.TestCase):
    def test_reference_all_tasks(self):
        r = run(["--policy", "reference"])
        self.assertEqual(r.returncode, 0, r.stderr)
        episodes = parse_episodes(self, r.stdout)
        self.assertEqual(r.stdout.count("[START]"), 6)
        self.assertEqual(r.stdout.count("[END]"), 6)
        self.assertEqual([e["task"] for e in episodes], TASKS)
        for e in episodes:
            self.assertEqual(e["model"], "policy:reference")
            self.assertTrue(e["success"], e)
            self.assertGreaterEqual(e["score"], 0.90)
            self.assertTrue(e["steps"][-1]["done"])
            self.assertTrue(all(s["error"] is None for s in e["steps"]))
        self.assertIn("overall", r.stderr)

    def test_random_policy_seeds(self):
        r = run(["--policy", "random", "--tasks", "vague_complaint,digital_refund", "--seeds", "0-2"])
        self.assertEqual(r.returncode, 0, r.stderr)
        episodes = parse_episodes(self, r.stdout)
        self.assertEqual([e["task"] for e in episodes], ["vague_complaint"] * 3 + ["digital_refund"] * 3)
        for e in episodes:
            self.assertEqual(e["model"], "policy:random")
            self.assertGreaterEqual(len(e["steps"]), 1)
            self.assertLessEqual(len(e["steps"]), 10)

    def test_summary_is_the_engines_stats(self):
        """The table is the engine's aggregate: the same figures as its evaluate op over the same seeds
        (the random policy played step by step through act is the one evaluate plays)."""
        tasks = ["digital_refund", "billing_receipt"]
        r = run(["--policy", "random", "--tasks", ",".join(tasks), "--seeds", "0-29"])
        self.assertEqual(r.returncode, 0, r.stderr)
        rows, _ = summary_table(r.stderr)
        expected = engine_stats({"op": "evaluate", "policy": "random", "tasks": tasks, "seeds": 30, "stats": True})
        self.assertEqual(list(rows), tasks + ["overall"])
        for result in expected["results"]:
            st = result["stats"]
            self.assertEqual(rows[result["task"]], (30, f"{st['mean_score']:.2f}", f"{st['success_rate']:.0%}"))
        o = expected["overall"]
        self.assertEqual(rows["overall"], (60, f"{o['mean_score']:.2f}", f"{o['success_rate']:.0%}"))
        self.assertEqual(o["successes"], 2)  # digital_refund seeds 5 and 10: chance escalations that hold

    def test_trajectories(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "traj.jsonl"
            r = run(["--policy", "reference", "--tasks", "vague_complaint,billing_receipt", "--seeds", "0,2",
                     "--trajectories", str(path)])
            self.assertEqual(r.returncode, 0, r.stderr)
            episodes = parse_episodes(self, r.stdout)
            lines = path.read_text(encoding="utf-8").splitlines()
        self.assertEqual(len(lines), sum(len(e["steps"]) for e in episodes))
        records = [json.loads(line) for line in lines]
        for rec in records:
            self.assertEqual(set(rec), {"env_version", "task", "seed", "step", "action", "observation", "reward",
                                        "reason", "done", "feedback"})
            self.assertEqual(rec["env_version"], rec["observation"]["env_version"])
            self.assertIs(rec["feedback"], False)  # the built-in policies never see rewards
            self.assertIsInstance(rec["observation"], dict)
            self.assertEqual(rec["observation"]["task_id"], rec["task"])
            self.assertEqual(rec["observation"]["step_count"], rec["step"])
            self.assertIsInstance(rec["reason"], str)
            self.assertTrue(rec["reason"])
        self.assertEqual([(r["task"], r["seed"]) for r in records if r["done"]],
                         [("vague_complaint", 0), ("vague_complaint", 2), ("billing_receipt", 0), ("billing_receipt", 2)])
        flat = [s for e in episodes for s in e["steps"]]
        self.assertEqual([r["action"] for r in records], [s["action"] for s in flat])
        self.assertEqual([f"{r['reward']:.2f}" for r in records], [s["reward"] for s in flat])
        self.assertEqual(records[0]["action"]["action_type"], "ask_clarifying_question")

    def test_scenarios_folder(self):
        r = run(["--policy", "reference", "--tasks", "billing_receipt", "--scenarios", "scenarios"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(parse_episodes(self, r.stdout)[0]["success"])

    def test_setup_errors(self):
        r = run(["--policy", "reference", "--cli", "/nonexistent/support-env"])
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stdout, "")
        self.assertIn("bash scripts/build.sh", r.stderr)
        r = run(["--policy", "reference"], env=base_env(SUPPORT_ENV_CLI="/nonexistent/support-env"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("bash scripts/build.sh", r.stderr)
        r = run(["--policy", "reference", "--tasks", "no_such_task"])
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stdout, "")
        self.assertIn("billing_receipt", r.stderr)
        r = run(["--policy", "reference", "--seeds", "x"])
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stdout, "")
        r = run(["--policy", "reference", "--feedback"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("--feedback", r.stderr)

    def test_missing_token(self):
        for env in (base_env(), base_env(HF_TOKEN="")):
            r = run(["--tasks", "billing_receipt"], env=env)
            self.assertEqual(r.returncode, 2)
            self.assertEqual(r.stdout, "")
            self.assertIn("HF_TOKEN", r.stderr)


@NEEDS_CLI
class LLMTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.billing0 = reference_actions("billing_receipt", 0)
        cls.billing1 = reference_actions("billing_receipt", 1)
        cls.vague0 = reference_actions("vague_complaint", 0)

    def setUp(self):
        self.server = None

    def tearDown(self):
        if self.server:
            self.server.close()

    def play(self, script, args, timeout=60):
        self.server = StandIn(script)
        env = base_env(HF_TOKEN=TOKEN, API_BASE_URL=self.server.base_url, MODEL_NAME=MODEL)
        started = time.monotonic()
        r = run(args, env=env, timeout=timeout)
        self.elapsed = time.monotonic() - started
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn(TOKEN, r.stdout + r.stderr)
        return r, parse_episodes(self, r.stdout)

    def check_request_shape(self, req):
        self.assertEqual(req["path"], "/v1/chat/completions")
        headers = {k.lower(): v for k, v in req["headers"].items()}
        self.assertEqual(headers.get("authorization"), f"Bearer {TOKEN}")
        self.assertIn("application/json", headers.get("content-type", ""))
        body = req["body"]
        self.assertIsInstance(body, dict)
        self.assertEqual(body["model"], MODEL)
        self.assertEqual(body["temperature"], PROTOCOL["request"]["temperature"])
        self.assertEqual(body["max_tokens"], PROTOCOL["request"]["max_tokens"])
        messages = body["messages"]
        self.assertEqual(messages[0]["role"], "system")
        for word in ("classify_issue", "search_kb", "ask_clarifying_question", "resolve_ticket",
                     "escalate_to_human", "Refund_Request", "JSON"):
            self.assertIn(word, messages[0]["content"])
        self.assertEqual(messages[-1]["role"], "user")
        for m in messages:
            self.assertIn(m["role"], ("system", "user", "assistant"))
            self.assertIsInstance(m["content"], str)

    def test_good_replies_win(self):
        a = self.vague0
        script = [reply(json.dumps(a[0])),
                  reply("```json\n" + json.dumps(a[1], indent=2) + "\n```"),
                  reply("The customer described the crash, so I search the KB:\n" + json.dumps(a[2]) + "\nDone."),
                  reply(json.dumps(a[3]))]
        r, episodes = self.play(script, ["--tasks", "vague_complaint"])
        self.assertEqual(len(episodes), 1)
        e = episodes[0]
        self.assertEqual(e["model"], MODEL)
        self.assertTrue(e["success"], r.stdout)
        self.assertEqual([s["action"] for s in e["steps"]], a)
        self.assertTrue(all(s["error"] is None for s in e["steps"]))
        reqs = self.server.requests
        self.assertEqual(len(reqs), 4)
        for req in reqs:
            self.check_request_shape(req)
        first = reqs[0]["body"]["messages"]
        self.assertEqual(len(first), 2)
        self.assertIn("It is broken", first[1]["content"])
        self.assertIn("TKT-505", first[1]["content"])
        # Later turns carry the conversation so far and the latest observation.
        last = reqs[-1]["body"]["messages"]
        self.assertEqual(len(last), 2 + 2 * 3)
        self.assertEqual(last[2]["role"], "assistant")
        self.assertIn("mobile app", last[-1]["content"])
        self.assertIn("Steps used: 3 of 10", last[-1]["content"])
        self.assertIn("feedback=false", r.stderr)

    def assert_blind(self, requests, reasons):
        """No request told the model a reward, a reason, a score or an outcome."""
        self.assertTrue(reasons)
        for req in requests:
            for m in req["body"]["messages"]:
                if m["role"] == "assistant":
                    continue
                text = m["content"]
                self.assertNotRegex(text, r"(?i)reward|cumulative|total so far|\bscore\b|success|outcome")
                self.assertNotRegex(text, r"\+\d\.\d\d")
                for reason in reasons:
                    self.assertNotIn(reason, text)

    def test_blind_by_default_feedback_on_request(self):
        a = self.billing0
        for flag in ([], ["--feedback"]):
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "t.jsonl"
                r, episodes = self.play([reply(json.dumps(x)) for x in a],
                                        ["--tasks", "billing_receipt", "--trajectories", str(path), *flag])
                records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
            self.server.close()
            feedback = bool(flag)
            self.assertTrue(episodes[0]["success"])
            self.assertEqual([rec["feedback"] for rec in records], [feedback] * len(a))
            self.assertIn(f"feedback={'true' if feedback else 'false'}", r.stderr)
            self.assertNotIn("feedback", r.stdout)  # the hackathon lines are unchanged
            reqs = self.server.requests
            self.assertEqual(len(reqs), len(a))
            reasons = [rec["reason"] for rec in records[:-1]]  # the last step's reason is never sent
            if not feedback:
                self.assert_blind(reqs, reasons)
                self.assertNotIn("reward", reqs[0]["body"]["messages"][0]["content"])
                continue
            self.assertIn("reward", reqs[0]["body"]["messages"][0]["content"])
            for i, rec in enumerate(records[:-1]):
                turn = reqs[i + 1]["body"]["messages"][-1]["content"]
                self.assertIn(f"Reward for your last action: {rec['reward']:.2f}", turn)
                self.assertIn(rec["reason"], turn)
                self.assertIn(f"total so far {rec['observation']['cumulative_reward']:.2f}", turn)
            self.server = None

    def test_malformed_reply_is_a_step_error(self):
        a = self.billing0
        script = [reply("I think this is a billing question, so I will classify it."),
                  reply('{"action_type": "fly_to_the_moon"}'),
                  reply('{"action_type": "classify_issue", "category_guess": "Shipping"}')] + [
                  reply(json.dumps(x)) for x in a]
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "t.jsonl"
            r, episodes = self.play(script, ["--tasks", "billing_receipt", "--trajectories", str(path)])
            traj = path.read_text(encoding="utf-8")
        e = episodes[0]
        steps = e["steps"]
        self.assertEqual(len(steps), 3 + len(a))
        self.assertEqual(steps[0]["action"], {})
        self.assertIn("no JSON object", steps[0]["error"])
        self.assertEqual(steps[0]["reward"], "0.00")
        self.assertFalse(steps[0]["done"])
        self.assertEqual(steps[1]["action"], {"action_type": "fly_to_the_moon"})
        self.assertIn("unknown action_type", steps[1]["error"])
        self.assertIn("Shipping", steps[2]["error"])
        self.assertTrue(all(s["error"] is None for s in steps[3:]))
        self.assertTrue(e["success"])
        self.assertEqual(len(traj.splitlines()), len(steps))
        self.assertNotIn(TOKEN, traj)
        self.assertEqual(json.loads(traj.splitlines()[0])["observation"]["step_count"], 1)
        # The model is told why its reply was not usable.
        feedback = self.server.requests[1]["body"]["messages"][-1]["content"]
        self.assertIn("could not be used", feedback)
        self.assertIn("no JSON object", feedback)

    def test_429_then_success_honours_retry_after(self):
        a = self.billing0
        script = [status(429, {"Retry-After": "1"}), status(503)] + [reply(json.dumps(x)) for x in a]
        r, episodes = self.play(script, ["--tasks", "billing_receipt", "--backoff", "0.01"])
        self.assertTrue(episodes[0]["success"], r.stdout + r.stderr)
        self.assertEqual(len(episodes[0]["steps"]), len(a))
        reqs = self.server.requests
        self.assertEqual(len(reqs), len(a) + 2)
        self.assertGreaterEqual(reqs[1]["time"] - reqs[0]["time"], 0.95)  # waited the Retry-After
        self.assertIn("429", r.stderr)
        for req in reqs:
            self.check_request_shape(req)

    def test_timeout_retries_then_episode_fails(self):
        # Episode 1 (seed 0): one good step, then the endpoint hangs -> retried, gives up.
        # Episode 2 (seed 1): the endpoint answers again -> the run goes on and wins.
        tries = PROTOCOL["request"]["max_retries"] + 1
        script = [reply(json.dumps(self.billing0[0]))] + [sleep(1.0)] * tries + [
            reply(json.dumps(x)) for x in self.billing1]
        r, episodes = self.play(script, ["--tasks", "billing_receipt", "--seeds", "0,1",
                                         "--timeout", "0.25", "--backoff", "0.01"])
        self.assertEqual(len(episodes), 2)
        first, second = episodes
        self.assertFalse(first["success"])
        self.assertEqual(first["step_count"], 1)
        self.assertEqual(first["rewards"], ["0.03"])
        self.assertIn("timed out", r.stderr)
        self.assertTrue(second["success"])
        self.assertEqual(len(self.server.requests), 1 + tries + len(self.billing1))
        # The engine counts the episode that ended; the summary says the other did not.
        rows, overall = summary_table(r.stderr)
        self.assertEqual(rows["billing_receipt"], (1, f"{second['score']:.2f}", "100%"))
        self.assertIn("(1 episode(s) ended with an error)", overall)
        self.assertIn("(1 episode(s) did not end and are not counted)", overall)

    def test_non_retryable_error_ends_episode(self):
        r, episodes = self.play([status(401)], ["--tasks", "billing_receipt", "--backoff", "0.01"])
        self.assertEqual(len(self.server.requests), 1)
        self.assertFalse(episodes[0]["success"])
        self.assertEqual(episodes[0]["step_count"], 0)
        self.assertIn("401", r.stderr)
        self.assertIn("[END] success=false steps=0 score=0.00 rewards=\n", r.stdout)


if __name__ == "__main__":
    unittest.main()
