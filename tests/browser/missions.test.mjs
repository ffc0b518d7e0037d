// The demo, played through the page's own controls: every mission to success,
// a policy trap, an invalid action, a new episode mid-way, hostile text.
// Every test also asserts no console/page errors and no request off 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TASKS, act, confirmLeave, openPage, startMission, text, tid, useBrowser, walkthrough } from './harness.mjs';

const suite = useBrowser({ engine: true });

/** Runs fn on the demo (not waiting for the extras), checking it logs no error and requests nothing off 127.0.0.1. */
const withPage = (fn, options) => suite.inPage(fn, { extras: false, ...options });

async function sentimentNow(page) {
  return page.locator(`${tid('sentiments')} [aria-current="true"]`).getAttribute('data-sentiment');
}

for (const task of TASKS) {
  test(`${task}: played to success through the page`, () => withPage(async ({ page }) => {
    await startMission(page, task, 0);
    const steps = walkthrough(task);
    for (const action of steps) await act(page, action);

    assert.equal(await text(page, 'status-badge'), 'DONE');
    const outcome = page.locator(tid('outcome'));
    assert.ok(await outcome.isVisible(), 'the outcome is shown');
    assert.equal(await outcome.getAttribute('data-success'), 'true');
    assert.match(await text(page, 'outcome-kicker'), /success/i);
    assert.match(await text(page, 'outcome-title'), task === 'digital_refund' ? /escalated/i : /resolved/i);
    const total = await text(page, 'reward-total');
    assert.ok(['+0.98', '+0.99'].includes(total), `reward total ${total}`);
    assert.match(await text(page, 'outcome-score'), new RegExp(total.slice(1).replace('.', '\\.')));
    assert.equal(await sentimentNow(page), 'Happy');
    assert.equal(await text(page, 'ticket-steps'), `${steps.length} / 10`);
    assert.equal(await page.locator(tid('progress')).getAttribute('aria-valuenow'), String(steps.length));
    assert.equal(await page.locator(`${tid('reward-log')} > li`).count(), steps.length);
    assert.match(await page.locator(`${tid('reward-log')} > li`).last().innerText(), /\+0\.90/);
    assert.ok(await page.locator(tid('submit-action')).isDisabled(), 'the form is disabled after the end');
    assert.ok(await page.locator(tid('action-select')).isDisabled());
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'outcome', 'focus moves to the outcome');
  }));
}

test('a policy trap ends in the failure the engine reports', () => withPage(async ({ page }) => {
  await startMission(page, 'digital_refund', 0);
  assert.equal(await sentimentNow(page), 'Angry');
  await act(page, { action_type: 'classify_issue', category_guess: 'Refund_Request' });
  await act(page, { action_type: 'resolve_ticket', message_to_customer: 'No problem, I have refunded your eBook in full.' });
  assert.equal(await text(page, 'status-badge'), 'DONE');
  const outcome = page.locator(tid('outcome'));
  assert.ok(await outcome.isVisible());
  assert.equal(await outcome.getAttribute('data-success'), 'false');
  assert.equal(await outcome.getAttribute('data-outcome'), 'resolved');
  assert.match(await text(page, 'outcome-kicker'), /failure/i);
  assert.equal(await text(page, 'reward-total'), '+0.03');
  assert.equal(await sentimentNow(page), 'Angry');
  assert.match(await text(page, 'terminal-score'), /\+0\.00/);
  assert.ok(await page.locator(tid('submit-action')).isDisabled());
  // New Episode from the outcome starts the same mission again.
  await page.click(tid('play-again'));
  assert.equal(await text(page, 'status-badge'), 'ACTIVE');
  assert.equal(await text(page, 'ticket-id'), 'TKT-303');
  assert.ok(await page.locator(tid('outcome')).isHidden());
}));

test('an invalid action shows the engine error and still counts a step', () => withPage(async ({ page }) => {
  await startMission(page, 'billing_receipt', 0);
  await expectNoError(page);
  // A question that asks nothing in words: only the engine can tell, so it goes to the engine and costs a step.
  await act(page, { action_type: 'ask_clarifying_question', message_to_customer: 'OK.' });
  const error = page.locator(tid('action-error'));
  assert.ok(await error.isVisible(), 'the error is visible');
  assert.match(await error.innerText(), /asks nothing/);
  assert.equal(await error.getAttribute('role'), 'alert');
  assert.equal(await text(page, 'ticket-steps'), '1 / 10');
  assert.equal(await text(page, 'status-badge'), 'ACTIVE');
  assert.equal(await text(page, 'reward-total'), '+0.00');
  const entry = page.locator(`${tid('reward-log')} > li`).first();
  assert.match(await entry.innerText(), /Invalid/);
  assert.match(await entry.innerText(), /\+0\.00/);
  // The next valid action clears the error.
  await act(page, { action_type: 'classify_issue', category_guess: 'Billing' });
  await expectNoError(page);
  assert.equal(await text(page, 'reward-total'), '+0.03');

  // A seed the engine refuses: its message, visibly (after confirming the switch: two steps would be lost).
  await page.fill(tid('seed-input'), '-1');
  await page.click(tid('new-episode'));
  await confirmLeave(page);
  assert.match(await text(page, 'episode-error'), /seed must be an integer/);
  assert.equal(await text(page, 'ticket-steps'), '2 / 10', 'the current episode is untouched');
}));

async function expectNoError(page) {
  assert.ok(await page.locator(tid('action-error')).isHidden(), 'no action error shown');
}

test('a new episode mid-way resets every panel', () => withPage(async ({ page }) => {
  await startMission(page, 'vague_complaint', 0);
  for (const action of walkthrough('vague_complaint').slice(0, 3)) await act(page, action);
  assert.equal(await text(page, 'ticket-steps'), '3 / 10');
  assert.notEqual(await text(page, 'reward-total'), '+0.00');
  assert.ok(await page.locator(tid('kb-title')).isVisible());

  // Another card, mid-episode: it starts that mission with the seed field's value.
  await page.fill(tid('seed-input'), '2');
  await page.click(tid('mission-card-dashboard_404'));
  await confirmLeave(page);
  const expected = suite.env.reset({ task: 'dashboard_404', seed: 2 }).observation;
  assert.equal(await text(page, 'ticket-id'), expected.ticket_id);
  assert.equal(await text(page, 'ticket-customer'), expected.customer_name);
  assert.equal(await text(page, 'status-badge'), 'ACTIVE');
  assert.equal(await text(page, 'ticket-steps'), '0 / 10');
  assert.equal(await text(page, 'ticket-category'), 'Not classified');
  assert.equal(await text(page, 'reward-total'), '+0.00');
  assert.equal(await page.locator(`${tid('reward-log')} > li`).count(), 0);
  assert.equal(await page.locator(`${tid('conversation')} .msg`).count(), 1);
  assert.equal(await page.locator(`${tid('conversation')} .msg-text`).innerText(), expected.conversation_history[0].text);
  assert.ok(await page.locator(tid('kb-title')).isHidden());
  assert.match(await text(page, 'kb-text'), /search_kb/);
  assert.equal(await sentimentNow(page), expected.sentiment);
  assert.equal(await page.locator(tid('progress')).getAttribute('aria-valuenow'), '0');
  assert.equal(await page.locator(tid('mission-card-dashboard_404')).getAttribute('aria-current'), 'true');
  assert.equal(await page.locator(tid('mission-card-vague_complaint')).getAttribute('aria-current'), null);

  // New Episode again with the same settings: the same ticket, from scratch.
  await act(page, { action_type: 'classify_issue', category_guess: 'Technical' });
  await page.click(tid('new-episode'));
  await confirmLeave(page);
  assert.equal(await text(page, 'ticket-steps'), '0 / 10');
  assert.equal(await text(page, 'ticket-id'), expected.ticket_id);

  // Random picks some mission and still plays.
  await page.selectOption(tid('mission-select'), '');
  await page.click(tid('new-episode'));
  assert.match(await text(page, 'ticket-id'), /^TKT-\d{3}/);
  assert.equal(await text(page, 'status-badge'), 'ACTIVE');
}));

test('the page shows what the engine says, and the engine data fills the page', () => withPage(async ({ page }) => {
  const { spec } = suite.env.spec();
  const { tasks } = suite.env.tasks();
  assert.equal(await text(page, 'stat-tasks'), String(tasks.length));
  assert.equal(await text(page, 'stat-actions'), String(spec.actions.length));
  assert.equal(await text(page, 'stat-steps'), String(spec.max_steps));
  assert.equal(await text(page, 'stat-target'), spec.target_score.toFixed(2));
  for (const t of tasks) assert.match(await page.locator(tid(`mission-card-${t.id}`)).innerText(), new RegExp(t.title, 'i'));
  for (const a of spec.actions) {
    const card = await text(page, `action-card-${a.action_type}`);
    for (const r of a.rewards) assert.ok(card.includes(`+${r.reward.toFixed(2)}`), `${a.action_type} shows ${r.reward}`);
  }
  const ticker = (await text(page, 'ticker')).toLowerCase();
  assert.ok(!ticker.includes('check logs'), 'the ticker names only real actions');

  // The conversation and reason in the log are the engine's, verbatim.
  await startMission(page, 'billing_receipt', 0);
  const first = suite.env.reset({ task: 'billing_receipt', seed: 0 });
  const step = suite.env.step({ action_type: 'search_kb', search_query: 'receipt invoice' });
  await act(page, { action_type: 'search_kb', search_query: 'receipt invoice' });
  assert.equal(await page.locator(`${tid('conversation')} .msg-text`).first().innerText(), first.observation.conversation_history[0].text);
  assert.match(await page.locator(`${tid('reward-log')} > li`).first().innerText(), new RegExp(step.info.reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.equal(await text(page, 'kb-id'), step.observation.knowledge_base_result.id);
  assert.equal(await text(page, 'kb-title'), step.observation.knowledge_base_result.title);
}));

test('hostile text is shown literally and creates no element', () => withPage(async ({ page, requests }) => {
  let dialogs = 0;
  page.on('dialog', async (dialog) => { dialogs++; await dialog.dismiss(); });
  const hostile = '<img src=x onerror=alert(1)><script>alert(2)</script><b>bold</b>';
  await startMission(page, 'billing_receipt', 0);
  // A question in words (the engine refuses one that asks nothing), wrapped in markup.
  const question = `${hostile} What happened?`;
  await act(page, { action_type: 'ask_clarifying_question', message_to_customer: question });
  await act(page, { action_type: 'search_kb', search_query: hostile });
  const agentLine = page.locator(`${tid('conversation')} .msg-agent .msg-text`).first();
  assert.equal(await agentLine.innerText(), question);
  const created = await page.evaluate(() => ({
    img: document.querySelectorAll('img').length,
    b: document.querySelectorAll('[data-testid="demo"] b').length,
    scripts: [...document.scripts].map((s) => s.getAttribute('src')),
  }));
  assert.deepEqual(created, { img: 0, b: 0, scripts: ['./app/main.js'] });
  await page.waitForTimeout(100);
  assert.equal(dialogs, 0);
  assert.ok(!requests.some((u) => /\/x$/.test(u)), 'no request for the injected image');
}));

test('an engine that cannot load is reported on the page, not thrown', async () => {
  const { context, page, problems } = await openPage(suite.browser, suite.url, { serviceWorkers: 'block' });
  try {
    await context.route('**/*.wasm', (route) => route.abort());
    await page.goto(suite.url);
    await page.locator(tid('episode-error')).waitFor();
    assert.match(await text(page, 'episode-error'), /engine could not load/);
    assert.match(await text(page, 'engine-status'), /unavailable/i);
    assert.ok(await page.locator(tid('new-episode')).isDisabled());
    assert.deepEqual(problems.filter((p) => p.startsWith('pageerror')), [], 'no uncaught error');
  } finally {
    await context.close();
  }
});
