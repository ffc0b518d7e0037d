#!/usr/bin/env python3
"""Run an agent on the Customer Support Command Center missions.

The environment is the native command-line program (build/native/support-env,
JSON lines on stdin/stdout, mission.md section 3.1); this script keeps one
instance of it open for the whole run.

Agents:
  default          an LLM behind an OpenAI-compatible Chat Completions endpoint
                   (env: API_BASE_URL, MODEL_NAME, HF_TOKEN)
  --policy NAME    the engine's built-in policy (reference or random); no network

Stdout carries only the hackathon lines:
  [START] task=<task> env=support-command-center model=<model>
  [STEP] step=<n> action=<json> reward=<0.00> done=<true|false> error=<msg|null>
  [END] success=<true|false> steps=<n> score=<0.00> rewards=<r1,...,rn>
The summary goes to stderr. Python 3.11 standard library only.
"""
from __future__ import annotations

import argparse
import email.utils
import http.client
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BENCHMARK = "support-command-center"
DEFAULT_API_BASE_URL = "https://router.huggingface.co/v1"
DEFAULT_MODEL_NAME = "Qwen/Qwen2.5-72B-Instruct"
ROOT = Path(__file__).resolve().parent
DEFAULT_CLI = "build/native/support-env"
MAX_RETRIES = 4
MAX_SEED = (1 << 53) - 1
MAX_RETRY_AFTER = 120.0  # seconds; a longer Retry-After is capped

# The environment's rules are read from the engine's spec ({"op":"spec"}) at
# start-up (apply_spec), not repeated here.
ACTION_FIELDS: dict[str, str] = {}   # action_type -> the field it takes
CATEGORIES: tuple[str, ...] = ()
MAX_STEPS = 0
ENV_VERSION = ""                     # recorded in every trajectory line


def apply_spec(spec: dict) -> None:
    """Takes the action types, their fields, the categories, the step limit and the version from spec."""
    global ACTION_FIELDS, CATEGORIES, MAX_STEPS, ENV_VERSION
    ACTION_FIELDS = {a["action_type"]: a["field"] for a in spec["actions"]}
    CATEGORIES = tuple(spec["categories"])
    MAX_STEPS = int(spec["max_steps"])
    ENV_VERSION = str(spec["env_version"])

SYSTEM_PROMPT = """\
You are a customer-support agent working one ticket in the Customer Support Command Center.
Each turn you receive the current state of the ticket and you reply with exactly ONE action.

Actions (a JSON object with "action_type" and the field that type needs):
- {"action_type": "classify_issue", "category_guess": "<Billing|Technical|Refund_Request>"}
    Set the ticket's category. Judge by the actual problem, not by incidental words:
    a customer who mentions their plan or payments but cannot use the product has a
    Technical issue. You may reclassify; the latest classification counts.
- {"action_type": "search_kb", "search_query": "<short keywords>"}
    Search the company knowledge base (policies and fixes). The best-matching article
    is shown to you. Use specific keywords for the customer's actual problem.
- {"action_type": "ask_clarifying_question", "message_to_customer": "<question>"}
    Ask the customer something. Only ask when the ticket is too vague to act on; the
    customer's patience is limited, and needless questions upset them.
- {"action_type": "resolve_ticket", "message_to_customer": "<final solution>"}
    Ends the episode. The message must give the customer the concrete fix or answer
    taken from the knowledge-base article, in plain words, and must never contradict
    policy (for example, never promise a refund that policy forbids, and never call
    something non-refundable when policy allows a refund or credit).
- {"action_type": "escalate_to_human", "message_to_customer": "<handoff note>"}
    Ends the episode by handing the ticket to a human specialist. Escalate only when
    the knowledge-base policy says the case must go to a human; otherwise resolve it.

How to work (policy first):
1. If the ticket is vague (you cannot tell what the problem is), ask one clarifying question first.
2. Classify the issue.
3. Search the knowledge base for the relevant policy or fix before you resolve or escalate.
4. Follow what the article says: resolve with its fix stated clearly, or escalate if it
   says disputes of this kind go to a human. Do not invent policies.
You have at most 10 steps; every action, including an invalid one, uses a step.

Reply with ONE JSON object and nothing else: no prose, no code fences, no list of actions.
Message texts must be under 2000 characters."""


class SetupError(Exception):
    """A problem that stops the whole run (exit 2)."""


class EngineError(Exception):
    """The engine refused a request or stopped answering."""


class ModelError(Exception):
    """The model endpoint could not give a usable answer (after retries)."""


# --------------------------------------------------------------------------- output

_SECRETS: list[str] = []


def scrub(text: str) -> str:
    for secret in _SECRETS:
        if secret:
            text = text.replace(secret, "***")
    return text


def one_line(text: str) -> str:
    for ch in ("\r\n", "\r", "\n", "\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85"):
        text = text.replace(ch, " ")
    return text


def emit(line: str) -> None:
    sys.stdout.write(one_line(scrub(line)) + "\n")
    sys.stdout.flush()


def log(message: str) -> None:
    sys.stderr.write(scrub(message) + "\n")
    sys.stderr.flush()


def compact(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def fmt_reward(value) -> str:
    try:
        return f"{float(value):.2f}"
    except (TypeError, ValueError):
        return "0.00"


def fmt_bool(value) -> str:
    return "true" if value else "false"


# --------------------------------------------------------------------------- engine


class Engine:
    """One support-env process, driven one request line / one response line at a time."""

    def __init__(self, cli: str, scenarios: str | None = None):
        cmd = [cli]
        if scenarios:
            cmd += ["--scenarios", scenarios]
        try:
            self.proc = subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                encoding="utf-8", errors="replace", bufsize=1)
        except OSError as exc:
            raise SetupError(f"cannot start {cli}: {exc}") from exc

    def request(self, payload: dict) -> dict:
        line = json.dumps(payload, ensure_ascii=False)
        try:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
            answer = self.proc.stdout.readline()
        except (BrokenPipeError, OSError, ValueError):
            answer = ""
        if not answer:
            raise EngineError("the engine stopped answering" + self._stderr_tail())
        try:
            response = json.loads(answer)
        except json.JSONDecodeError as exc:
            raise EngineError(f"the engine answered with a line that is not JSON: {exc}") from exc
        if not response.get("ok"):
            raise EngineError(str(response.get("error", "request refused")))
        return response

    def _stderr_tail(self) -> str:
        try:
            self.proc.wait(timeout=2)
            err = self.proc.stderr.read().strip()
        except (subprocess.TimeoutExpired, OSError, ValueError):
            return ""
        return f" (exit code {self.proc.returncode}: {err})" if err else f" (exit code {self.proc.returncode})"

    def close(self) -> None:
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            try:
                stream.close()
            except OSError:
                pass


# --------------------------------------------------------------------------- parsing model replies


def _balanced_end(text: str, start: int) -> int:
    """Index of the brace closing the one at text[start] (braces inside strings ignored), or -1."""
    depth = 0
    in_string = False
    escaped = False
    for j in range(start, len(text)):
        ch = text[j]
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return j
    return -1


MAX_REPLY_SCAN = 20000  # characters of a reply searched for an object


def extract_json_object(text):
    """The first JSON object in a model reply, or None.

    Tolerates code fences, prose before or after, and an object wrapped in other
    braces: the first balanced {...} (scanning left to right) that parses wins.
    """
    if not isinstance(text, str):
        return None
    try:
        value = json.loads(text.strip())
        if isinstance(value, dict):
            return value
    except ValueError:
        pass
    text = text[:MAX_REPLY_SCAN]
    start = text.find("{")
    while start >= 0:
        end = _balanced_end(text, start)
        if end >= 0:
            try:
                value = json.loads(text[start:end + 1])
            except ValueError:
                value = None
            if isinstance(value, dict):
                return value
        start = text.find("{", start + 1)
    return None


def _canonical(value: str, allowed) -> str | None:
    key = value.strip().lower().replace(" ", "_").replace("-", "_")
    for name in allowed:
        if name.lower() == key:
            return name
    return None


def parse_action(text):
    """Turns a model reply into (action_to_send, problem).

    problem is None when the reply is a valid action; otherwise it says what was
    wrong, and action_to_send is the parsed object (or {} when nothing parsed), so
    that the engine still counts the step.
    """
    if not ACTION_FIELDS:
        raise RuntimeError("parse_action needs the engine's spec: call apply_spec first")
    if not isinstance(text, str) or not text.strip():
        return {}, "model reply was empty"
    obj = extract_json_object(text)
    if obj is None:
        snippet = " ".join(text.split())[:80]
        return {}, f"model reply has no JSON object: {snippet!r}"
    if "action_type" not in obj and isinstance(obj.get("action"), dict):
        obj = obj["action"]  # {"action": {...}} wrapper
    raw_type = obj.get("action_type")
    if not isinstance(raw_type, str):
        return obj, "model reply has no string action_type; allowed: " + ", ".join(ACTION_FIELDS)
    action_type = _canonical(raw_type, ACTION_FIELDS)
    if action_type is None:
        return obj, f"model reply has unknown action_type {raw_type[:40]!r}; allowed: " + ", ".join(ACTION_FIELDS)
    field = ACTION_FIELDS[action_type]
    value = obj.get(field)
    if action_type == "escalate_to_human" and value is None:
        return {"action_type": action_type}, None
    if not isinstance(value, str):
        state = "missing" if value is None else f"not a string ({type(value).__name__})"
        return dict(obj, action_type=action_type), f"{action_type} needs {field}, which is {state}"
    if action_type == "classify_issue":
        category = _canonical(value, CATEGORIES)
        if category is None:
            return dict(obj, action_type=action_type), (
                f"category_guess {value[:40]!r} is not one of " + ", ".join(CATEGORIES))
        value = category
    return {"action_type": action_type, field: value}, None


# --------------------------------------------------------------------------- model client


def _retry_after_seconds(value) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - time.time()
    return max(0.0, min(seconds, MAX_RETRY_AFTER))


class ChatClient:
    def __init__(self, base_url: str, token: str, model: str, timeout: float, backoff: float,
                 max_tokens: int, max_retries: int = MAX_RETRIES):
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.token = token
        self.model = model
        self.timeout = timeout
        self.backoff = backoff
        self.max_tokens = max_tokens
        self.max_retries = max_retries

    def complete(self, messages: list[dict]) -> str:
        body = json.dumps({
            "model": self.model,
            "messages": messages,
            "temperature": 0,
            "max_tokens": self.max_tokens,
        }).encode("utf-8")
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        last_problem = "no attempt"
        for attempt in range(self.max_retries + 1):
            retry_after = None
            request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    raw = response.read()
                return self._content(raw)
            except urllib.error.HTTPError as exc:
                detail = ""
                try:
                    detail = exc.read().decode("utf-8", "replace").strip()[:200]
                except Exception:  # noqa: BLE001 - the body is only for the message
                    pass
                last_problem = f"HTTP {exc.code} from {self.url}" + (f": {detail}" if detail else "")
                if exc.code != 429 and exc.code < 500:
                    raise ModelError(last_problem) from None
                retry_after = _retry_after_seconds(exc.headers.get("Retry-After") if exc.headers else None)
            except (TimeoutError, socket.timeout):
                last_problem = f"request to {self.url} timed out after {self.timeout:g} s"
            except urllib.error.URLError as exc:
                reason = exc.reason
                if isinstance(reason, (TimeoutError, socket.timeout)):
                    last_problem = f"request to {self.url} timed out after {self.timeout:g} s"
                else:
                    last_problem = f"cannot reach {self.url}: {reason}"
            except (http.client.HTTPException, ConnectionError, OSError) as exc:
                last_problem = f"connection to {self.url} failed: {exc.__class__.__name__}: {exc}"
            if attempt == self.max_retries:
                break
            delay = self.backoff * (2 ** attempt)
            if retry_after is not None:
                delay = max(delay, retry_after)
            log(f"  model request failed ({last_problem}); retry {attempt + 1}/{self.max_retries} in {delay:.2f} s")
            time.sleep(delay)
        raise ModelError(f"{last_problem} (gave up after {self.max_retries} retries)")

    @staticmethod
    def _content(raw: bytes) -> str:
        try:
            data = json.loads(raw.decode("utf-8", "replace"))
            content = data["choices"][0]["message"]["content"]
        except (json.JSONDecodeError, KeyError, IndexError, TypeError) as exc:
            raise ModelError(f"the endpoint's answer is not a chat completion ({exc.__class__.__name__})") from None
        if isinstance(content, list):  # content parts
            content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
        return content if isinstance(content, str) else ""


# --------------------------------------------------------------------------- agents


def describe_observation(obs: dict) -> str:
    lines = [
        f"Ticket {obs.get('ticket_id')} ({obs.get('difficulty')}): {obs.get('subject')}",
        f"Customer: {obs.get('customer_name')} (tier {obs.get('customer_tier')}), sentiment {obs.get('sentiment')}",
        f"Current classification: {obs.get('issue_category') or 'none yet'}",
        f"Step {obs.get('step_count')} of {obs.get('max_steps')} used",
    ]
    kb = obs.get("knowledge_base_result")
    if kb:
        lines.append(f"Knowledge base result: [{kb.get('id')}] {kb.get('title')}\n  {kb.get('text')}")
    else:
        lines.append("Knowledge base result: none")
    lines.append("Conversation:")
    for turn in obs.get("conversation_history") or []:
        lines.append(f"  {turn.get('role')}: {turn.get('text')}")
    if obs.get("last_action_error"):
        lines.append(f"Your last action was invalid: {obs['last_action_error']}")
    return "\n".join(lines)


class PolicyAgent:
    """The engine's built-in policy (op act)."""

    def __init__(self, engine: Engine, name: str):
        self.engine = engine
        self.name = name

    def start(self, obs: dict) -> None:
        pass

    def next_action(self, obs: dict):
        return self.engine.request({"op": "act", "policy": self.name})["action"], None

    def observe(self, action, result: dict) -> None:
        pass


class LLMAgent:
    def __init__(self, client: ChatClient):
        self.client = client
        self.messages: list[dict] = []
        self.problem: str | None = None

    def start(self, obs: dict) -> None:
        self.messages = [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": "New ticket.\n" + describe_observation(obs)
             + "\n\nReply with your next action as ONE JSON object."},
        ]

    def next_action(self, obs: dict):
        reply = self.client.complete(self.messages)
        self.messages.append({"role": "assistant", "content": reply if reply else "(empty reply)"})
        action, self.problem = parse_action(reply)
        return action, self.problem

    def observe(self, action, result: dict) -> None:
        obs = result.get("observation") or {}
        info = result.get("info") or {}
        text = ""
        if self.problem:
            text = (f"Your reply could not be used as an action ({self.problem}). Reply with ONE JSON object "
                    "such as {\"action_type\": \"search_kb\", \"search_query\": \"...\"}.\n")
        text += (f"Result: reward {fmt_reward(result.get('reward'))}. {info.get('reason', '')}\n"
                + describe_observation(obs)
                + "\n\nReply with your next action as ONE JSON object.")
        self.messages.append({"role": "user", "content": text})


# --------------------------------------------------------------------------- episodes


class Trajectories:
    def __init__(self, path: str | None):
        self.file = None
        if path:
            try:
                self.file = open(path, "w", encoding="utf-8")
            except OSError as exc:
                raise SetupError(f"cannot write --trajectories {path}: {exc}") from exc

    def write(self, record: dict) -> None:
        if self.file:
            self.file.write(scrub(json.dumps(record, ensure_ascii=False)) + "\n")
            self.file.flush()

    def close(self) -> None:
        if self.file:
            self.file.close()


def run_episode(engine: Engine, agent, task: str, seed: int, model_label: str, trajectories: Trajectories) -> dict:
    emit(f"[START] task={task} env={BENCHMARK} model={model_label}")
    rewards: list[float] = []
    success = False
    score = 0.0
    problem = None
    try:
        obs = engine.request({"op": "reset", "task": task, "seed": seed})["observation"]
        agent.start(obs)
        max_steps = int(obs.get("max_steps") or MAX_STEPS)
        done = bool(obs.get("done"))
        while not done and len(rewards) < max_steps:
            action, parse_problem = agent.next_action(obs)
            result = engine.request({"op": "step", "action": action})
            obs = result.get("observation") or {}
            reward = float(result.get("reward") or 0.0)
            done = bool(result.get("done"))
            rewards.append(reward)
            score = float(obs.get("cumulative_reward", sum(rewards)) or 0.0)
            success = bool(obs.get("success")) if done else False
            engine_error = obs.get("last_action_error")
            error = parse_problem
            if engine_error and parse_problem:
                error = f"{parse_problem} (engine: {engine_error})"
            elif engine_error:
                error = engine_error
            emit(f"[STEP] step={len(rewards)} action={compact(action)} reward={fmt_reward(reward)} "
                 f"done={fmt_bool(done)} error={error if error else 'null'}")
            trajectories.write({
                "env_version": obs.get("env_version", ENV_VERSION), "task": task, "seed": seed, "step": len(rewards), "action": action,
                "observation": obs, "reward": reward, "reason": (result.get("info") or {}).get("reason"),
                "done": done,
            })
            agent.observe(action, result)
        if not done:
            problem = "episode did not end within the step limit"
    except ModelError as exc:
        problem = f"model: {exc}"
    except EngineError as exc:
        problem = f"engine: {exc}"
        raise
    except Exception as exc:  # noqa: BLE001 - one episode's failure must not end the run
        problem = f"{exc.__class__.__name__}: {exc}"
    finally:
        emit(f"[END] success={fmt_bool(success)} steps={len(rewards)} score={fmt_reward(score)} "
             f"rewards={','.join(fmt_reward(r) for r in rewards)}")
        if problem:
            log(f"[{task} seed={seed}] episode failed: {problem}")
    return {"task": task, "seed": seed, "success": success, "score": score, "steps": len(rewards), "error": problem}


# --------------------------------------------------------------------------- command line


def parse_seeds(text: str) -> list[int]:
    seeds: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            raise ValueError("empty item")
        if "-" in part[1:]:
            lo_text, hi_text = part.split("-", 1)
            lo, hi = int(lo_text), int(hi_text)
            if hi < lo:
                raise ValueError(f"range {part} runs backwards")
            if hi - lo >= 100000:
                raise ValueError(f"range {part} is too long")
            items = range(lo, hi + 1)
        else:
            items = [int(part)]
        for seed in items:
            if seed < 0 or seed > MAX_SEED:
                raise ValueError(f"seed {seed} is outside 0..{MAX_SEED}")
            seeds.append(seed)
    return seeds


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Run an agent (an LLM, or a built-in policy) on the Customer Support Command Center missions.",
        epilog="LLM mode (default) reads API_BASE_URL (default %s), MODEL_NAME (default %s) and HF_TOKEN (required)."
        % (DEFAULT_API_BASE_URL, DEFAULT_MODEL_NAME))
    parser.add_argument("--policy", choices=("reference", "random"),
                        help="play the engine's built-in policy instead of an LLM (no network, no token)")
    parser.add_argument("--tasks", help="comma-separated task ids (default: every task)")
    parser.add_argument("--seeds", default="0", help="seeds: 0 | 0,3,7 | 0-9 (default 0)")
    parser.add_argument("--trajectories", metavar="FILE", help="write every step as a JSON line to FILE")
    parser.add_argument("--scenarios", metavar="DIR", help="play the scenario pack in DIR instead of the built-in missions")
    parser.add_argument("--cli", metavar="PATH",
                        help="the support-env program (default: $SUPPORT_ENV_CLI or build/native/support-env)")
    parser.add_argument("--timeout", type=float, default=60.0, help="model request timeout in seconds (default 60)")
    parser.add_argument("--backoff", type=float, default=1.0,
                        help="base of the exponential retry backoff in seconds (default 1)")
    parser.add_argument("--max-tokens", type=int, default=512, help="max_tokens per model reply (default 512)")
    return parser


def resolve_cli(option: str | None) -> str:
    value = option or os.environ.get("SUPPORT_ENV_CLI") or DEFAULT_CLI
    path = Path(value)
    if not path.is_absolute() and not path.exists() and (ROOT / path).exists():
        path = ROOT / path
    if not path.is_file() or not os.access(path, os.X_OK):
        raise SetupError(f"the environment program {value} is missing (or not executable); "
                         f"build it first: bash scripts/build.sh")
    return str(path)


def summarize(results: list[dict], tasks: list[str]) -> None:
    if not results:
        return
    log("")
    log(f"{'task':<26} {'episodes':>8} {'mean score':>10} {'success':>8}")
    for task in tasks:
        rows = [r for r in results if r["task"] == task]
        if not rows:
            continue
        mean = sum(r["score"] for r in rows) / len(rows)
        rate = sum(1 for r in rows if r["success"]) / len(rows)
        log(f"{task:<26} {len(rows):>8} {mean:>10.2f} {rate:>7.0%}")
    mean = sum(r["score"] for r in results) / len(results)
    rate = sum(1 for r in results if r["success"]) / len(results)
    failed = sum(1 for r in results if r["error"])
    log(f"{'overall':<26} {len(results):>8} {mean:>10.2f} {rate:>7.0%}"
        + (f"   ({failed} episode(s) ended with an error)" if failed else ""))


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        seeds = parse_seeds(args.seeds)
    except ValueError as exc:
        parser.error(f"--seeds {args.seeds!r}: {exc}")
    if args.timeout <= 0:
        parser.error("--timeout must be positive")
    if args.backoff < 0:
        parser.error("--backoff must not be negative")
    if args.max_tokens < 1:
        parser.error("--max-tokens must be positive")
    try:
        sys.stdout.reconfigure(errors="backslashreplace")
    except (AttributeError, ValueError):
        pass

    client = None
    if args.policy:
        model_label = f"policy:{args.policy}"
    else:
        token = os.environ.get("HF_TOKEN", "").strip()
        if not token:
            log("inference.py: HF_TOKEN is not set. LLM mode needs HF_TOKEN (the API token for API_BASE_URL); "
                "export HF_TOKEN=... or play offline with --policy reference|random.")
            return 2
        _SECRETS.append(token)
        model = os.environ.get("MODEL_NAME") or DEFAULT_MODEL_NAME
        base_url = os.environ.get("API_BASE_URL") or DEFAULT_API_BASE_URL
        client = ChatClient(base_url, token, model, args.timeout, args.backoff, args.max_tokens)
        model_label = model

    try:
        cli = resolve_cli(args.cli)
        if args.scenarios and not Path(args.scenarios).is_dir():
            raise SetupError(f"--scenarios {args.scenarios} is not a directory")
        engine = Engine(cli, args.scenarios)
    except SetupError as exc:
        log(f"inference.py: {exc}")
        return 2

    trajectories = None
    results: list[dict] = []
    tasks: list[str] = []
    try:
        try:
            available = [t["id"] for t in engine.request({"op": "tasks"})["tasks"]]
            apply_spec(engine.request({"op": "spec"})["spec"])
        except EngineError as exc:
            raise SetupError(f"{cli} did not start: {exc}") from exc
        if args.tasks:
            tasks = [t.strip() for t in args.tasks.split(",") if t.strip()]
            unknown = [t for t in tasks if t not in available]
            if not tasks or unknown:
                raise SetupError(f"unknown task(s) {', '.join(unknown) or '(none given)'}; tasks are: "
                                 + ", ".join(available))
        else:
            tasks = available
        trajectories = Trajectories(args.trajectories)
        agent = PolicyAgent(engine, args.policy) if args.policy else LLMAgent(client)
        for task in tasks:
            for seed in seeds:
                results.append(run_episode(engine, agent, task, seed, model_label, trajectories))
    except SetupError as exc:
        log(f"inference.py: {exc}")
        return 2
    except EngineError as exc:
        log(f"inference.py: the environment failed: {exc}")
        summarize(results, tasks)
        return 1
    except KeyboardInterrupt:
        log("inference.py: interrupted")
        summarize(results, tasks)
        return 130
    finally:
        if trajectories:
            trajectories.close()
        engine.close()
    summarize(results, tasks)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # stdout closed early (e.g. piped into head)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
