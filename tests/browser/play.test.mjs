// Playing by hand, as a new user would (issue 11): the loop in view at
// 1280×800 and 390×844, the limits, outcomes that read right with the
// engine's checklist, links and state that don't get lost, Get Running,
// the Lab's saved runs, comparison and failed seeds, raw step JSON, the
// mobile menu. Screenshots of both sizes go to build/screenshots/play-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  ROOT, act, confirmLeave, screenshotDir, startMission, tid, useBrowser, waitDone, walkthrough,
} from './harness.mjs';

/** An element's text as written (not as CSS capitalises it), spaces collapsed. */
const text = (page, id) => page.locator(tid(id)).evaluate((el) => el.textContent.replace(/\s+/g, ' ').trim());

const PACK = `${ROOT}examples/packs/password-lockout/`;
const PACK_FILES = [`${PACK}missions/01_account_lockout.json`, `${PACK}kb/articles.json`, `${PACK}lexicon/lockout.json`];
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 };

const suite = useBrowser({ engine: true });

/** The element's box is inside the viewport (fully, or its top `part` of it). */
const inView = (page, id) => page.locator(tid(id)).evaluate((el) => {
  const r = el.getBoundingClientRect();
  return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight + 1 && r.left >= 0 && r.right <= innerWidth + 1;
});

/** The engine's responses for a script of actions (the page must show the same). */
function engineRun(task, seed, actions) {
  suite.env.reset({ task, seed });
  return actions.map((a) => suite.env.step(a));
}

for (const [name, options] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  test(`${name}: the ticket, then each step's reply, article, reward and reason are in view without scrolling`, () => suite.inPage(async ({ page }) => {
    await page.locator(tid('mission-card-plan_refund_difference')).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="demo"]').dataset.state === 'active');
    await page.waitForTimeout(100);
    assert.ok(await inView(page, 'turn-ticket-text'), 'the ticket text is in view after choosing the mission');
    const dir = screenshotDir();
    await page.screenshot({ path: `${dir}play-${name}-ticket.png` });
    const steps = walkthrough('plan_refund_difference');
    const expected = engineRun('plan_refund_difference', 0, steps);
    for (const [i, action] of steps.entries()) {
      await act(page, action);
      await page.waitForTimeout(50);
      const r = expected[i];
      if (r.done) {
        assert.ok(await inView(page, 'outcome-title'), 'the outcome headline is in view');
        break;
      }
      assert.ok(await inView(page, 'turn-reward'), `step ${i + 1}: the reward is in view`);
      assert.ok(await inView(page, 'turn-reason'), `step ${i + 1}: the reason is in view`);
      assert.equal(await text(page, 'turn-reason'), r.info.reason);
      assert.equal(await text(page, 'turn-reward'), `+${r.reward.toFixed(2)}`);
      if (action.action_type === 'search_kb') {
        assert.ok(await inView(page, 'turn-article'), 'the article found is in view');
        assert.equal(await text(page, 'turn-article-id'), r.observation.knowledge_base_result.id);
      }
      if (action.action_type === 'ask_clarifying_question') {
        assert.ok(await inView(page, 'turn-reply'), 'the customer’s reply is in view');
        assert.match(await text(page, 'turn-reply'), new RegExp(r.observation.conversation_history.at(-1).text.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      }
      if (i === 1) {
        // Writing the resolution: the article is at hand in the form itself.
        await page.selectOption(tid('action-select'), 'resolve_ticket');
        assert.ok(await page.locator(tid('form-article')).isVisible());
        assert.equal(await text(page, 'form-article-text'), r.observation.knowledge_base_result.text);
        const form = await page.locator(tid('form-article')).boundingBox();
        const box = await page.locator(tid('message-input')).boundingBox();
        assert.ok(box.y - (form.y + form.height) < 120, 'the article sits right above the message box');
        await page.fill(tid('message-input'), steps.at(-1).message_to_customer);
        await page.screenshot({ path: `${dir}play-${name}-writing.png` });
      }
    }
    await page.screenshot({ path: `${dir}play-${name}-done.png` });
    if (name === 'phone') {
      // The loop's order on a phone: ticket → latest reply/article → limits → form → log.
      const tops = await page.evaluate(() => ['turn-panel', 'limits', 'action-panel', 'reward-log-panel', 'ticket-status', 'kb-panel']
        .map((id) => document.querySelector(`[data-testid="${id}"]`).getBoundingClientRect().top));
      assert.deepEqual([...tops].sort((a, b) => a - b), tops, 'in loop order');
    }
  }, options));
}

test('limits: one step counter, steps and questions left, last-step notice, byte counter; page-caught mistakes cost no step', () => suite.inPage(async ({ page }) => {
  await startMission(page, 'billing_receipt', 0);
  // One step counter on the page, and "Progress" says what it measures.
  const counters = await page.locator(tid('demo')).evaluate((el) => (el.innerText.match(/\b\d+ \/ 10\b|step \d+ of 10/gi) ?? []).length);
  assert.equal(counters, 1, 'one step counter');
  assert.match(await page.locator('#progress-label').innerText(), /step budget used/i);
  assert.equal(await text(page, 'steps-left'), '10 steps left');
  assert.equal(await text(page, 'questions-left'), '2 questions left');

  // Mistakes the page can see: no step, no log line, a clear message.
  await page.selectOption(tid('action-select'), 'search_kb');
  await page.click(tid('submit-action'));
  assert.match(await text(page, 'form-check'), /no step used/);
  await page.selectOption(tid('action-select'), 'resolve_ticket');
  await page.click(tid('submit-action'));
  assert.match(await text(page, 'form-check'), /write the message/);
  await page.fill(tid('message-input'), 'é'.repeat(1001));
  assert.match(await text(page, 'byte-count'), /^2,002 \/ 2,000 bytes: over the limit/);
  await page.click(tid('submit-action'));
  assert.match(await text(page, 'form-check'), /2,002 bytes and the limit is 2,000/);
  assert.equal(await text(page, 'ticket-steps'), '0 / 10');
  assert.equal(await page.locator(`${tid('reward-log')} > li`).count(), 0);
  await page.fill(tid('message-input'), 'Hello');
  assert.equal(await text(page, 'byte-count'), '5 / 2,000 bytes');

  // Questions left, as asked; the notice before the one that makes the customer leave.
  const ask = { action_type: 'ask_clarifying_question', message_to_customer: 'Which order is it about?' };
  await act(page, ask);
  assert.equal(await text(page, 'questions-left'), '1 question left');
  assert.ok(await page.locator(tid('form-check')).isHidden(), 'a sent action clears the page’s message');
  await act(page, ask);
  assert.equal(await text(page, 'questions-left'), '0 questions left');
  assert.match(await text(page, 'limit-notice'), /one more and the customer leaves/);
  // Steps left down to the last one.
  for (let i = 0; i < 6; i++) await act(page, { action_type: 'classify_issue', category_guess: 'Billing' });
  assert.equal(await text(page, 'steps-left'), '2 steps left');
  await act(page, { action_type: 'classify_issue', category_guess: 'Billing' });
  assert.equal(await text(page, 'steps-left'), '1 step left');
  assert.match(await text(page, 'limit-notice'), /^Last step: step 10 of 10/);
  await act(page, { action_type: 'classify_issue', category_guess: 'Billing' });
  assert.equal(await text(page, 'outcome-title'), 'Step limit reached');

  // The Reward Log keeps a bounded height, scrolls, and shows the newest step.
  const log = await page.locator(tid('reward-log-scroll')).evaluate((el) => ({
    max: parseFloat(getComputedStyle(el).maxHeight), scrolls: el.scrollHeight > el.clientHeight,
    newest: el.scrollTop + el.clientHeight >= el.scrollHeight - 2,
  }));
  assert.ok(log.max > 0 && log.max <= 400 && log.scrolls && log.newest, JSON.stringify(log));
  const last = await page.locator(`${tid('reward-log')} > li`).last().boundingBox();
  const box = await page.locator(tid('reward-log-scroll')).boundingBox();
  assert.ok(last.y + last.height <= box.y + box.height + 2, 'the newest step is inside the visible part of the log');

  // A step's raw JSON, for people who build agents.
  await page.locator(`${tid('log-json-10')} summary`).click();
  // The JSON is written when the details open (their toggle event comes a task later).
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent.startsWith('{'), `${tid('log-json-10')} pre`);
  const raw = JSON.parse(await page.locator(`${tid('log-json-10')} pre`).innerText());
  assert.deepEqual(raw.action, { action_type: 'classify_issue', category_guess: 'Billing' });
  assert.equal(raw.response.observation.outcome, 'step_limit');
  assert.equal(raw.response.reward, 0);
}));

test('outcomes read right: the headline states the outcome, the checklist is the engine’s, sentiment follows the last words', () => suite.inPage(async ({ page }) => {
  // Requirement unmet: the right action, a message that misses one fix.
  const steps = walkthrough('plan_refund_difference');
  const partial = [...steps.slice(0, -1), { action_type: 'resolve_ticket', message_to_customer: 'I have switched you to the monthly plan.' }];
  const expected = engineRun('plan_refund_difference', 0, partial).at(-1);
  await startMission(page, 'plan_refund_difference', 0);
  for (const a of partial) await act(page, a);
  assert.equal(await text(page, 'outcome-title'), 'Requirement unmet');
  assert.match(await text(page, 'outcome-kicker'), /failure/i);
  const items = await page.locator(`${tid('outcome-checks')} li`).evaluateAll((lis) => lis.map((li) => ({
    met: li.dataset.met === 'true', requirement: li.lastChild.textContent, mark: li.querySelector('.check-mark').textContent,
  })));
  assert.deepEqual(items.map(({ met, requirement }) => ({ requirement, met })), expected.info.checks);
  assert.ok(items.every((i) => i.mark === (i.met ? '✓' : '✗')));
  assert.ok(items.some((i) => !i.met && /refunded/.test(i.requirement)), 'the missed requirement, in the engine’s words');
  assert.equal(await text(page, 'sentiment-last'), `Last words: “${expected.observation.conversation_history.findLast((l) => l.role === 'customer').text}”`);
  // plan_refund_difference starts Neutral; "that's not what I asked for" leaves the customer Upset (3.1.0).
  assert.equal(expected.observation.sentiment, 'Upset');
  assert.equal(await page.locator(`${tid('sentiments')} [aria-current="true"]`).getAttribute('data-sentiment'), 'Upset');

  // Wrong action: never "resolved" over a failure.
  await startMission(page, 'digital_refund', 0);
  await act(page, { action_type: 'resolve_ticket', message_to_customer: 'I refunded you.' });
  assert.equal(await text(page, 'outcome-title'), 'Wrong action: resolved');
  assert.equal(await page.locator(`${tid('outcome-checks')} li`).count(), 1);
  assert.equal(await page.locator(`${tid('outcome-checks')} li`).getAttribute('data-met'), 'false');
  assert.equal(await page.locator(`${tid('sentiments')} [aria-current="true"]`).getAttribute('data-sentiment'), 'Angry');

  // The customer leaves.
  await startMission(page, 'vip_outage', 0);
  const ask = { action_type: 'ask_clarifying_question', message_to_customer: 'What do you see on screen?' };
  await act(page, ask);
  await act(page, ask);
  assert.equal(await text(page, 'outcome-title'), 'Customer left');
  assert.ok(await page.locator(tid('outcome-checks-wrap')).isHidden(), 'no terminal action, no checklist');

  // Success: every requirement met.
  await startMission(page, 'billing_receipt', 0);
  for (const a of walkthrough('billing_receipt')) await act(page, a);
  assert.equal(await text(page, 'outcome-title'), 'Ticket resolved');
  assert.ok((await page.locator(`${tid('outcome-checks')} li`).evaluateAll((lis) => lis.map((li) => li.dataset.met))).every((m) => m === 'true'));
}));

test('links and state: the URL follows the episode (reload, Back), switching asks first, broken and pack links say so at the top', () => suite.inPage(async ({ page }) => {
  await startMission(page, 'vague_complaint', 1);
  const steps = walkthrough('vague_complaint');
  for (const a of steps.slice(0, 2)) await act(page, a);
  const hash = await page.evaluate(() => location.hash);
  const payload = JSON.parse(Buffer.from(hash.slice('#play='.length), 'base64url').toString('utf8'));
  assert.deepEqual({ t: payload.t, s: payload.s, a: payload.a }, { t: 'vague_complaint', s: 1, a: steps.slice(0, 2) });
  const before = await page.locator(tid('reward-log')).innerText();
  await page.reload();
  await page.waitForSelector('html[data-extras="ready"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="ticket-steps"]').textContent.startsWith('2 '));
  assert.equal(await page.locator(tid('reward-log')).innerText(), before, 'reload restores the episode');

  // Switching mid-episode asks first; "keep playing" keeps it.
  await page.click(tid('mission-card-billing_receipt'));
  const dialog = page.locator(`${tid('confirm-dialog')}[open]`);
  await dialog.waitFor();
  assert.match(await text(page, 'confirm-text'), /2 steps taken/);
  await page.click(tid('confirm-stay'));
  assert.equal(await text(page, 'ticket-steps'), '2 / 10');
  assert.equal(await page.locator(tid('mission-select')).inputValue(), 'vague_complaint');
  // Unsent text counts too, even before a step.
  await page.click(tid('mission-card-billing_receipt'));
  await confirmLeave(page);
  await page.selectOption(tid('action-select'), 'resolve_ticket');
  await page.fill(tid('message-input'), 'Draft reply');
  await page.click(tid('new-episode'));
  assert.match(await text(page, 'confirm-text'), /text you have not sent/);
  await page.click(tid('confirm-switch'));
  assert.equal(await page.locator(tid('message-input')).inputValue(), '');

  // Back returns to the previous episode, at its step.
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('[data-testid="mission-select"]').value === 'vague_complaint'
    && document.querySelector('[data-testid="ticket-steps"]').textContent.startsWith('2 '));
  assert.equal(await page.locator(tid('reward-log')).innerText(), before);

  // A broken link: said at the top of the page, where the visitor lands.
  await page.goto(`${suite.url}#play=broken`);
  await page.waitForSelector('html[data-extras="ready"]');
  assert.ok(await inView(page, 'link-banner'), 'the banner is in view');
  assert.match(await text(page, 'link-banner-text'), /could not be opened/);
  assert.equal(await page.evaluate(() => Math.round(scrollY)), 0);

  // A link to a pack's mission names the pack; loading it opens the episode.
  const link = `${suite.url}#play=${Buffer.from(JSON.stringify({ v: payload.v, t: 'account_lockout', s: 0, a: [], p: 'password-lockout' })).toString('base64url')}`;
  await page.goto(link);
  await page.waitForSelector('html[data-extras="ready"]');
  assert.match(await text(page, 'link-banner-text'), /scenario pack “password-lockout”/);
  await page.setInputFiles(tid('pack-files'), PACK_FILES);
  await page.waitForFunction(() => document.querySelector('[data-testid="demo"]').dataset.state === 'active');
  assert.equal(await page.locator(tid('mission-select')).inputValue(), 'account_lockout');
  assert.ok(await page.locator(tid('link-banner')).isHidden());
  // Every count follows the pack.
  assert.equal(await text(page, 'stat-tasks'), '1');
  assert.match(await page.locator('#missions-title').innerText(), /^1 Ticket Mission$/i);
  await page.click(tid('copy-link'));
  const packLink = JSON.parse(Buffer.from((await page.locator(tid('share-url')).inputValue()).split('#play=')[1], 'base64url').toString('utf8'));
  const shownName = /Playing pack: (.+) \(1 mission\)/.exec(await text(page, 'pack-status'))[1];
  assert.equal(packLink.p, shownName, 'a pack mission’s link names its pack, as the page shows it');
}, { allow: [], ignore: [] }));

test('a pack’s Lab results go when the pack does, and every count comes back', () => suite.inPage(async ({ page }) => {
  await page.setInputFiles(tid('pack-files'), PACK_FILES);
  await page.locator(tid('pack-active')).waitFor();
  assert.equal(await page.locator(`${tid('lab-mission-list')} li`).count(), 1);
  await page.click(tid('lab-run'));
  await page.waitForFunction(() => document.querySelector('[data-testid="lab"]').dataset.state === 'done');
  assert.ok(await page.locator(tid('lab-results')).isVisible());
  await page.click(tid('pack-reset'));
  assert.ok(await page.locator(tid('lab-results')).isHidden(), 'the pack’s results are cleared');
  assert.equal(await text(page, 'stat-tasks'), '6');
  assert.equal(await page.locator(`${tid('lab-mission-list')} li`).count(), 6);
  assert.equal(await page.locator(`${tid('mission-select')} option`).count(), 7);
}));

test('Get Running speaks to the original’s users: Run Inference with inference.py’s defaults, the Hackathon kicker, copy buttons', () => suite.inPage(async ({ page, context }) => {
  const source = readFileSync(`${ROOT}inference.py`, 'utf8');
  const base = /DEFAULT_API_BASE_URL = "([^"]+)"/.exec(source)[1];
  const model = /DEFAULT_MODEL_NAME = "([^"]+)"/.exec(source)[1];
  const card = await text(page, 'run-inference');
  assert.match(card, /Run Inference/i);
  for (const line of ['export HF_TOKEN=', `export API_BASE_URL=${base}`, `export MODEL_NAME=${model}`, 'python3 inference.py']) assert.ok(card.includes(line), line);
  assert.match(await page.locator('.eyebrow').innerText(), /OpenEnv Hackathon/i);
  assert.equal(await page.locator(tid('llm-base')).getAttribute('placeholder'), base);
  assert.equal(await page.locator(tid('llm-model')).getAttribute('placeholder'), model);
  const buttons = page.locator(tid('copy-code'));
  assert.equal(await buttons.count(), await page.locator('.code-card pre').count());
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.locator(`${tid('run-inference')} ${tid('copy-code')}`).click();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.ok(copied.includes(`export MODEL_NAME=${model}`) && copied.includes('python3 inference.py'));
  assert.match(await page.locator(`${tid('run-inference')} ${tid('copy-code')}`).innerText(), /copied/i);
}));

test('Lab: runs are saved, compared with their difference, a failed seed opens in the player; chart values on focus', () => suite.inPage(async ({ page }) => {
  const run = async (policy, seeds) => {
    await page.selectOption(tid('lab-policy'), policy);
    await page.fill(tid('lab-seeds'), String(seeds));
    const runs = Number(await page.getAttribute(tid('lab-results'), 'data-runs') ?? 0);
    await page.click(tid('lab-run'));
    await page.waitForFunction((n) => document.querySelector('[data-testid="lab-results"]').dataset.runs === String(n + 1), runs);
  };
  await run('reference', 6);
  await run('random', 6);
  assert.equal(await page.locator(`${tid('lab-history-list')} > li`).count(), 2);
  // Side by side: A = reference (run #1), B = random (run #2); Δ = B − A.
  const row = await page.locator(tid('lab-compare-billing_receipt')).evaluate((tr) => Object.fromEntries([...tr.querySelectorAll('td')].map((td) => [td.dataset.col, Number(td.dataset.value)])));
  assert.equal(row['success-a'], 1);
  assert.ok(Math.abs(row['mean-delta'] - (row['mean-b'] - row['mean-a'])) < 1e-12);
  assert.ok(Math.abs(row['pass-delta'] - (row['pass-b'] - row['pass-a'])) < 1e-12);
  assert.match(await text(page, 'lab-compare-note'), /A = run #1, B = run #2/);

  // Saved in the browser: still there after a reload, with policy, seeds and version.
  await page.reload();
  await page.waitForSelector('html[data-extras="ready"]');
  assert.equal(await page.locator(`${tid('lab-history-list')} > li`).count(), 2);
  assert.match(await text(page, 'lab-saved-2'), /Random agent · 6 missions × 6 from seed 0/);
  assert.match(await text(page, 'lab-saved-2'), /environment \d+\.\d+\.\d+/);
  await page.click(tid('lab-show-2'));
  await page.locator(tid('lab-results')).waitFor();

  // A failed seed opens in the player and replays through the engine, step by step.
  const button = page.locator(`${tid('lab-failure-list')} button`).first();
  const [, task, seed] = /^lab-fail-(.+)-(\d+)$/.exec(await button.getAttribute('data-testid'));
  await button.click();
  await page.fill(tid('speed-input'), '4');  // the speed control comes with the replay
  await waitDone(page);
  assert.equal(await page.locator(tid('player-select')).inputValue(), 'replay');
  assert.equal(await page.locator(tid('mission-select')).inputValue(), task);
  assert.equal(await page.locator(tid('seed-input')).inputValue(), seed);
  let obs = suite.env.reset({ task, seed: Number(seed) }).observation;
  while (!obs.done) obs = suite.env.step(suite.env.act({ policy: 'random' }).action).observation;
  assert.equal(await page.locator(tid('outcome')).getAttribute('data-success'), 'false');
  assert.equal(await text(page, 'reward-total'), `+${obs.cumulative_reward.toFixed(2)}`);

  // Charts: axes, and values on keyboard focus.
  const chart = page.locator(tid('lab-chart'));
  assert.ok(await chart.locator('.chart-tick').count() >= 10, 'tick labels on both charts');
  await chart.locator('rect.chart-bar').first().focus();
  assert.match(await text(page, 'chart-tip-bars'), /mean \d\.\d{3}, success/);
  await chart.locator('.chart-series').first().focus();
  assert.match(await text(page, 'chart-tip-curve'), /pass\^1 \d\.\d{3}/);
  const dashes = await chart.locator('.chart-series polyline').evaluateAll((ls) => ls.map((l) => `${l.getAttribute('stroke')} ${l.getAttribute('stroke-dasharray')}`));
  assert.equal(new Set(dashes).size, dashes.length, 'every series differs in colour and dash');
}));

test('phone: the menu reaches every section', () => suite.inPage(async ({ page }) => {
  assert.ok(await page.locator(tid('nav-links')).isHidden());
  await page.tap(tid('nav-toggle'));
  assert.equal(await page.locator(tid('nav-toggle')).getAttribute('aria-expanded'), 'true');
  const links = await page.locator(`${tid('nav-links')} a`).evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(links, ['#missions', '#controls', '#demo', '#lab', '#setup']);
  await page.screenshot({ path: `${screenshotDir()}play-phone-menu.png` });
  for (const href of links) {
    if (await page.locator(tid('nav-links')).isHidden()) await page.tap(tid('nav-toggle'));
    await page.tap(`${tid('nav-links')} a[href="${href}"]`);
    await page.waitForFunction((id) => Math.abs(document.querySelector(id).getBoundingClientRect().top) < 40, href);
    assert.ok(await page.locator(tid('nav-links')).isHidden(), 'the menu closes');
  }
}, PHONE));
