// The LLM protocol (scenarios/agent/llm-protocol.json) as web/app/llm.js
// interprets it, on the cases shared with inference.py
// (tests/data/llm-protocol-cases.json; tests/python/test_llm_protocol.py runs
// the same ones): the system prompt, the rendered turns (blind and feedback),
// hostile model replies; the spec in the cases is the engine's; the file
// ships in dist/ and the service worker caches it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ROOT, API } from './helpers.mjs';
import { checkProtocol, parseAction, renderTurn, systemPrompt } from '../../web/app/llm.js';

const readJson = (path) => JSON.parse(readFileSync(`${ROOT}${path}`, 'utf8'));
const PROTOCOL = checkProtocol(readJson('scenarios/agent/llm-protocol.json'));
const CASES = readJson('tests/data/llm-protocol-cases.json');
const { spec: SPEC } = CASES;
const replyText = (reply) => (reply && typeof reply === 'object' ? reply.prefix + reply.repeat.repeat(reply.times) + reply.suffix : reply);
const turnOf = (t) => ({ first: t.first, feedback: t.feedback, reward: t.reward, reason: t.reason, replyProblem: t.reply_problem });

test('system prompt: the shared cases', () => {
  for (const c of CASES.system_prompt) assert.equal(systemPrompt(PROTOCOL, SPEC, c.feedback), c.expected, `feedback ${c.feedback}`);
});

test('rendered turns: the shared cases', () => {
  for (const c of CASES.render) assert.equal(renderTurn(PROTOCOL, c.observation, turnOf(c.turn)), c.expected, c.name);
});

test('replies → actions, hostile ones included: the shared cases', () => {
  assert.ok(CASES.parse.length >= 30);
  for (const c of CASES.parse) {
    assert.deepEqual(parseAction(replyText(c.reply), SPEC, PROTOCOL), { action: c.action, problem: c.error }, c.name);
  }
});

test('blind turns show no reward, reason, score or outcome; feedback turns do', () => {
  for (const c of CASES.render) {
    const text = renderTurn(PROTOCOL, c.observation, turnOf(c.turn)).replace(/\{\{[^}]*\}\}/g, '');
    if (c.turn.feedback && !c.turn.first) {
      assert.match(text, /Reward for your last action/, c.name);
      assert.ok(text.includes(c.turn.reason), c.name);
      continue;
    }
    assert.doesNotMatch(text, /reward|cumulative|total so far|\bscore\b|success|outcome|\+\d\.\d\d/i, c.name);
    if (c.turn.reason) assert.ok(!text.includes(c.turn.reason), c.name);
  }
  assert.doesNotMatch(systemPrompt(PROTOCOL, SPEC, false), /reward|score/i);
});

test('a protocol that shows a reward outside a feedback_only block is refused', () => {
  for (const block of [{ label: 'Score', text: '{{obs.cumulative_reward|fixed:2}}' }, { when: 'turn.reason', text: 'x' }, { blocks: ['{{turn.reward}}'] }]) {
    const broken = structuredClone(PROTOCOL);
    broken.user_turn.unshift(block);
    assert.throws(() => checkProtocol(broken), /outside a feedback_only block/);
    broken.user_turn[0] = { ...block, feedback_only: true };
    checkProtocol(broken);
  }
});

test('the cases’ spec is the engine’s, and the engine’s spec renders the same prompt', async () => {
  const { default: createSupportEnv } = await import(API);
  const env = await createSupportEnv();
  const { spec } = env.spec();
  env.close();
  assert.equal(SPEC.max_steps, spec.max_steps);
  assert.equal(SPEC.max_text_bytes, spec.max_text_bytes);
  assert.deepEqual(SPEC.categories, spec.categories);
  assert.deepEqual(SPEC.actions, spec.actions.map(({ action_type, field, terminal, optional }) => ({ action_type, field, terminal, ...(optional === undefined ? {} : { optional }) })));
  assert.equal(systemPrompt(PROTOCOL, spec, false), CASES.system_prompt[0].expected);
});

test('the protocol file ships in dist/ and the service worker precaches it', () => {
  assert.equal(readFileSync(`${ROOT}dist/agent/llm-protocol.json`, 'utf8'), readFileSync(`${ROOT}scenarios/agent/llm-protocol.json`, 'utf8'));
  assert.match(readFileSync(`${ROOT}dist/sw.js`, 'utf8'), /"\.\/agent\/llm-protocol\.json"/);
  assert.equal(readFileSync(`${ROOT}dist/app/llm.js`, 'utf8'), readFileSync(`${ROOT}web/app/llm.js`, 'utf8'));
});
