// Accessibility and layout: axe-core on the idle page, mid-episode and on the
// agent runner, trajectory tools, pack loader and Evaluation Lab; keyboard-only
// play and evaluation; the 390 px mobile layout; and screenshots of the desktop
// and mobile views (build/screenshots/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AXE, ROOT, act, playAs, screenshotDir, startMission, text, tid, useBrowser, waitDone, walkthrough,
} from './harness.mjs';

const PACK = `${ROOT}examples/packs/password-lockout/`;

const suite = useBrowser();

/** axe-core's serious and critical violations, as readable strings. */
async function axeViolations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join('\n  ')}`);
}

// addScriptTag injects axe inline, which the page's CSP rightly blocks: bypass it for this test only.
test('axe-core: no serious or critical violations, idle, mid-episode and done', () => suite.inPage(async ({ page }) => {
  assert.deepEqual(await axeViolations(page), [], 'idle page');
  await startMission(page, 'vague_complaint', 0);
  const steps = walkthrough('vague_complaint');
  for (const action of steps.slice(0, 3)) await act(page, action);
  await act(page, { action_type: 'ask_clarifying_question', message_to_customer: 'OK.' });  // with the engine's error shown
  await page.selectOption(tid('action-select'), 'search_kb');
  await page.click(tid('submit-action'));  // and the page's own refusal of an empty search
  await page.locator(tid('form-check')).waitFor();
  assert.deepEqual(await axeViolations(page), [], 'mid-episode');
  await act(page, steps[3]);
  assert.deepEqual(await axeViolations(page), [], 'episode over');
}, { bypassCSP: true }));

/** Runs the Evaluation Lab from its controls and waits for the results. */
async function runLab(page, policy, seeds) {
  await page.selectOption(tid('lab-policy'), policy);
  await page.fill(tid('lab-seeds'), String(seeds));
  await page.click(tid('lab-run'));
  await page.waitForFunction(() => document.querySelector('[data-testid="lab"]').dataset.state === 'done', null, { timeout: 20_000 });
}

test('axe-core: agent runner, LLM settings, trajectory tools, packs and the Evaluation Lab', () => suite.inPage(async ({ page }) => {
  await playAs(page, 'reference', 'vip_outage', 1);
  await waitDone(page);
  await page.click(tid('copy-link'));
  await page.setInputFiles(tid('pack-files'), [{ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{') }]);
  await page.locator(tid('pack-error')).waitFor();
  await runLab(page, 'random', 20);
  await page.selectOption(tid('lab-policy'), 'llm');
  await page.selectOption(tid('player-select'), 'llm');
  assert.deepEqual(await axeViolations(page), [], 'agent panel, LLM settings, share link, pack error, lab results');
  await page.setInputFiles(tid('pack-files'), [`${PACK}missions/01_account_lockout.json`, `${PACK}kb/articles.json`, `${PACK}lexicon/lockout.json`]);
  await page.locator(tid('pack-active')).waitFor();
  assert.deepEqual(await axeViolations(page), [], 'a pack loaded');
}, { bypassCSP: true }));

test('landmarks, headings and labels are in place', () => suite.inPage(async ({ page }) => {
  const outline = await page.evaluate(() => ({
    h1: [...document.querySelectorAll('h1')].map((h) => h.textContent.replace(/\s+/g, ' ').trim()),
    h2: [...document.querySelectorAll('h2')].map((h) => h.textContent.replace(/\s+/g, ' ').trim()),
    main: document.querySelectorAll('main').length,
    banner: document.querySelectorAll('body > header').length,
    contentinfo: document.querySelectorAll('body > footer').length,
    unlabelled: [...document.querySelectorAll('input, select, textarea')].filter((el) => !el.labels?.length).map((el) => el.id),
    lang: document.documentElement.lang,
  }));
  assert.deepEqual(outline.h1, ['Customer Support Command Center']);
  assert.deepEqual(outline.h2, ['6 Ticket Missions', '5 Core Actions. Policy-first execution.', 'Play the environment.',
    'Measure an agent. Thousands of episodes.', 'Setup in 60 seconds.']);
  assert.equal(outline.main, 1);
  assert.equal(outline.banner, 1);
  assert.equal(outline.contentinfo, 1);
  assert.deepEqual(outline.unlabelled, []);
  assert.equal(outline.lang, 'en');
  const progress = page.locator(tid('progress'));
  assert.equal(await progress.getAttribute('role'), 'progressbar');
  assert.equal(await progress.getAttribute('aria-valuemax'), '10');
  assert.equal(await page.locator(tid('conversation')).getAttribute('role'), 'log');
}));

/** Presses Tab (or Shift+Tab) until the focused element has the test id; keyboard only. */
async function tabTo(page, testid, { back = false, max = 60 } = {}) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((id) => document.activeElement?.dataset?.testid === id, testid)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`could not reach ${testid} with ${back ? 'Shift+Tab' : 'Tab'}`);
}

/** Changes the focused select with the arrow keys until it shows value. */
async function arrowTo(page, value) {
  const options = await page.evaluate(() => [...document.activeElement.options].map((o) => o.value));
  const from = options.indexOf(await page.evaluate(() => document.activeElement.value));
  const to = options.indexOf(value);
  assert.ok(to >= 0, `option ${value}`);
  for (let i = 0; i < Math.abs(to - from); i++) await page.keyboard.press(to > from ? 'ArrowDown' : 'ArrowUp');
  assert.equal(await page.evaluate(() => document.activeElement.value), value);
}

test('keyboard only: a whole mission played with Tab, arrows, typing and Enter', () => suite.inPage(async ({ page }) => {
  // The skip link is the first stop and leads to the demo.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
  assert.ok(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle !== 'none'
    || document.activeElement.getBoundingClientRect().top >= 0), 'the skip link is visible when focused');

  // Choose a mission card with Enter: the mission starts and focus lands on the action picker.
  await tabTo(page, 'mission-card-vague_complaint');
  const ring = await page.evaluate(() => getComputedStyle(document.activeElement, '::after').outlineStyle);
  assert.equal(ring, 'solid', 'the focused card shows a focus ring');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="demo"]').dataset.state === 'active');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'action-select');

  for (const action of walkthrough('vague_complaint')) {
    await tabTo(page, 'action-select', { back: true });
    await arrowTo(page, action.action_type);
    if (action.category_guess) {
      await tabTo(page, 'category-select');
      await arrowTo(page, action.category_guess);
    }
    if (action.search_query) {
      await tabTo(page, 'query-input');
      await page.keyboard.type(action.search_query);
    }
    if (action.message_to_customer) {
      await tabTo(page, 'message-input');
      await page.keyboard.type(action.message_to_customer);
    }
    const before = await page.locator(`${tid('reward-log')} > li`).count();
    if (action.action_type === 'resolve_ticket') {
      await page.keyboard.press('Control+Enter');  // the textarea's shortcut
    } else {
      await tabTo(page, 'submit-action');
      await page.keyboard.press('Enter');
    }
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="reward-log"] > li').length === n + 1, before);
  }
  assert.equal(await text(page, 'status-badge'), 'DONE');
  assert.equal(await page.locator(tid('outcome')).getAttribute('data-success'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'outcome');

  // From the outcome, Tab reaches its New Episode button; Enter starts the mission again.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'play-again');
  await page.keyboard.press('Enter');
  assert.equal(await text(page, 'status-badge'), 'ACTIVE');
  assert.equal(await text(page, 'ticket-steps'), '0 / 10');

  // The episode controls work from the keyboard too: Random via arrows, seed typed, Enter in the form.
  await tabTo(page, 'seed-input', { back: true });
  await page.keyboard.press('Control+A');
  await page.keyboard.type('3');
  await page.keyboard.press('Enter');
  assert.equal(await text(page, 'ticket-steps'), '0 / 10');
  assert.ok(await page.locator(tid('episode-error')).isHidden());
}));

test('keyboard only: an agent plays, and an evaluation runs', () => suite.inPage(async ({ page }) => {
  // Who plays: the reference agent, chosen with the arrows.
  await tabTo(page, 'player-select');
  await arrowTo(page, 'reference');
  assert.ok(await page.locator(tid('agent-panel')).isVisible());
  await tabTo(page, 'speed-input');
  await page.keyboard.press('End');
  assert.equal(await page.locator(tid('speed-value')).textContent(), 'Max');
  await tabTo(page, 'play-pause');
  await page.keyboard.press('Enter');
  await waitDone(page);
  assert.equal(await page.locator(tid('outcome')).getAttribute('data-success'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'play-pause', 'focus stays on Play');

  // The trajectory tools are next in the tab order.
  await tabTo(page, 'export-trajectory');
  await tabTo(page, 'import-trajectory');
  await tabTo(page, 'copy-link');
  await page.keyboard.press('Enter');
  await page.locator(tid('share-url')).waitFor();

  // The Evaluation Lab: untick missions with Space, type N, Enter runs it.
  await tabTo(page, 'lab-mission-billing_receipt');
  await page.keyboard.press('Space');
  assert.equal(await page.locator(tid('lab-mission-billing_receipt')).isChecked(), false);
  await tabTo(page, 'lab-seeds');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('30');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="lab"]').dataset.state === 'done');
  assert.equal(await page.locator(`${tid('lab-table')} tbody tr`).count(), 5);
  await tabTo(page, 'lab-run');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="lab-results"]').dataset.runs === '2');
}));

test('mobile 390×844: no horizontal scroll, and the demo plays by touch', () => suite.inPage(async ({ page }) => {
  const overflow = () => page.evaluate(() => document.scrollingElement.scrollWidth - innerWidth);
  assert.ok(await overflow() <= 0, 'idle page fits');
  await page.tap(tid('mission-card-plan_refund_difference'));
  await page.waitForFunction(() => document.querySelector('[data-testid="demo"]').dataset.state === 'active');
  const steps = walkthrough('plan_refund_difference');
  for (const action of steps.slice(0, -1)) await act(page, action);
  await act(page, { action_type: 'ask_clarifying_question', message_to_customer: 'x'.repeat(400) });  // one long unbroken word
  assert.ok(await overflow() <= 0, 'mid-episode page fits');
  for (const id of ['action-select', 'message-input', 'submit-action', 'new-episode', 'seed-input']) {
    const box = await page.locator(tid(id)).boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 390, `${id} is inside the viewport`);
    assert.ok(box.height >= 40, `${id} is a comfortable touch target`);
  }
  await act(page, steps.at(-1));
  assert.equal(await page.locator(tid('outcome')).getAttribute('data-success'), 'true');
  assert.ok(await overflow() <= 0, 'finished page fits');
}, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }));

test('mobile 390×844: the agent runner, packs and Evaluation Lab fit', () => suite.inPage(async ({ page }) => {
  const overflow = () => page.evaluate(() => document.scrollingElement.scrollWidth - innerWidth);
  await page.setInputFiles(tid('pack-files'), [`${PACK}missions/01_account_lockout.json`, `${PACK}kb/articles.json`, `${PACK}lexicon/lockout.json`]);
  await page.locator(tid('pack-active')).waitFor();
  await playAs(page, 'reference', 'account_lockout', 0);
  await waitDone(page);
  await page.click(tid('copy-link'));
  await runLab(page, 'reference', 1000);
  await page.selectOption(tid('player-select'), 'llm');
  assert.ok(await overflow() <= 0, 'the page fits');
  for (const id of ['player-select', 'play-pause', 'step-once', 'speed-input', 'llm-base', 'llm-token', 'export-trajectory', 'copy-link',
    'pack-reset', 'lab-run', 'lab-seeds', 'lab-policy']) {
    const box = await page.locator(tid(id)).boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 390, `${id} is inside the viewport`);
    assert.ok(box.height >= 40, `${id} is a comfortable touch target`);
  }
  const table = await page.locator('.table-wrap').first().evaluate((el) => ({ scroll: el.scrollWidth > el.clientWidth, width: el.getBoundingClientRect().right }));
  assert.ok(table.scroll && table.width <= 390, 'the wide table scrolls inside its own box');
}, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }));

test('reduced motion stops the ticker; otherwise it moves and can be paused', async () => {
  const animation = (page) => page.evaluate(() => getComputedStyle(document.querySelector('.ticker-belt')).animationName);
  await suite.inPage(async ({ page }) => assert.equal(await animation(page), 'none'), { reducedMotion: 'reduce' });
  await suite.inPage(async ({ page }) => {
    assert.equal(await animation(page), 'ticker');
    await page.click(tid('ticker-toggle'));
    assert.equal(await page.locator(tid('ticker-toggle')).getAttribute('aria-pressed'), 'true');
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.ticker-belt')).animationPlayState), 'paused');
  }, { reducedMotion: 'no-preference' });
});

test('screenshots: desktop and mobile, idle, mid-episode and done', async () => {
  const dir = screenshotDir();
  for (const [name, options] of [
    ['desktop', { viewport: { width: 1280, height: 800 } }],
    ['mobile', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 }],
  ]) {
    await suite.inPage(async ({ page }) => {
      await page.evaluate(() => document.fonts.ready);
      await page.screenshot({ path: `${dir}${name}-idle.png`, fullPage: true, animations: 'disabled' });
      await startMission(page, 'vague_complaint', 0);
      const steps = walkthrough('vague_complaint');
      for (const action of steps.slice(0, 3)) await act(page, action);
      await page.selectOption(tid('action-select'), 'resolve_ticket');
      await page.fill(tid('message-input'), steps[3].message_to_customer);
      await page.screenshot({ path: `${dir}${name}-mid.png`, fullPage: true, animations: 'disabled' });
      await page.click(tid('submit-action'));
      await page.locator(tid('outcome')).waitFor();
      await page.screenshot({ path: `${dir}${name}-done.png`, fullPage: true, animations: 'disabled' });

      // The extras: an agent playing, a pack loaded, the Evaluation Lab's results.
      await page.setInputFiles(tid('pack-files'), [`${PACK}missions/01_account_lockout.json`, `${PACK}kb/articles.json`, `${PACK}lexicon/lockout.json`]);
      await page.locator(tid('pack-active')).waitFor();
      await page.locator('#missions').screenshot({ path: `${dir}${name}-pack.png`, animations: 'disabled' });
      await page.click(tid('pack-reset'));
      await page.selectOption(tid('lab-policy'), 'random');
      await page.fill(tid('lab-seeds'), '10');
      await page.click(tid('lab-run'));
      await page.waitForFunction(() => document.querySelector('[data-testid="lab"]').dataset.state === 'done');
      await page.locator('#lab').screenshot({ path: `${dir}${name}-lab.png`, animations: 'disabled' });
      await page.selectOption(tid('lab-policy'), 'reference');
      await page.fill(tid('lab-seeds'), '1000');
      await page.click(tid('lab-run'));
      await page.waitForFunction(() => document.querySelector('[data-testid="lab-results"]').dataset.runs === '2');
      await page.locator('#lab').screenshot({ path: `${dir}${name}-lab-1000.png`, animations: 'disabled' });
      await playAs(page, 'reference', 'dashboard_404', 0);
      await waitDone(page);
      await page.click(tid('copy-link'));
      await page.locator('#demo').screenshot({ path: `${dir}${name}-agent.png`, animations: 'disabled' });
      await page.selectOption(tid('player-select'), 'llm');
      await page.locator(tid('agent-panel')).screenshot({ path: `${dir}${name}-llm.png`, animations: 'disabled' });
    }, options);
  }
});
