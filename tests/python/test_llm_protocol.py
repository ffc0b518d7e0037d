"""The LLM protocol (scenarios/agent/llm-protocol.json) as inference.py interprets it, on the cases
shared with web/app/llm.js (tests/data/llm-protocol-cases.json; tests/js/llm-protocol.test.mjs runs the
same ones): the system prompt, the rendered turns (blind and feedback), and hostile model replies."""
import json
import re
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "build" / "native" / "support-env"
sys.path.insert(0, str(ROOT))
import inference  # noqa: E402

CASES = json.loads((ROOT / "tests" / "data" / "llm-protocol-cases.json").read_text(encoding="utf-8"))
PROTOCOL = inference.load_protocol()
SPEC = CASES["spec"]


def reply_text(reply):
    if isinstance(reply, dict):
        return reply["prefix"] + reply["repeat"] * reply["times"] + reply["suffix"]
    return reply


class SharedCasesTest(unittest.TestCase):
    def test_system_prompt(self):
        for case in CASES["system_prompt"]:
            with self.subTest(feedback=case["feedback"]):
                self.assertEqual(inference.system_prompt(PROTOCOL, SPEC, case["feedback"]), case["expected"])

    def test_render(self):
        for case in CASES["render"]:
            turn = case["turn"]
            with self.subTest(case["name"]):
                text = inference.render_turn(PROTOCOL, case["observation"], first=turn["first"], feedback=turn["feedback"],
                                             reward=turn.get("reward"), reason=turn.get("reason"),
                                             reply_problem=turn.get("reply_problem"))
                self.assertEqual(text, case["expected"])

    def test_parse(self):
        for case in CASES["parse"]:
            with self.subTest(case["name"]):
                self.assertEqual(inference.parse_action(reply_text(case["reply"]), SPEC, PROTOCOL),
                                 (case["action"], case["error"]))

    def test_cases_cover_hostile_replies(self):
        names = " | ".join(c["name"] for c in CASES["parse"])
        for word in ("no JSON", "two JSON objects", "fenced", "trailing prose", "huge", "a number", "unknown action type"):
            self.assertIn(word, names)


class BlindTest(unittest.TestCase):
    def test_blind_cases_show_no_reward(self):
        for case in CASES["render"]:
            turn = case["turn"]
            text = re.sub(r"\{\{[^}]*\}\}", "", case["expected"])  # literal placeholders a customer typed
            with self.subTest(case["name"]):
                if turn["feedback"] and not turn["first"]:
                    self.assertIn("Reward for your last action", text)
                    self.assertIn(turn["reason"], text)
                    continue
                self.assertNotRegex(text, r"(?i)reward|cumulative|total so far|\bscore\b|success|outcome")
                self.assertNotRegex(text, r"\+\d\.\d\d")
                if turn.get("reason"):
                    self.assertNotIn(turn["reason"], text)

    def test_system_prompt_mentions_rewards_only_with_feedback(self):
        blind = inference.system_prompt(PROTOCOL, SPEC, False)
        self.assertNotRegex(blind, r"(?i)reward|score")
        self.assertRegex(inference.system_prompt(PROTOCOL, SPEC, True), r"reward")

    def test_a_protocol_showing_a_reward_outside_feedback_is_refused(self):
        for block in ({"label": "Score", "text": "{{obs.cumulative_reward|fixed:2}}"}, {"when": "turn.reason", "text": "x"},
                      {"blocks": ["{{turn.reward}}"]}):
            broken = json.loads(json.dumps(PROTOCOL))
            broken["user_turn"].insert(0, block)
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "p.json"
                path.write_text(json.dumps(broken), encoding="utf-8")
                with self.assertRaisesRegex(inference.SetupError, "outside a feedback_only block"):
                    inference.load_protocol(path)
            block["feedback_only"] = True
            broken["user_turn"][0] = block
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "p.json"
                path.write_text(json.dumps(broken), encoding="utf-8")
                inference.load_protocol(path)


class ProtocolFileTest(unittest.TestCase):
    def test_prompt_holds_no_constant_and_no_mission(self):
        raw = json.dumps([PROTOCOL["system_prompt"], list(PROTOCOL["action_help"].values())], ensure_ascii=False)
        for constant in [*SPEC["categories"], *(a["action_type"] for a in SPEC["actions"]),
                         *(a["field"] for a in SPEC["actions"]), str(SPEC["max_text_bytes"])]:
            self.assertNotIn(constant, raw, "environment constants come from the spec")
        self.assertNotRegex(raw, rf"\b{SPEC['max_steps']}\b")
        prompt = inference.system_prompt(PROTOCOL, SPEC, True)
        missions = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "scenarios" / "missions").glob("*.json"))]
        articles = json.loads((ROOT / "scenarios" / "kb" / "articles.json").read_text(encoding="utf-8"))
        articles = articles.get("articles", articles) if isinstance(articles, dict) else articles
        self.assertTrue(missions and articles)
        for m in missions:
            for key in ("id", "ticket_id", "title"):
                if isinstance(m.get(key), str):
                    self.assertNotIn(m[key], prompt)
        for a in articles:
            self.assertNotIn(a["id"], prompt)
        for hint in ("VIP", "plan", "eBook", "digital", "404", "outage", "dispute", "Technical issue"):
            self.assertNotIn(hint, prompt, "the prompt teaches rules, not a mission's answer")

    def test_defined_once(self):
        # inference.py and web/app/llm.js interpret the file; neither repeats its content.
        sentences = [PROTOCOL["system_prompt"][0], PROTOCOL["user_turn"][-1], PROTOCOL["reply"]["errors"]["empty"],
                     "Reward for your last action", "Knowledge base article", "(empty reply)"]
        for path in ("inference.py", "web/app/llm.js"):
            source = (ROOT / path).read_text(encoding="utf-8")
            for sentence in sentences:
                self.assertFalse(sentence in source, f"{path} repeats the protocol's {sentence!r}")
            for key in ("max_retries", "timeout_seconds", "max_tokens", "temperature", "retry_statuses"):
                self.assertIn(key, source, f"{path} reads {key} from the protocol")

    @unittest.skipUnless(CLI.exists(), "build/native/support-env is missing: run bash scripts/build.sh")
    def test_cases_spec_is_the_engines(self):
        out = subprocess.run([str(CLI)], input='{"op":"spec"}\n', capture_output=True, text=True, check=True).stdout
        spec = json.loads(out)["spec"]
        self.assertEqual(SPEC["max_steps"], spec["max_steps"])
        self.assertEqual(SPEC["max_text_bytes"], spec["max_text_bytes"])
        self.assertEqual(SPEC["categories"], spec["categories"])
        self.assertEqual(SPEC["actions"], [{k: a[k] for k in ("action_type", "field", "terminal", "optional") if k in a}
                                           for a in spec["actions"]])
        self.assertEqual(inference.system_prompt(PROTOCOL, spec, False), CASES["system_prompt"][0]["expected"])


if __name__ == "__main__":
    unittest.main()
