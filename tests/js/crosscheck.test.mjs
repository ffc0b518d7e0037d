// Native and WebAssembly builds must answer byte for byte the same (mission.md
// §2.8). 10,000 random episodes, valid and hostile requests mixed, go through
// the command-line program in one pipe and through the JS API's raw request().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { API, CLI, MESSAGES, QUERY, rng } from './helpers.mjs';

const { default: createSupportEnv } = await import(API);
const EPISODES = Number(process.env.CROSSCHECK_EPISODES ?? 10000);
const TASKS = Object.keys(QUERY);
const CATEGORIES = ['Billing', 'Technical', 'Refund_Request', 'billing', '', 'Other'];
const TYPES = ['classify_issue', 'search_kb', 'ask_clarifying_question', 'resolve_ticket', 'escalate_to_human'];
const ALL_MESSAGES = Object.values(MESSAGES).flatMap((m) => Object.values(m).flat());
const TEXTS = [
  ...Object.values(QUERY), ...ALL_MESSAGES, '', '   ', 'zzzz', 'refund', 'Hello? 🙂 こんにちは', 'tab\there "quoted" \\ back',
  'line\nbreak', '\u0001\u001f', 'a'.repeat(2000), 'é'.repeat(1000), 'a'.repeat(2001), '<script>alert(1)</script>',
];

function randomAction(r) {
  const roll = r();
  if (roll < 0.05) return r.pick([null, 7, 'classify_issue', [], {}]);
  if (roll < 0.1) return { action_type: r.pick(['check_logs', 'CLASSIFY_ISSUE', '', 3, null]) };
  const action_type = r.pick(TYPES);
  const action = { action_type };
  if (action_type === 'classify_issue') action.category_guess = r() < 0.1 ? r.pick([1, null, ['Billing']]) : r.pick(CATEGORIES);
  else if (action_type === 'search_kb') action.search_query = r() < 0.05 ? r.pick([null, 5, {}]) : r.pick(TEXTS);
  else if (r() < 0.9) action.message_to_customer = r() < 0.05 ? r.pick([null, 5, true]) : r.pick(TEXTS);
  if (r() < 0.05) action.extra = 'ignored';
  return action;
}

function randomEpisodeLines(r) {
  const lines = [];
  const roll = r();
  if (roll < 0.02) lines.push(r.pick(['not json', '{}', '{"op":"nope"}', '{"op":"tasks"}', '{"op":"spec"}', '[1,2]']));
  const task = r() < 0.03 ? r.pick(['unknown_task', '', 'BILLING_RECEIPT']) : r.pick(TASKS);
  const seed = r() < 0.03 ? r.pick([-1, 1.5, '3', 2 ** 53, null]) : r.int(1000);
  lines.push(JSON.stringify({ op: 'reset', task, seed }));
  const steps = 1 + r.int(12);
  for (let i = 0; i < steps; i++) {
    lines.push(r() < 0.08 ? JSON.stringify({ op: 'state' }) : JSON.stringify({ op: 'step', action: randomAction(r) }));
  }
  return lines;
}

test(`native and WebAssembly give byte-identical responses over ${EPISODES} random episodes`, async () => {
  const r = rng(20261121);
  const lines = [];
  for (let e = 0; e < EPISODES; e++) lines.push(...randomEpisodeLines(r));
  // The session's stats of all those episodes, and an evaluation with its stats recorded on top.
  lines.push('{"op":"stats"}', '{"op":"evaluate","policy":"random","seeds":200,"stats":true,"record":true}', '{"op":"stats","clear":true}', '{"op":"stats"}');

  const native = spawnSync(CLI, [], { input: lines.join('\n') + '\n', maxBuffer: 1 << 30, encoding: 'utf8' });
  assert.equal(native.status, 0, native.stderr);
  const nativeOut = native.stdout.split('\n');
  assert.equal(nativeOut.pop(), '');
  assert.equal(nativeOut.length, lines.length);

  const env = await createSupportEnv();
  let mismatches = 0;
  let firstMismatch = null;
  let steps = 0;
  for (let i = 0; i < lines.length; i++) {
    const wasm = env.request(lines[i]);
    if (wasm !== nativeOut[i]) {
      mismatches++;
      firstMismatch ??= { line: i, request: lines[i], native: nativeOut[i], wasm };
    }
    if (lines[i].startsWith('{"op":"step"')) steps++;
  }
  env.close();
  assert.equal(mismatches, 0, JSON.stringify(firstMismatch));
  assert.ok(steps > EPISODES * 3, `${steps} step requests`);
  // The mix really covers successes, failures and errors.
  assert.ok(nativeOut.some((l) => l.includes('"success":true')));
  assert.ok(nativeOut.some((l) => l.includes('"outcome":"customer_left"')));
  assert.ok(nativeOut.some((l) => l.includes('"outcome":"step_limit"')));
  assert.ok(nativeOut.some((l) => l.includes('"ok":false')));
  // Each episode that ended is counted once: one step answer with "done":true each.
  const ended = nativeOut.filter((l, i) => lines[i].startsWith('{"op":"step"') && l.includes('"reward":') && l.endsWith('}') && /"done":true,"info"/.test(l)).length;
  const [stats, evaluation] = nativeOut.slice(-4).map((l) => JSON.parse(l));
  assert.equal(stats.overall.episodes, ended);
  assert.equal(JSON.parse(nativeOut[nativeOut.length - 2]).overall.episodes, ended + evaluation.overall.episodes);
  assert.equal(JSON.parse(nativeOut[nativeOut.length - 1]).overall.episodes, 0);
});
