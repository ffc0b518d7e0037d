// The JavaScript API over the WebAssembly module (dist/support-env.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API, CATEGORY, walkthrough, MESSAGES } from './helpers.mjs';

const { default: createSupportEnv, SupportEnvError } = await import(API);
const TASK_IDS = ['billing_receipt', 'dashboard_404', 'digital_refund', 'vip_outage', 'vague_complaint', 'plan_refund_difference'];

test('tasks lists the six missions in order with their metadata', async () => {
  const env = await createSupportEnv();
  const { ok, tasks } = env.tasks();
  assert.equal(ok, true);
  assert.deepEqual(tasks.map((t) => t.id), TASK_IDS);
  assert.deepEqual(tasks.map((t) => t.ticket_id), ['TKT-101', 'TKT-202', 'TKT-303', 'TKT-404', 'TKT-505', 'TKT-606']);
  for (const t of tasks) {
    assert.ok(t.title && t.summary && ['Easy', 'Medium', 'Hard'].includes(t.difficulty));
    assert.ok(t.variants >= 3);
  }
  env.close();
});

test('spec carries the headline numbers and the reward table', async () => {
  const env = await createSupportEnv();
  const { spec } = env.spec();
  assert.equal(spec.max_steps, 10);
  assert.equal(spec.tasks, 6);
  assert.equal(spec.target_score, 0.9);
  assert.equal(spec.actions.length, 5);
  assert.deepEqual(spec.actions.find((a) => a.action_type === 'classify_issue').rewards.map((r) => r.reward), [0.03, 0.01]);
  env.close();
});

for (const task of TASK_IDS) {
  test(`${task}: a competent play succeeds on every variant`, async () => {
    const env = await createSupportEnv();
    for (let seed = 0; seed < 40; seed++) {
      const { observation } = env.reset({ task, seed });
      assert.equal(observation.step_count, 0);
      assert.equal(observation.outcome, null);
      let last;
      for (const action of walkthrough(task, seed)) last = env.step(action);
      assert.equal(last.done, true, `seed ${seed}: ${last.info.reason}`);
      assert.equal(last.reward, 0.9, `seed ${seed}: ${last.info.reason}`);
      assert.equal(last.observation.success, true);
      assert.equal(last.observation.sentiment, 'Happy');
      const expected = task === 'vague_complaint' ? 0.99 : 0.98;
      assert.equal(last.observation.cumulative_reward, expected);
      assert.equal(env.state().state.cumulative_reward, expected);
    }
    env.close();
  });
}

test('the observation has the contract fields and never the answer', async () => {
  const env = await createSupportEnv();
  const { observation } = env.reset({ task: 'vip_outage', seed: 0 });
  for (const field of ['task_id', 'ticket_id', 'difficulty', 'customer_name', 'customer_tier', 'sentiment', 'issue_category',
    'knowledge_base_result', 'conversation_history', 'step_count', 'max_steps', 'done', 'cumulative_reward',
    'last_action_error', 'outcome', 'success']) {
    assert.ok(field in observation, field);
  }
  const text = JSON.stringify(observation);
  assert.doesNotMatch(text, /correct_|relevant_articles|must_state/);
  assert.equal(observation.customer_tier, 'VIP');
  assert.equal(observation.conversation_history[0].role, 'customer');
  env.close();
});

test('a trap ends in failure: classifying the VIP outage as Billing earns 0.30, not 0.90', async () => {
  const env = await createSupportEnv();
  env.reset({ task: 'vip_outage', seed: 0 });
  assert.equal(env.step({ action_type: 'classify_issue', category_guess: 'Billing' }).reward, 0.01);
  assert.equal(env.step({ action_type: 'search_kb', search_query: 'blank white screen api dashboard' }).reward, 0.05);
  const last = env.step({ action_type: 'resolve_ticket', message_to_customer: MESSAGES.vip_outage.pass[0] });
  assert.equal(last.reward, 0.3);
  assert.equal(last.observation.success, false);
  assert.match(last.info.reason, /classification/);
  env.close();
});

test('an invalid action is not an exception: 0.00, a step, and a clear error', async () => {
  const env = await createSupportEnv();
  env.reset({ task: 'billing_receipt' });
  const r = env.step({ action_type: 'check_logs' });
  assert.equal(r.ok, true);
  assert.equal(r.reward, 0);
  assert.equal(r.info.valid, false);
  assert.equal(r.observation.step_count, 1);
  assert.match(r.observation.last_action_error, /unknown action_type "check_logs".*classify_issue/);
  const c = env.step({ action_type: 'classify_issue', category_guess: 'billing' });
  assert.match(c.observation.last_action_error, /"billing" is not one of Billing, Technical, Refund_Request/);
  const ok = env.step({ action_type: 'classify_issue', category_guess: 'Billing' });
  assert.equal(ok.observation.last_action_error, null);
  assert.equal(ok.reward, 0.03);
  env.close();
});

test('requests the engine cannot serve throw SupportEnvError with its message', async () => {
  const env = await createSupportEnv();
  assert.throws(() => env.step({ action_type: 'classify_issue', category_guess: 'Billing' }), (e) => e instanceof SupportEnvError && /reset/.test(e.message));
  assert.throws(() => env.state(), SupportEnvError);
  assert.throws(() => env.reset({ task: 'nope' }), /unknown task "nope"; tasks are: billing_receipt/);
  assert.throws(() => env.reset({ task: 'billing_receipt', seed: -1 }), /seed must be an integer/);
  assert.throws(() => env.reset({ task: 'billing_receipt', seed: 1.5 }), /seed must be an integer/);
  assert.throws(() => env.reset({}), /reset needs "task"/);
  env.reset({ task: 'digital_refund' });
  env.step({ action_type: 'escalate_to_human' });
  assert.throws(() => env.step({ action_type: 'escalate_to_human' }), /episode is over/);
  env.close();
  assert.throws(() => env.tasks(), /closed/);
});

test('hostile input never aborts the module or corrupts the episode', async () => {
  const env = await createSupportEnv();
  env.reset({ task: 'dashboard_404', seed: 0 });
  env.step({ action_type: 'classify_issue', category_guess: 'Technical' });
  const hostile = [
    '', 'null', '{', '[]', '"x"', '{"op":1}', '{"op":"step","action":"x"}', '['.repeat(200000), '{"a":'.repeat(50000),
    '{"op":"step","action":{"action_type":"search_kb","search_query":"\uD800"}}', '\uDC00\uD800garbage', '\u0000',
    '{"op":"reset","task":"billing_receipt","seed":1e400}', `{"op":"step","action":{"action_type":"search_kb","search_query":"${'a'.repeat(3000)}"}}`,
    'x'.repeat(2 << 20),
  ];
  for (const line of hostile) {
    const response = JSON.parse(env.request(line));
    assert.equal(typeof response.ok, 'boolean');
  }
  const state = env.state().state;
  assert.equal(state.task_id, 'dashboard_404');
  assert.equal(state.cumulative_reward, 0.03);
  // Invalid actions above consumed steps; the episode still plays on.
  const r = env.step({ action_type: 'search_kb', search_query: 'error 404 login' });
  assert.equal(r.reward, 0.05);
  assert.equal(r.observation.knowledge_base_result.id, 'KB-LOGIN-404');
  // Strings JavaScript cannot encode as JSON are reported, not crashed on.
  assert.throws(() => env.step({ action_type: 'search_kb', search_query: 10n }), TypeError);
  env.close();
});

test('requests stay correct when another environment grows the module memory', async () => {
  // Environments share one module: a big request in one grows its memory,
  // which detaches the other's cached views of the request buffer.
  const a = await createSupportEnv();
  const b = await createSupportEnv();
  a.reset({ task: 'vague_complaint', seed: 2 });
  const before = a.step({ action_type: 'ask_clarifying_question', message_to_customer: 'What is broken? 🙂' });
  for (let i = 0; i < 3; i++) assert.equal(JSON.parse(b.request(`{"op":"tasks","pad":"${'x'.repeat(3 << 20)}"}`)).ok, true);
  const after = a.step({ action_type: 'classify_issue', category_guess: 'Technical' });
  assert.equal(after.observation.step_count, 2);
  assert.deepEqual(after.observation.conversation_history.slice(0, 2), before.observation.conversation_history.slice(0, 2));
  a.close();
  b.close();
});

test('emoji and non-Latin text round-trip unchanged', async () => {
  const env = await createSupportEnv();
  env.reset({ task: 'vague_complaint' });
  const q = 'Qu’est-ce qui ne marche pas ? 🙂 壊れた';
  const r = env.step({ action_type: 'ask_clarifying_question', message_to_customer: q });
  assert.equal(r.observation.conversation_history[1].text, q);
  env.close();
});

test('environments are independent', async () => {
  const a = await createSupportEnv();
  const b = await createSupportEnv();
  a.reset({ task: 'billing_receipt' });
  b.reset({ task: 'vip_outage' });
  a.step({ action_type: 'classify_issue', category_guess: CATEGORY.billing_receipt });
  assert.equal(b.state().state.step_count, 0);
  assert.equal(a.state().state.step_count, 1);
  a.close();
  b.close();
});

test('stats: the engine’s figures for the episodes this environment finished; clear empties them', async () => {
  const env = await createSupportEnv();
  const empty = env.stats();
  assert.deepEqual(empty.results.map((r) => r.task), TASK_IDS);
  assert.deepEqual([empty.overall.episodes, empty.overall.mean_score, empty.overall.success_rate], [0, null, null]);
  // Every mission won by a competent play (4 steps for the vague complaint, 3 for the rest)…
  for (const task of TASK_IDS) {
    env.reset({ task, seed: 1 });
    for (const action of walkthrough(task, 1)) env.step(action);
  }
  // …then one episode with two invalid actions that runs into the step limit.
  env.reset({ task: 'dashboard_404', seed: 0 });
  for (let i = 0; i < 8; i++) env.step({ action_type: 'classify_issue', category_guess: 'Technical' });
  env.step({ action_type: 'check_logs' });
  env.step({ action_type: 'search_kb' });
  assert.throws(() => env.step({ action_type: 'classify_issue', category_guess: 'Technical' }), SupportEnvError);
  const { results, overall } = env.stats();
  const won = results.find((r) => r.task === 'billing_receipt').stats;
  assert.deepEqual(won, { episodes: 1, successes: 1, success_rate: 1, mean_score: 0.98, total_score: 0.98, mean_steps: 3,
    total_steps: 3, invalid_actions: 0, outcomes: { resolved: 1, escalated: 0, customer_left: 0, step_limit: 0 } });
  const limit = results.find((r) => r.task === 'dashboard_404').stats;
  assert.deepEqual([limit.episodes, limit.successes, limit.success_rate, limit.total_steps, limit.invalid_actions, limit.outcomes.step_limit],
    [2, 1, 0.5, 13, 2, 1]);
  assert.equal(limit.mean_score, 0.505);   // (0.98 + 0.03) / 2
  assert.deepEqual([overall.episodes, overall.successes, overall.total_steps, overall.invalid_actions], [7, 6, 29, 2]);
  assert.deepEqual(overall.outcomes, { resolved: 5, escalated: 1, customer_left: 0, step_limit: 1 });
  assert.deepEqual(env.stats({ clear: true }).overall, overall, 'clear answers with the figures first');
  assert.equal(env.stats().overall.episodes, 0);
  assert.throws(() => env.stats({ clear: 'yes' }), (e) => e instanceof SupportEnvError && e.message === '"clear" must be true or false, not a string');
  env.close();
});

test('evaluate: each task’s stats and the overall; record adds the episodes to stats()', async () => {
  const env = await createSupportEnv();
  const ref = env.evaluate({ policy: 'reference', tasks: ['vague_complaint', 'digital_refund'], seeds: 10 });
  assert.deepEqual(ref.results.map((r) => [r.task, r.stats.episodes, r.stats.successes, r.stats.mean_score]),
    [['vague_complaint', 10, 10, 0.99], ['digital_refund', 10, 10, 0.98]]);
  assert.equal(ref.overall.mean_score, 0.985);
  assert.equal(ref.overall.outcomes.escalated, 10);
  assert.equal(env.stats().overall.episodes, 0, 'without record, evaluate leaves stats() alone');
  const a = env.evaluate({ policy: 'random', seeds: 30, record: true });
  const b = env.evaluate({ policy: 'random', seeds: 20, firstSeed: 30, record: true });
  const all = env.evaluate({ policy: 'random', seeds: 50 });
  const { results, overall } = env.stats();
  assert.deepEqual(results.map((r) => r.stats), all.results.map((r) => r.stats), 'two recorded calls add up to one over all their seeds');
  assert.deepEqual(overall, all.overall);
  assert.equal(overall.episodes, a.overall.episodes + b.overall.episodes);
  env.close();
});
