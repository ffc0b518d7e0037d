#!/usr/bin/env python3
"""Run an agent on the Customer Support Command Center missions.

The environment is the native engine through the package python/support_env
(in-process; the JSON-lines protocol of mission.md section 3.1). With --cli PATH
or $SUPPORT_ENV_CLI it drives that command-line program through a pipe instead.

Agents:
  default          an LLM behind an OpenAI-compatible Chat Completions endpoint
                   (env: API_BASE_URL, MODEL_NAME, HF_TOKEN). Blind: it sees the ticket,
                   the conversation, the article found, the step count and its own errors,
                   never a reward; --feedback adds each step's reward and reason.
                   Prompt, turn text, reply parsing and retries: scenarios/agent/llm-protocol.json
  --policy NAME    the engine's built-in policy (reference or random); no network

Stdout carries only the hackathon lines:
  [START] task=<task> env=support-command-center model=<model>
  [STEP] step=<n> action=<json> reward=<0.00> done=<true|false> error=<msg|null>
  [END] success=<true|false> steps=<n> score=<0.00> rewards=<r1,...,rn>
The summary goes to stderr: the engine's own figures for the episodes it saw end (its
"stats" op), not a count kept here. Python 3.11 standard library only.
"""
from __future__ import annotations

import argparse
import email.utils
import http.client
import json
import os
import re
import socket
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BENCHMARK = "support-command-center"
DEFAULT_API_BASE_URL = "https://router.huggingface.co/v1"
DEFAULT_MODEL_NAME = "Qwen/Qwen2.5-72B-Instruct"
ROOT = Path(__file__).resolve().parent
MAX_SEED = (1 << 53) - 1
PROTOCOL_FILE = ROOT / "scenarios" / "agent" / "llm-protocol.json"  # prompt, rendering, parsing, retries

sys.path.insert(0, str(ROOT / "python"))
from support_env import EngineUnavailable, SupportEnv, SupportEnvError  # noqa: E402 - standard library only


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
    """One session of the engine (python/support_env), one protocol request / response at a time."""

    def __init__(self, cli: str | None = None, scenarios: str | None = None):
        try:
            self.env = SupportEnv(scenarios=scenarios, backend="pipe" if cli else "auto", cli=cli)
        except (EngineUnavailable, ValueError, OSError) as exc:
            raise SetupError(f"cannot start the engine: {exc}") from exc

    def request(self, payload: dict) -> dict:
        try:
            return self.env.request(payload)
        except SupportEnvError as exc:
            raise EngineError(str(exc)) from exc
        except (EngineUnavailable, ValueError) as exc:
            raise EngineError(f"the engine stopped answering: {exc}") from exc

    def stats(self) -> dict | None:
        """The engine's figures for the episodes this session finished ({"results", "overall"}); None if it cannot answer."""
        try:
            return self.env.stats()
        except Exception:  # noqa: BLE001 - a failed engine must not hide the run's own error
            return None

    def close(self) -> None:
        self.env.close()


# --------------------------------------------------------------------------- the LLM protocol
# scenarios/agent/llm-protocol.json holds the system prompt, the turn text, the reply rules and the
# request policy; web/app/llm.js reads the same file. What follows interprets it and holds none of it.

_PLACEHOLDER = re.compile(r"\{\{([A-Za-z_][A-Za-z0-9_.]*)(?:\|([a-z]+)(?::([\s\S]*?))?)?\}\}")


def load_protocol(path=PROTOCOL_FILE) -> dict:
    """Reads the protocol file and checks that no reward field can reach a blind prompt."""
    try:
        protocol = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SetupError(f"cannot read the LLM protocol {path}: {exc}") from exc
    hidden = tuple(protocol.get("feedback_fields") or ())
    for name in ("system_prompt", "user_turn"):
        _check_blocks(protocol[name], hidden, False, name)
    return protocol


def _block_paths(block):
    texts = [block] if isinstance(block, str) else [block.get(k) for k in ("text", "else", "label")]
    paths = [m.group(1) for t in texts if isinstance(t, str) for m in _PLACEHOLDER.finditer(t)]
    if isinstance(block, dict):
        paths += [block[k] for k in ("when", "unless", "each") if isinstance(block.get(k), str)]
    return paths


def _check_blocks(blocks, hidden, feedback_only, where):
    for i, block in enumerate(blocks):
        inside = feedback_only or (isinstance(block, dict) and bool(block.get("feedback_only")))
        for path in _block_paths(block):
            if not inside and any(path == h or path.startswith(h + ".") for h in hidden):
                raise SetupError(f"LLM protocol {where}[{i}] shows {path} outside a feedback_only block")
        if isinstance(block, dict) and isinstance(block.get("blocks"), list):
            _check_blocks(block["blocks"], hidden, inside, f"{where}[{i}]")


def _lookup(context, path):
    value = context
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return ""
    return str(value)


def fill(template: str, context: dict) -> str:
    """One pass of {{path}}, {{path|join:SEP}}, {{path|fixed:N}} over a template."""
    def one(match):
        value = _lookup(context, match.group(1))
        kind, arg = match.group(2), match.group(3)
        if kind == "join":
            return (arg or "").join(_text(v) for v in value) if isinstance(value, list) else _text(value)
        if kind == "fixed":
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            return f"{value:.{int(arg or 0)}f}" if ok else ""
        if kind:
            raise ValueError(f"unknown template filter {kind!r}")
        return _text(value)
    return _PLACEHOLDER.sub(one, template)


def _truthy(value) -> bool:
    return value not in (None, False, "", 0) and value != [] and value != {}


def render_blocks(blocks, context: dict) -> str:
    feedback = bool(_lookup(context, "turn.feedback"))
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            lines.append(fill(block, context))
            continue
        if block.get("feedback_only") and not feedback:
            continue
        if "unless" in block and _truthy(_lookup(context, block["unless"])):
            continue
        template = block.get("text")
        if "when" in block and not _truthy(_lookup(context, block["when"])):
            if "else" not in block:
                continue
            template = block["else"]
        label = block.get("label")
        if "each" in block:
            items = _lookup(context, block["each"]) or []
            if label:
                lines.append(f"{label}:")
            for item in items:
                inner = dict(context, item=item)
                lines.append(fill(template, inner) if template is not None else render_blocks(block["blocks"], inner))
            continue
        body = fill(template, context) if template is not None else render_blocks(block.get("blocks", []), context)
        lines.append(f"{label}: {body}" if label else body)
    return "\n".join(lines)


def system_prompt(protocol: dict, spec: dict, feedback: bool) -> str:
    """The system prompt: the protocol's rules, each spec action with its action_help (templates too)."""
    context = {"spec": spec, "turn": {"feedback": feedback}}
    actions = []
    for action in spec["actions"]:
        help_ = protocol["action_help"].get(action["action_type"])
        if help_ is None:
            raise SetupError(f"the LLM protocol has no action_help for {action['action_type']}")
        actions.append(dict(action, help={k: fill(v, context) for k, v in help_.items()}))
    return render_blocks(protocol["system_prompt"], dict(context, spec=dict(spec, actions=actions)))


def render_turn(protocol: dict, obs: dict, *, first: bool, feedback: bool, reward=None, reason=None,
                reply_problem=None) -> str:
    """The user message for one turn. Rewards and reasons are passed on only in feedback mode."""
    turn = {"first": first, "feedback": feedback, "reply_problem": reply_problem}
    if feedback:
        turn.update(reward=reward, reason=reason)
    return render_blocks(protocol["user_turn"], {"obs": obs, "turn": turn})


def _no_constant(name):
    raise ValueError(f"{name} is not JSON")


def _json_object(text: str):
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


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


def extract_json_object(text: str, rules: dict):
    """The first JSON object of a trimmed reply (rules: the protocol's reply section), or None."""
    text = text[:rules["max_chars"]]
    fenced = re.fullmatch(rules["fence"], text)
    if fenced:
        text = fenced.group(1)
    value = _json_object(text)
    if value is not None:
        return value
    start = text.find("{")
    while start >= 0:
        end = _balanced_end(text, start)
        if end >= 0:
            value = _json_object(text[start:end + 1])
            if value is not None:
                return value
        start = text.find("{", start + 1)
    return None


def _trim(text: str, rules: dict) -> str:
    return re.sub(f"(?:{rules['whitespace']})\\Z", "", re.sub(f"^(?:{rules['whitespace']})", "", text))


def _canonical(value: str, allowed, rules: dict):
    key = _trim(value, rules).lower()
    for sep in rules["name_separators"]:
        key = key.replace(sep, "_")
    for name in allowed:
        if name.lower() == key:
            return name
    return None


def parse_action(text, spec: dict, protocol: dict):
    """Turns a model reply into (action_to_send, problem).

    problem is None when the reply is a usable action; otherwise it says what was wrong, and
    action_to_send is the parsed object (or {} when nothing parsed), so the engine still counts the step.
    """
    rules = protocol["reply"]
    err = rules["errors"]
    ws = re.compile(rules["whitespace"])
    trimmed = _trim(text, rules) if isinstance(text, str) else ""
    if not trimmed:
        return {}, fill(err["empty"], {})
    obj = extract_json_object(trimmed, rules)
    if obj is None:
        snippet = ws.sub(" ", trimmed)[:rules["snippet_chars"]]
        return {}, fill(err["no_object"], {"snippet": snippet})
    if "action_type" not in obj:
        for key in rules["wrapper_keys"]:
            if isinstance(obj.get(key), dict):
                obj = obj[key]
                break
    fields = {a["action_type"]: a for a in spec["actions"]}
    allowed = list(fields)
    raw_type = obj.get("action_type")
    if not isinstance(raw_type, str):
        return obj, fill(err["no_action_type"], {"allowed": allowed})
    action_type = _canonical(raw_type, allowed, rules)
    if action_type is None:
        return obj, fill(err["unknown_action_type"], {"value": raw_type[:rules["value_chars"]], "allowed": allowed})
    field = fields[action_type]["field"]
    value = obj.get(field)
    context = {"action_type": action_type, "field": field}
    if value is None and fields[action_type].get("optional"):
        return {"action_type": action_type}, None
    if not isinstance(value, str):
        return dict(obj, action_type=action_type), fill(err["missing_field" if value is None else "field_not_string"], context)
    if field == "category_guess":
        category = _canonical(value, spec["categories"], rules)
        if category is None:
            return dict(obj, action_type=action_type), fill(
                err["bad_category"], {"value": value[:rules["value_chars"]], "allowed": spec["categories"]})
        value = category
    return {"action_type": action_type, field: value}, None


# --------------------------------------------------------------------------- model client


def _retry_after_seconds(value, cap: float) -> float | None:
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
    return max(0.0, min(seconds, cap))


class ChatClient:
    """POST {base}/chat/completions with the protocol's request policy (timeout, backoff and
    max_tokens may be overridden from the command line)."""

    def __init__(self, base_url: str, token: str, model: str, policy: dict, *, timeout: float | None = None,
                 backoff: float | None = None, max_tokens: int | None = None):
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.token = token
        self.model = model
        self.policy = policy
        self.timeout = timeout if timeout is not None else float(policy["timeout_seconds"])
        self.backoff = backoff if backoff is not None else float(policy["backoff_seconds"])
        self.max_tokens = max_tokens if max_tokens is not None else int(policy["max_tokens"])
        self.max_retries = int(policy["max_retries"])

    def _retried(self, status: int) -> bool:
        return status in self.policy["retry_statuses"] or any(
            lo <= status <= hi for lo, hi in self.policy["retry_status_ranges"])

    def complete(self, messages: list[dict]) -> str:
        body = json.dumps({
            "model": self.model,
            "messages": messages,
            "temperature": self.policy["temperature"],
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
                if not self._retried(exc.code):
                    raise ModelError(last_problem) from None
                retry_after = _retry_after_seconds(exc.headers.get("Retry-After") if exc.headers else None,
                                                   float(self.policy["max_retry_after_seconds"]))
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
            delay = self.backoff * (self.policy["backoff_factor"] ** attempt)
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


class PolicyAgent:
    """The engine's built-in policy (op act). It reads observations only: no rewards (feedback false)."""

    feedback = False

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
    """Plays through the Chat Completions client. Blind by default: the model sees the ticket, the
    conversation, the article found, the step count and its own errors; with feedback it also sees each
    step's reward and reason (training experiments)."""

    def __init__(self, client: ChatClient, protocol: dict, spec: dict, feedback: bool = False):
        self.client = client
        self.protocol = protocol
        self.spec = spec
        self.feedback = feedback
        self.system = system_prompt(protocol, spec, feedback)
        self.messages: list[dict] = []
        self.problem: str | None = None

    def start(self, obs: dict) -> None:
        self.problem = None
        self.messages = [
            {"role": "system", "content": self.system},
            {"role": "user", "content": render_turn(self.protocol, obs, first=True, feedback=self.feedback)},
        ]

    def next_action(self, obs: dict):
        reply = self.client.complete(self.messages)
        self.messages.append({"role": "assistant", "content": reply if reply else self.protocol["empty_reply"]})
        action, self.problem = parse_action(reply, self.spec, self.protocol)
        return action, self.problem

    def observe(self, action, result: dict) -> None:
        text = render_turn(self.protocol, result.get("observation") or {}, first=False, feedback=self.feedback,
                           reward=result.get("reward"), reason=(result.get("info") or {}).get("reason"),
                           reply_problem=self.problem)
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
    done = False
    problem = None
    try:
        obs = engine.request({"op": "reset", "task": task, "seed": seed})["observation"]
        agent.start(obs)
        max_steps = int(obs.get("max_steps") or 10)
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
                "env_version": obs.get("env_version"),
                "task": task, "seed": seed, "step": len(rewards), "action": action,
                "observation": obs, "reward": reward, "reason": (result.get("info") or {}).get("reason"),
                "done": done, "feedback": agent.feedback,
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
    return {"task": task, "seed": seed, "success": success, "score": score, "steps": len(rewards), "done": done,
            "error": problem}


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
                        help="drive this support-env program through a pipe (default: $SUPPORT_ENV_CLI if set, "
                             "else the engine in-process through python/support_env)")
    parser.add_argument("--feedback", action="store_true",
                        help="show the model each step's reward and reason (training experiments); "
                             "by default the evaluation is blind")
    parser.add_argument("--timeout", type=float,
                        help="model request timeout in seconds (default: timeout_seconds of the LLM protocol file)")
    parser.add_argument("--backoff", type=float,
                        help="base of the exponential retry backoff in seconds (default: backoff_seconds of the protocol)")
    parser.add_argument("--max-tokens", type=int, help="max_tokens per model reply (default: max_tokens of the protocol)")
    return parser


def resolve_cli(option: str | None) -> str | None:
    """The program to drive through a pipe, or None for the engine in-process."""
    value = option or os.environ.get("SUPPORT_ENV_CLI")
    if not value:
        return None
    path = Path(value)
    if not path.is_absolute() and not path.exists() and (ROOT / path).exists():
        path = ROOT / path
    if not path.is_file() or not os.access(path, os.X_OK):
        raise SetupError(f"the environment program {value} is missing (or not executable); "
                         f"build it first: bash scripts/build.sh")
    return str(path)


def _fmt_mean(value) -> str:
    return "-" if value is None else f"{value:.2f}"


def _fmt_rate(value) -> str:
    return "-" if value is None else f"{value:.0%}"


def summarize(stats: dict | None, results: list[dict], tasks: list[str], feedback: bool) -> None:
    """The final table on stderr: per task and overall, the engine's figures (its "stats" op) for the
    episodes that ended; `results` only says which episodes failed or did not end."""
    if not results:
        return
    log("")
    log(f"feedback={fmt_bool(feedback)} ("
        + ("the model was shown each step's reward and reason)" if feedback
           else "blind: the agent was shown no reward, reason or score)"))
    failed = sum(1 for r in results if r["error"])
    unfinished = sum(1 for r in results if not r["done"])
    notes = (f"   ({failed} episode(s) ended with an error)" if failed else "") + (
        f"   ({unfinished} episode(s) did not end and are not counted)" if unfinished else "")
    if stats is None:
        log(f"the engine's figures are not available (it stopped answering); {len(results)} episode(s) played"
            + notes)
        return
    by_task = {r["task"]: r["stats"] for r in stats["results"]}
    log(f"{'task':<26} {'episodes':>8} {'mean score':>10} {'success':>8}")
    for task in tasks:
        st = by_task.get(task)
        if not st or not st["episodes"]:
            continue
        log(f"{task:<26} {st['episodes']:>8} {_fmt_mean(st['mean_score']):>10} {_fmt_rate(st['success_rate']):>8}")
    overall = stats["overall"]
    log(f"{'overall':<26} {overall['episodes']:>8} {_fmt_mean(overall['mean_score']):>10} "
        f"{_fmt_rate(overall['success_rate']):>8}" + notes)


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        seeds = parse_seeds(args.seeds)
    except ValueError as exc:
        parser.error(f"--seeds {args.seeds!r}: {exc}")
    if args.timeout is not None and args.timeout <= 0:
        parser.error("--timeout must be positive")
    if args.backoff is not None and args.backoff < 0:
        parser.error("--backoff must not be negative")
    if args.max_tokens is not None and args.max_tokens < 1:
        parser.error("--max-tokens must be positive")
    try:
        sys.stdout.reconfigure(errors="backslashreplace")
    except (AttributeError, ValueError):
        pass

    if args.feedback and args.policy:
        parser.error("--feedback is for the LLM agent; the built-in policies never see rewards")
    feedback = bool(args.feedback)
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
        try:
            protocol = load_protocol()
        except SetupError as exc:
            log(f"inference.py: {exc}")
            return 2
        client = ChatClient(base_url, token, model, protocol["request"], timeout=args.timeout,
                            backoff=args.backoff, max_tokens=args.max_tokens)
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
    code = 0
    try:
        try:
            available = [t["id"] for t in engine.request({"op": "tasks"})["tasks"]]
        except EngineError as exc:
            raise SetupError(f"{cli or 'the engine'} did not start: {exc}") from exc
        if args.tasks:
            tasks = [t.strip() for t in args.tasks.split(",") if t.strip()]
            unknown = [t for t in tasks if t not in available]
            if not tasks or unknown:
                raise SetupError(f"unknown task(s) {', '.join(unknown) or '(none given)'}; tasks are: "
                                 + ", ".join(available))
        else:
            tasks = available
        trajectories = Trajectories(args.trajectories)
        if args.policy:
            agent = PolicyAgent(engine, args.policy)
        else:
            agent = LLMAgent(client, protocol, engine.request({"op": "spec"})["spec"], args.feedback)
        try:
            for task in tasks:
                for seed in seeds:
                    results.append(run_episode(engine, agent, task, seed, model_label, trajectories))
        except EngineError as exc:
            log(f"inference.py: the environment failed: {exc}")
            code = 1
        except KeyboardInterrupt:
            log("inference.py: interrupted")
            code = 130
        # The engine aggregated every episode that ended; its figures make the table.
        summarize(engine.stats() if results else None, results, tasks, feedback)
    except SetupError as exc:
        log(f"inference.py: {exc}")
        return 2
    except EngineError as exc:  # before any episode (the spec request)
        log(f"inference.py: the environment failed: {exc}")
        return 1
    except KeyboardInterrupt:
        log("inference.py: interrupted")
        return 130
    finally:
        if trajectories:
            trajectories.close()
        engine.close()
    return code


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # stdout closed early (e.g. piped into head)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
