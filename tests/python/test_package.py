"""python/support_env: SupportEnv (every backend), SupportEnvPool, SupportToolEnv (TRL), errors. Standard library only."""
import inspect
import json
import random
import sys
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))
from support_env import (InvalidActionError, SupportEnv, SupportEnvError, SupportEnvPool, SupportToolEnv,  # noqa: E402
                         find_cli, find_library)
from support_env._engine import find_extension  # noqa: E402

BACKENDS = [b for b, found in (("extension", find_extension()), ("ctypes", find_library()), ("pipe", find_cli())) if found]
NEEDS_ENGINE = unittest.skipUnless(BACKENDS, "the engine is not built: run bash scripts/build.sh")
CLASSIFY = {"action_type": "classify_issue", "category_guess": "Billing"}


@NEEDS_ENGINE
class SupportEnvTest(unittest.TestCase):
    def test_gymnasium_api_every_backend(self):
        for backend in BACKENDS:
            with self.subTest(backend=backend), SupportEnv(backend=backend) as env:
                self.assertEqual(env.backend, backend)
                obs, info = env.reset(seed=0, options={"task": "billing_receipt"})
                self.assertEqual((obs["task_id"], obs["step_count"], info["seed"]), ("billing_receipt", 0, 0))
                obs, reward, terminated, truncated, info = env.step(CLASSIFY)
                self.assertEqual((reward, terminated, truncated, info["valid"]), (0.03, False, False, True))
                self.assertIn("classified", info["reason"])
                self.assertEqual(env.state()["step_count"], 1)
                self.assertEqual(env.spec()["max_steps"], 10)
                self.assertEqual(len(env.tasks()), 6)

    def test_reference_policy_wins_every_mission(self):
        env = SupportEnv()
        for task in env.task_ids():
            for seed in range(4):
                obs, _ = env.reset(seed=seed, options={"task": task})
                terminated = truncated = False
                while not (terminated or truncated):
                    obs, reward, terminated, truncated, info = env.step(env.act("reference"))
                self.assertTrue(obs["success"], (task, seed))
                self.assertTrue(terminated)

    def test_backends_agree_on_random_play(self):
        """The extension builds observations natively: they must equal the protocol's JSON, byte for byte."""
        envs = [SupportEnv(backend=b) for b in BACKENDS]
        rng = random.Random(7)
        kinds = ["classify_issue", "search_kb", "ask_clarifying_question", "resolve_ticket", "escalate_to_human", "fly", 3]
        values = ["Billing", "Technical", "Refund_Request", "billing", "receipt refund", "", "é\u0000中", None, 5, []]
        for episode in range(150):
            seed = rng.randrange(64)
            first = [json.dumps(e.reset(seed=seed)) for e in envs]
            self.assertEqual(len(set(first)), 1)
            for _ in range(12):
                action = {"action_type": rng.choice(kinds)}
                action[rng.choice(["category_guess", "search_query", "message_to_customer"])] = rng.choice(values)
                results = []
                for e in envs:
                    try:
                        results.append(json.dumps(e.step(action)))
                    except SupportEnvError as exc:
                        results.append(f"error {exc}")
                self.assertEqual(len(set(results)), 1, (action, results))
                if envs[0].done:
                    break
        # The extension's own step records finished episodes in the engine's stats as the protocol does.
        stats = [json.dumps(e.stats()) for e in envs]
        self.assertEqual(len(set(stats)), 1, stats)
        self.assertGreater(envs[0].stats()["overall"]["episodes"], 100)

    def test_stats_every_backend(self):
        """The engine's figures for the episodes an environment finished: exact for the reference policy."""
        for backend in BACKENDS:
            with self.subTest(backend=backend), SupportEnv(backend=backend) as env:
                self.assertEqual(env.stats()["overall"]["episodes"], 0)
                self.assertIsNone(env.stats()["overall"]["mean_score"])
                for task in env.task_ids():
                    for seed in range(2):
                        env.reset(seed=seed, options={"task": task})
                        while not env.done:
                            env.step(env.act("reference"))
                env.reset(seed=0, options={"task": "vip_outage"})   # not finished: not counted
                env.step(CLASSIFY)
                stats = env.stats()
                self.assertEqual([r["task"] for r in stats["results"]], env.task_ids())
                for r in stats["results"]:
                    st = r["stats"]
                    vague = r["task"] == "vague_complaint"
                    self.assertEqual((st["episodes"], st["successes"], st["success_rate"]), (2, 2, 1), r)
                    self.assertEqual((st["mean_score"], st["mean_steps"]), (0.99, 4) if vague else (0.98, 3), r)
                overall = stats["overall"]
                self.assertEqual((overall["episodes"], overall["successes"], overall["invalid_actions"]), (12, 12, 0))
                self.assertEqual(overall["outcomes"], {"resolved": 10, "escalated": 2, "customer_left": 0, "step_limit": 0})
                self.assertEqual(env.stats(clear=True), stats)
                self.assertEqual(env.stats()["overall"]["episodes"], 0)
                with self.assertRaises(TypeError):
                    env.stats(clear="yes")

    def test_missions_in_order_and_constructor_defaults(self):
        env = SupportEnv(seed=2)
        ids = env.task_ids()
        self.assertEqual([env.reset()[0]["task_id"] for _ in range(7)], ids + ids[:1])
        self.assertEqual(env.reset()[1]["seed"], 2)
        fixed = SupportEnv(task="vip_outage")
        self.assertEqual({fixed.reset()[0]["task_id"] for _ in range(3)}, {"vip_outage"})
        self.assertEqual(fixed.reset(options={"task_id": "dashboard_404"})[0]["task_id"], "dashboard_404")

    def test_bad_input_raises_and_leaves_the_episode_alone(self):
        env = SupportEnv()
        with self.assertRaises(SupportEnvError):
            env.step(CLASSIFY)  # before reset
        env.reset(options={"task": "billing_receipt"})
        for bad in (["classify_issue"], "classify", None, 3):
            with self.assertRaises(TypeError):
                env.step(bad)
        with self.assertRaises(TypeError):
            env.step({"action_type": "search_kb", "search_query": object()})
        with self.assertRaises(TypeError):
            env.step({"action_type": "search_kb", "search_query": float("nan")})
        for seed in (-1, 1 << 60):
            with self.assertRaises(ValueError):
                env.reset(seed=seed)
        with self.assertRaises(TypeError):
            env.reset(seed="1")
        with self.assertRaises(SupportEnvError):
            env.reset(options={"task": "no_such_task"})
        self.assertEqual(env.state()["step_count"], 0)  # nothing above took a step
        obs, reward, *_ = env.step({"action_type": "fly"})  # an invalid action is the agent's mistake: a step
        self.assertEqual((reward, obs["step_count"]), (0.0, 1))
        self.assertIn("unknown action_type", obs["last_action_error"])
        env.step({"action_type": "escalate_to_human"})
        with self.assertRaises(SupportEnvError):
            env.step(CLASSIFY)  # the episode is over
        with self.assertRaises(SupportEnvError):
            SupportEnv(task="nope")
        with self.assertRaises(ValueError):
            SupportEnv(backend="quantum")

    def test_strict_mode(self):
        env = SupportEnv(strict=True)
        env.reset()
        for bad in ({"action_type": "fly"}, {"action_type": "classify_issue", "category_guess": "Nope"},
                    {"action_type": "search_kb"}):
            with self.assertRaises(InvalidActionError):
                env.step(bad)
        self.assertEqual(env.state()["step_count"], 0)
        env.step({"action_type": "escalate_to_human"})  # the note is optional

    def test_truncation_at_the_step_limit(self):
        env = SupportEnv(task="billing_receipt")
        env.reset()
        for i in range(10):
            obs, reward, terminated, truncated, info = env.step({"action_type": "search_kb", "search_query": f"x{i}"})
        self.assertEqual((terminated, truncated, obs["outcome"]), (False, True, "step_limit"))

    def test_scenario_pack(self):
        pack = ROOT / "examples" / "packs" / "password-lockout"
        for backend in BACKENDS:
            env = SupportEnv(scenarios=pack, backend=backend)
            self.assertNotEqual(env.task_ids(), SupportEnv().task_ids())
            env.reset()
        with self.assertRaises((ValueError, SupportEnvError, Exception)):
            SupportEnv(scenarios=ROOT / "no-such-pack", backend=BACKENDS[0])

    def test_close(self):
        env = SupportEnv()
        env.close()
        env.close()
        with self.assertRaises(Exception):
            env.reset()


@NEEDS_ENGINE
class PoolTest(unittest.TestCase):
    def test_pool_sessions_are_independent(self):
        with SupportEnvPool(6) as pool:
            observations, infos = pool.reset(seeds=[0, 1, 2, 3, 4, 5])
            self.assertEqual(len({o["task_id"] for o in observations}), 6)  # different missions
            obs, rewards, terminated, truncated, infos = pool.step([CLASSIFY] + [None] * 5)
            self.assertEqual(obs[1:], [None] * 5)
            self.assertEqual([s["step_count"] for s in pool.state()], [1, 0, 0, 0, 0, 0])
            actions = [env.act("reference") for env in pool.envs]
            obs, rewards, *_ = pool.step(actions)
            self.assertTrue(all(r > 0 for r in rewards))
            with self.assertRaises(ValueError):
                pool.step([CLASSIFY])
            # Each session's own figures: only the one played to its end counts an episode.
            env = pool.envs[2]
            while not env.done:
                env.step(env.act("reference"))
            self.assertEqual([s["overall"]["episodes"] for s in pool.stats()], [0, 0, 1, 0, 0, 0])
            self.assertEqual(pool.stats(clear=True)[2]["overall"]["successes"], 1)
            self.assertEqual([s["overall"]["episodes"] for s in pool.stats()], [0] * 6)
        with self.assertRaises(ValueError):
            SupportEnvPool(0)


@NEEDS_ENGINE
class ToolEnvTest(unittest.TestCase):
    def test_shape_for_trl(self):
        tools = [name for name, member in inspect.getmembers(SupportToolEnv, inspect.isfunction)
                 if not name.startswith("_") and name != "reset"]
        self.assertEqual(sorted(tools), sorted(["classify_issue", "search_kb", "ask_clarifying_question",
                                                "resolve_ticket", "escalate_to_human"]))
        for name in tools:
            doc = inspect.getdoc(getattr(SupportToolEnv, name))
            self.assertIn("Args:", doc, name)
            params = [p for p in inspect.signature(getattr(SupportToolEnv, name)).parameters if p != "self"]
            for p in params:
                self.assertIn(p + ":", doc)

    def test_plays_an_episode_blind(self):
        env = SupportToolEnv()
        text = env.reset(task="billing_receipt", seed=0, prompt="ignored")
        self.assertIn("Subject:", text)
        self.assertEqual(env.reward, 0.0)
        out = env.classify_issue("Billing")
        self.assertNotIn("+0.03", out)  # blind: no reward in the text
        self.assertAlmostEqual(env.reward, 0.03)
        self.assertIn("Knowledge base article", env.search_kb("billing receipt"))
        self.assertIn("Error:", env.classify_issue("Nope"))
        env.resolve_ticket("Download the receipt from Account > Billing > Billing History.")
        self.assertTrue(env.done)
        self.assertGreater(env.reward, 0.3)
        with self.assertRaises(ValueError):
            env.search_kb("again")
        env.reset(task_id="digital_refund")
        self.assertEqual((env.reward, env.done), (0.0, False))
        self.assertIn("closed", env.escalate_to_human())


if __name__ == "__main__":
    unittest.main()
