"""SupportEnv: the engine in-process with a Gymnasium-style API, and SupportEnvPool."""
from __future__ import annotations

import json
from collections.abc import Mapping

from ._engine import open_session

_encode = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode  # ASCII only: the engine's fast path
_decode = json.loads
_STEP = '{"op":"step","action":'

# Outcomes that end an episode by the rules (terminated); the step limit truncates it.
TRUNCATING_OUTCOMES = frozenset({"step_limit"})


class SupportEnvError(Exception):
    """The engine refused a request (no episode yet, episode over, unknown task, bad seed, ...).

    Nothing changed: the episode is as it was before the call."""


class InvalidActionError(SupportEnvError, ValueError):
    """strict=True only: the action does not name a known action with its field. No step was taken."""


def _check_options(options):
    if options is None:
        return {}
    if not isinstance(options, Mapping):
        raise TypeError(f"options must be a dict, not {type(options).__name__}")
    return options


def check_seed(seed):
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, not {type(seed).__name__}")
    if seed < 0 or seed > (1 << 53) - 1:
        raise ValueError("seed must be an integer from 0 to 9007199254740991")
    return seed


class SupportEnv:
    """One episode at a time of the Customer Support Command Center, in this process.

    >>> env = SupportEnv()
    >>> obs, info = env.reset(seed=0, options={"task": "billing_receipt"})
    >>> obs, reward, terminated, truncated, info = env.step(
    ...     {"action_type": "classify_issue", "category_guess": "Billing"})

    task: a task id played by every reset (None: the missions in order, one per reset);
    seed: the seed used when reset gets none (None: 0, the canonical wording);
    scenarios: a scenario pack folder instead of the built-in missions;
    backend: "auto" (the fastest one built: the CPython extension, else ctypes over the
    shared library, both in-process, else the program through a pipe), "extension",
    "ctypes" or "pipe"; strict: refuse malformed actions with
    InvalidActionError instead of letting them cost a step (the engine's rule).

    Observations, rewards and infos are the engine's JSON (mission.md section 3.1) as
    plain Python objects. Use one instance from one thread at a time.
    """

    metadata = {"render_modes": []}

    def __init__(self, task: str | None = None, seed: int | None = None, scenarios=None, *,
                 backend: str = "auto", library: str | None = None, cli: str | None = None, strict: bool = False,
                 _order_offset: int = 0):
        self.task = task
        self.seed = check_seed(seed)
        self.strict = strict
        self._session = open_session(backend, scenarios, library, cli)
        self.backend = self._session.backend
        self._request = self._session.request_bytes
        # The extension's reset/step build observations natively (None: use the JSON protocol).
        self._fast_reset = getattr(self._session, "reset", None)
        self._fast_step = getattr(self._session, "step", None)
        self._tasks = None
        self._spec = None
        self._next_task = _order_offset
        self._done = True
        if task is not None and task not in self.task_ids():
            self.close()
            raise SupportEnvError(f"unknown task {task!r}; tasks are: {', '.join(self.task_ids())}")

    # ------------------------------------------------------------------ protocol

    def request(self, payload: dict) -> dict:
        """Sends one protocol request ({"op": ...}) and returns the response; raises SupportEnvError if refused."""
        try:
            line = _encode(payload)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"request is not JSON-serializable: {exc}") from None
        response = _decode(self._request(line.encode("ascii")))
        if not response["ok"]:
            raise SupportEnvError(response["error"])
        return response

    def tasks(self) -> list[dict]:
        """The missions: [{"id", "title", "difficulty", "summary", "ticket_id", "customer_tier", "variants"}, ...]."""
        if self._tasks is None:
            self._tasks = self.request({"op": "tasks"})["tasks"]
        return [dict(t) for t in self._tasks]

    def task_ids(self) -> list[str]:
        if self._tasks is None:
            self.tasks()
        return [t["id"] for t in self._tasks]

    def spec(self) -> dict:
        """The environment's constants: env_version, max_steps, categories, actions with their fields and rewards, ..."""
        if self._spec is None:
            self._spec = self.request({"op": "spec"})["spec"]
        return json.loads(json.dumps(self._spec))

    # ------------------------------------------------------------------ Gymnasium API

    def reset(self, seed: int | None = None, options: dict | None = None):
        """Starts an episode. Returns (observation, info).

        seed: this episode's seed (default: the constructor's, else 0). options: {"task": id}
        (or "task_id") to choose the mission; without one, the constructor's task, else the
        missions in order."""
        options = _check_options(options)
        seed = check_seed(seed)
        task = options.get("task", options.get("task_id", self.task))
        if task is None:
            ids = self.task_ids()
            task = ids[self._next_task % len(ids)]
            self._next_task += 1
        elif not isinstance(task, str):
            raise TypeError(f"task must be a string, not {type(task).__name__}")
        if seed is None:
            seed = self.seed if self.seed is not None else 0
        observation = self._fast_reset(task, seed) if self._fast_reset is not None else None
        if observation is None:
            observation = self.request({"op": "reset", "task": task, "seed": seed})["observation"]
        self._done = False
        return observation, {"task": task, "seed": seed, "env_version": observation["env_version"]}

    def step(self, action: dict):
        """Takes one action (a dict such as {"action_type": "search_kb", "search_query": "receipt"}).

        Returns (observation, reward, terminated, truncated, info); info holds the engine's
        "reason" and "valid", and on a terminal step "checks" (each requirement and whether it held). A malformed action (unknown action_type, missing field) costs a
        step and earns 0.00, with the message in observation["last_action_error"], unless
        strict=True. Raises SupportEnvError before a reset or after the episode ended, and
        TypeError for an action that is not a dict of JSON values; the episode is untouched."""
        if type(action) is not dict:
            if not isinstance(action, Mapping):
                raise TypeError(f"action must be a dict, not {type(action).__name__}")
            action = dict(action)
        if self.strict:
            self._validate(action)
        if self._fast_step is not None:
            fast = self._fast_step(action)
            if fast is not None:
                observation, reward, done, reason, valid, checks = fast
                truncated = done and observation["outcome"] in TRUNCATING_OUTCOMES
                self._done = done
                info = {"reason": reason, "valid": valid}
                if checks is not None:
                    info["checks"] = checks   # a terminal step's checklist, as the protocol's info.checks
                return observation, reward, done and not truncated, truncated, info
        try:
            line = _STEP + _encode(action) + "}"
        except (TypeError, ValueError) as exc:
            raise TypeError(f"action is not JSON-serializable: {exc}") from None
        response = _decode(self._request(line.encode("ascii")))
        if not response["ok"]:
            raise SupportEnvError(response["error"])
        observation = response["observation"]
        done = response["done"]
        truncated = done and observation["outcome"] in TRUNCATING_OUTCOMES
        self._done = done
        return observation, response["reward"], done and not truncated, truncated, response["info"]

    def state(self) -> dict:
        """The episode's state: task_id, seed, variant, step_count, done, outcome, rewards, ..."""
        return self.request({"op": "state"})["state"]

    def act(self, policy: str = "reference") -> dict:
        """A built-in agent's next action for the current episode (not taken): "reference" or "random"."""
        return self.request({"op": "act", "policy": policy})["action"]

    def stats(self, clear: bool = False) -> dict:
        """The engine's figures for the episodes this environment finished: {"results": [{"task", "stats"}, ...],
        "overall": stats}, each stats {"episodes", "successes", "success_rate", "mean_score", "total_score",
        "mean_steps", "total_steps", "invalid_actions", "outcomes": {outcome: count}} (means None without
        episodes). clear=True empties them after answering."""
        if not isinstance(clear, bool):
            raise TypeError(f"clear must be a bool, not {type(clear).__name__}")
        response = self.request({"op": "stats", "clear": clear})
        return {"results": response["results"], "overall": response["overall"]}

    @property
    def done(self) -> bool:
        """True before the first reset and once the episode has ended."""
        return self._done

    def close(self) -> None:
        session = getattr(self, "_session", None)
        if session is not None:
            session.close()
            self._session = None
            self._request = _closed
            self._fast_reset = self._fast_step = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001
            pass

    # ------------------------------------------------------------------ strict mode

    def _validate(self, action: dict) -> None:
        spec = self.spec() if self._spec is None else self._spec
        kinds = {a["action_type"]: a for a in spec["actions"]}
        kind = action.get("action_type")
        if not isinstance(kind, str) or kind not in kinds:
            raise InvalidActionError(f"action_type must be one of {', '.join(kinds)}, not {kind!r}")
        field = kinds[kind]["field"]
        value = action.get(field)
        if value is None and kinds[kind].get("optional"):
            return
        if not isinstance(value, str):
            raise InvalidActionError(f"{kind} needs {field}: a string")
        if field == "category_guess" and value not in spec["categories"]:
            raise InvalidActionError(f"category_guess must be one of {', '.join(spec['categories'])}, not {value!r}")


def _closed(_line):
    raise SupportEnvError("the environment is closed")


class SupportEnvPool:
    """n independent SupportEnv sessions, reset and stepped with one call each.

    Without a task, session i starts the mission order at mission i, so the sessions
    play different missions. reset(seeds=...) takes one seed per session (or one for
    all); step(actions) takes one action per session and returns lists:
    (observations, rewards, terminated, truncated, infos). A session whose episode has
    ended must be reset before it is stepped again (pass None as its action to skip it;
    its entries are then None)."""

    def __init__(self, n: int, task: str | None = None, seed: int | None = None, scenarios=None, **kwargs):
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError("n must be a positive int")
        self.envs: list[SupportEnv] = []
        try:
            for i in range(n):
                self.envs.append(SupportEnv(task, seed, scenarios, _order_offset=i, **kwargs))
        except BaseException:
            self.close()
            raise

    def __len__(self) -> int:
        return len(self.envs)

    def reset(self, seeds=None, options=None):
        """Resets every session; returns (observations, infos)."""
        n = len(self.envs)
        if seeds is None or isinstance(seeds, int):
            seeds = [seeds] * n
        if options is None or isinstance(options, Mapping):
            options = [options] * n
        if len(seeds) != n or len(options) != n:
            raise ValueError(f"need one seed and one options entry per session ({n})")
        pairs = [env.reset(seed=s, options=o) for env, s, o in zip(self.envs, seeds, options)]
        return [p[0] for p in pairs], [p[1] for p in pairs]

    def step(self, actions):
        """Steps every session with its action; returns (observations, rewards, terminated, truncated, infos)."""
        if len(actions) != len(self.envs):
            raise ValueError(f"need one action per session ({len(self.envs)}), got {len(actions)}")
        out = ([], [], [], [], [])
        for env, action in zip(self.envs, actions):
            result = (None,) * 5 if action is None else env.step(action)
            for column, value in zip(out, result):
                column.append(value)
        return out

    def state(self) -> list[dict]:
        return [env.state() for env in self.envs]

    def stats(self, clear: bool = False) -> list[dict]:
        """Each session's SupportEnv.stats(clear), in order."""
        return [env.stats(clear) for env in self.envs]

    def close(self) -> None:
        for env in self.envs:
            env.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
