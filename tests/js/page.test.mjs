// The page's pure functions, in Node: the pre-checks that cost no step, the
// end banner's headline, trajectory and share-link parsing, CSV rounding, the
// comparison of two Lab runs, failed seeds, the store. (Reply parsing is in
// llm-protocol.test.mjs, pass^k and the summary in passk.test.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API } from './helpers.mjs';
import { outcomeHeadline, precheck } from '../../web/app/demo.js';
import { parseJsonl, readShareHash, shareHash, toJsonl, versionNotice } from '../../web/app/trajectory.js';
import { compareRuns, failedSeeds, roundCsv, summarize } from '../../web/app/metrics.js';
import { createStore } from '../../web/app/store.js';

const { default: createSupportEnv } = await import(API);
const env = await createSupportEnv();
const { spec } = env.spec();

test('precheck: empty search, empty message and text over the byte limit are refused; the rest goes to the engine', () => {
  assert.match(precheck({ action_type: 'search_kb', search_query: '  ' }, spec), /no step used: type what to search/);
  assert.match(precheck({ action_type: 'resolve_ticket', message_to_customer: '' }, spec), /no step used: write the message/);
  assert.match(precheck({ action_type: 'ask_clarifying_question', message_to_customer: '\n' }, spec), /write the question/);
  assert.equal(precheck({ action_type: 'escalate_to_human', message_to_customer: '' }, spec), null, 'the handoff note is optional');
  assert.equal(precheck({ action_type: 'classify_issue', category_guess: 'Billing' }, spec), null);
  assert.equal(precheck({ action_type: 'ask_clarifying_question', message_to_customer: 'OK.' }, spec), null, 'only the engine judges words');
  const limit = spec.max_text_bytes;
  assert.equal(precheck({ action_type: 'resolve_ticket', message_to_customer: 'a'.repeat(limit) }, spec), null);
  assert.match(precheck({ action_type: 'resolve_ticket', message_to_customer: 'a'.repeat(limit + 1) }, spec), /2,001 bytes and the limit is 2,000/);
  // Bytes, not characters: 1,000 "é" are 2,000 bytes; one more is over.
  assert.equal(precheck({ action_type: 'search_kb', search_query: 'é'.repeat(limit / 2) }, spec), null);
  assert.match(precheck({ action_type: 'search_kb', search_query: `${'é'.repeat(limit / 2)}x` }, spec), /search query is 2,001 bytes/);
  // What the page refuses would cost a step in the engine and earn nothing.
  for (const action of [{ action_type: 'search_kb', search_query: '' }, { action_type: 'resolve_ticket', message_to_customer: 'a'.repeat(limit + 1) }]) {
    env.reset({ task: 'billing_receipt', seed: 0 });
    const r = env.step(action);
    assert.deepEqual([r.observation.step_count, r.reward, r.done], [1, 0, false], JSON.stringify(action).slice(0, 60));
  }
});

test('outcomeHeadline: success, wrong action, requirement unmet, customer left, step limit, from the engine', () => {
  const finish = (task, actions) => {
    let r = { observation: env.reset({ task, seed: 0 }).observation };
    for (const a of actions) r = env.step(a);
    return outcomeHeadline(r.observation, r.info?.checks);
  };
  assert.equal(finish('digital_refund', [{ action_type: 'escalate_to_human', message_to_customer: '' }]), 'Requirement unmet');
  assert.equal(finish('digital_refund', [{ action_type: 'resolve_ticket', message_to_customer: 'Refunded.' }]), 'Wrong action: resolved');
  assert.equal(finish('billing_receipt', [{ action_type: 'escalate_to_human' }]), 'Wrong action: escalated');
  const ask = { action_type: 'ask_clarifying_question', message_to_customer: 'What happened exactly?' };
  assert.equal(finish('billing_receipt', [ask, ask, ask]), 'Customer left');
  const classify = { action_type: 'classify_issue', category_guess: 'Billing' };
  assert.equal(finish('billing_receipt', Array(spec.max_steps).fill(classify)), 'Step limit reached');
  assert.equal(outcomeHeadline({ success: true, outcome: 'resolved' }, []), 'Ticket resolved');
  assert.equal(outcomeHeadline({ success: true, outcome: 'escalated' }, []), 'Escalated to a human');
});

test('trajectories: JSONL round trip, episodes split, errors by line', () => {
  const lines = [1, 2].map((step) => ({ env_version: '3.0.0', task: 't', seed: 4, step, action: { action_type: 'x' }, observation: {}, reward: 0.01 * step, reason: 'r', done: step === 2 }));
  const text = toJsonl(lines) + toJsonl(lines.map((l) => ({ ...l, seed: 5 })));
  const episodes = parseJsonl(text);
  assert.deepEqual(episodes.map((e) => [e.version, e.task, e.seed, e.steps.length]), [['3.0.0', 't', 4, 2], ['3.0.0', 't', 5, 2]]);
  assert.deepEqual(episodes[0].steps[1], { action: { action_type: 'x' }, reward: 0.02 });
  assert.throws(() => parseJsonl('{"task":"t","seed":1,"action":{}}\nnope'), /line 2: not JSON/);
  assert.throws(() => parseJsonl('{"task":"t","seed":-1,"action":{}}'), /line 1: "seed"/);
  assert.throws(() => parseJsonl('\n\n'), /no steps/);
});

test('share links: version, mission, seed, actions and the pack survive the round trip; broken ones throw', () => {
  const shared = { version: '3.0.0', task: 'account_lockout', seed: 7, actions: [{ action_type: 'search_kb', search_query: 'Ünïcødé ✓' }], pack: 'password-lockout' };
  assert.deepEqual(readShareHash(shareHash(shared)), shared);
  assert.deepEqual(readShareHash(shareHash({ ...shared, pack: null })), { ...shared, pack: null });
  assert.equal(readShareHash('#other'), null);
  assert.throws(() => readShareHash('#play=%%%'), /does not decode/);
  assert.throws(() => readShareHash(`#play=${Buffer.from('{"x":1}').toString('base64url')}`), /names no mission/);
  assert.equal(versionNotice('link', ['3.0.0'], '3.0.0'), null);
  assert.match(versionNotice('link', [null], '3.0.0'), /predates environment versions/);
  assert.match(versionNotice('trajectory', ['2.0.0', '3.0.0'], '3.0.0'), /versions 2\.0\.0, 3\.0\.0/);
});

test('roundCsv: 4 decimals without trailing zeros; tiny values keep 3 significant digits', () => {
  assert.deepEqual([0.98, 1, 0, 2 / 3, 0.000123456, 1.23456e-9].map(roundCsv), ['0.98', '1', '0', '0.6667', '0.0001', '1.23e-9']);
});

test('compareRuns: per-mission mean, success and pass^k at the smaller N, with B − A; failed seeds', () => {
  const stats = (episodes, successes, mean_score) => ({ episodes, successes, mean_score, success_rate: successes / episodes });
  const a = summarize([{ task: 'x', scores: [0.98, 0.3], success: [true, false], stats: stats(2, 1, 0.64) },
    { task: 'y', scores: [0.98, 0.98], success: [true, true], stats: stats(2, 2, 0.98) }], stats(4, 3, 0.81));
  const b = summarize([{ task: 'x', scores: [0.98, 0.98, 0.98], success: [true, true, true], stats: stats(3, 3, 0.98) },
    { task: 'z', scores: [0], success: [false], stats: stats(1, 0, 0) }], stats(4, 3, 0.735));
  const cmp = compareRuns(a, b);
  assert.equal(cmp.k, 1);
  assert.deepEqual(cmp.rows.map((r) => r.task), ['x']);
  const [x] = cmp.rows;
  assert.ok(Math.abs(x.mean[0] - 0.64) < 1e-12 && Math.abs(x.mean[1] - 0.98) < 1e-12 && Math.abs(x.mean[2] - 0.34) < 1e-12);
  assert.deepEqual(x.success, [0.5, 1, 0.5]);
  assert.deepEqual(x.passK, [0.5, 1, 0.5]);
  assert.deepEqual(cmp.only.sort(), ['y', 'z']);
  assert.deepEqual(cmp.overall.success, [0.5, 1, 0.5]);
  assert.deepEqual(failedSeeds({ success: [true, false, true, false] }, 10), [11, 13]);
});

test('the store announces every change to the key’s followers, and only to them', () => {
  const store = createStore({ a: 1, b: 2 });
  const seen = [];
  const off = store.on('a', (v) => seen.push(v));
  store.set('a', 3);
  store.set('b', 4);
  off();
  store.set('a', 5);
  assert.deepEqual(seen, [3]);
  assert.equal(store.get('a'), 5);
  assert.equal(store.get('b'), 4);
});

test('index.html preloads every module the page needs before it is playable (main.js and its static imports)', async () => {
  const { readFileSync } = await import('node:fs');
  const web = new URL('../../web/', import.meta.url);
  const html = readFileSync(new URL('index.html', web), 'utf8');
  const preloaded = new Set([...html.matchAll(/<link rel="modulepreload" href="\.\/([^"]+)">/g)].map((m) => m[1]));
  // The static import graph from app/main.js, within web/ (the engine's modules are built into dist/ beside it).
  const needed = new Set();
  const visit = (path) => {
    const file = new URL(path, web);
    let source;
    try {
      source = readFileSync(file, 'utf8');
    } catch {
      return;  // support-env.mjs and support-env-core.mjs are build outputs
    }
    for (const [, spec] of source.matchAll(/^import[^'"]*['"](\.{1,2}\/[^'"]+)['"]/gm)) {
      const target = new URL(spec, file).href.slice(web.href.length);
      if (!needed.has(target)) {
        needed.add(target);
        visit(target);
      }
    }
  };
  visit('app/main.js');
  assert.ok(needed.has('app/store.js') && needed.has('support-env.mjs'), [...needed].join(', '));
  for (const module of needed) assert.ok(preloaded.has(module), `${module} is imported before the page is playable but not modulepreloaded`);
});
