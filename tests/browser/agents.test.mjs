// The agent runner in the demo: the engine's reference and random agents play
// in the same panels (env.act, then env.step), at a chosen speed, with
// Play / Pause / Step. No console error, no request off 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { panels, playAs, text, tid, useBrowser, waitDone } from './harness.mjs';

const suite = useBrowser({ engine: true });

/** An element's text as written (innerText would apply the CSS uppercase). */
const label = (page, id) => page.locator(tid(id)).evaluate((el) => el.textContent.trim());

/** The built-in policy's episode, played in Node: [{action, reward, reason}], final observation. */
function episode(policy, task, seed) {
  let obs = suite.env.reset({ task, seed }).observation;
  const steps = [];
  while (!obs.done) {
    const { action } = suite.env.act({ policy });
    const r = suite.env.step(action);
    steps.push({ action, reward: r.reward, reason: r.info.reason });
    obs = r.observation;
  }
  return { steps, obs };
}

test('the reference agent plays a mission to success at max speed', () => suite.inPage(async ({ page }) => {
  assert.ok(await page.locator(tid('agent-panel')).isHidden(), 'You play by default');
  await playAs(page, 'reference', 'vague_complaint', 2);
  await waitDone(page);
  const expected = episode('reference', 'vague_complaint', 2);
  const shown = await panels(page);
  assert.equal(await page.locator(tid('outcome')).getAttribute('data-success'), 'true');
  assert.equal(shown.total, `+${expected.obs.cumulative_reward.toFixed(2)}`);
  assert.deepEqual(shown.log, expected.steps.map((s) => s.reason), 'the engine’s reasons, step by step');
  assert.equal(shown.steps, `${expected.steps.length} / 10`);
  assert.deepEqual(shown.conversation, expected.obs.conversation_history.map((m) => `${m.role}: ${m.text}`));
  assert.ok(await page.locator(tid('action-panel')).isHidden(), 'the form is not yours while an agent plays');
  assert.match(await page.locator(`${tid('conversation')} .msg-agent .msg-who`).first().innerText(), /reference agent/i);
  assert.deepEqual(JSON.parse(await text(page, 'agent-action')), expected.steps.at(-1).action, 'the last action sent');
  assert.match(await text(page, 'agent-status'), /episode over \(success/i);
  assert.equal(await label(page, 'play-pause'), 'Play');
}));

test('the random agent plays and the panels follow it; Pause and Step', () => suite.inPage(async ({ page }) => {
  const task = 'billing_receipt';
  const seed = 4;
  const expected = episode('random', task, seed);
  await page.selectOption(tid('player-select'), 'random');
  await page.selectOption(tid('mission-select'), task);
  await page.fill(tid('seed-input'), String(seed));
  // Step: a fresh episode and exactly one action.
  await page.click(tid('step-once'));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="reward-log"] > li').length === 1);
  assert.equal(await text(page, 'ticket-steps'), '1 / 10');
  assert.equal(await text(page, 'status-badge'), 'ACTIVE');
  assert.equal((await panels(page)).log[0], expected.steps[0].reason);
  // Play at the slowest speed, then Pause: the loop stops between steps.
  assert.ok(expected.steps.length > 3, 'this episode is long enough to pause');
  await page.fill(tid('speed-input'), '0');
  assert.equal(await label(page, 'speed-value'), '2 s / step');
  await page.click(tid('play-pause'));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="reward-log"] > li').length === 2);
  assert.equal(await label(page, 'play-pause'), 'Pause');
  await page.click(tid('play-pause'));
  assert.equal(await label(page, 'play-pause'), 'Play');
  await page.waitForTimeout(300);
  assert.equal(await page.locator(`${tid('reward-log')} > li`).count(), 2, 'paused');
  assert.match(await text(page, 'agent-status'), /paused at step 2/i);
  // Max speed to the end: every panel shows the engine's episode.
  await page.fill(tid('speed-input'), '4');
  await page.click(tid('play-pause'));
  await waitDone(page);
  const shown = await panels(page);
  assert.deepEqual(shown.rewards.map(Number), expected.steps.map((s) => s.reward));
  assert.deepEqual(shown.log, expected.steps.map((s) => s.reason));
  assert.equal(shown.total, `+${expected.obs.cumulative_reward.toFixed(2)}`);
  assert.equal(await text(page, 'sentiment-text'), expected.obs.sentiment);
  assert.equal(await page.locator(tid('outcome')).getAttribute('data-outcome'), expected.obs.outcome);

  // Switching to You hands the form back.
  await page.selectOption(tid('player-select'), 'you');
  assert.ok(await page.locator(tid('agent-panel')).isHidden());
  assert.ok(await page.locator(tid('action-panel')).isVisible());
}));
