// Trajectories: export an episode as JSONL (inference.py's format), import it
// back to replay through the engine, and share an episode as a link that
// reopens it at the same step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { act, panels, playAs, startMission, tid, useBrowser, waitDone, walkthrough } from './harness.mjs';

// The engine's version, from the command-line program built from the same sources.
const VERSION = JSON.parse(spawnSync(new URL('../../build/native/support-env', import.meta.url).pathname, [],
  { input: '{"op":"spec"}\n', encoding: 'utf8' }).stdout).spec.env_version;
const OTHER = `${VERSION}-other`;

const suite = useBrowser();

async function exportTrajectory(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(tid('export-trajectory'))]);
  return { name: download.suggestedFilename(), text: await readFile(await download.path(), 'utf8') };
}

/** Chooses a file in the import picker and waits until the page has read it (the replay has started, or the error names the file). */
async function importTrajectory(page, name, text) {
  await page.setInputFiles(tid('import-trajectory'), { name, mimeType: 'application/x-ndjson', buffer: Buffer.from(text) });
  await page.waitForFunction((file) => ['trajectory-status', 'trajectory-error'].some((id) =>
    document.querySelector(`[data-testid="${id}"]`).textContent.includes(file)), name);
}

test('export → import: the replay goes through the engine and shows the same steps and rewards', () => suite.inPage(async ({ page }) => {
  assert.ok(await page.locator(tid('export-trajectory')).isDisabled(), 'nothing to export yet');
  // A person's episode, with an invalid step in it.
  await startMission(page, 'vague_complaint', 1);
  await act(page, { action_type: 'ask_clarifying_question', message_to_customer: 'OK.' });
  for (const action of walkthrough('vague_complaint')) await act(page, action);
  const played = await panels(page);
  const file = await exportTrajectory(page);
  assert.equal(file.name, 'trajectory-vague_complaint-1.jsonl');
  const lines = file.text.trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 5);
  for (const [i, line] of lines.entries()) {
    assert.deepEqual(Object.keys(line), ['env_version', 'task', 'seed', 'step', 'action', 'observation', 'reward', 'reason', 'done']);
    assert.equal(line.env_version, line.observation.env_version);
    assert.equal(line.env_version, VERSION);
    assert.equal(line.task, 'vague_complaint');
    assert.equal(line.seed, 1);
    assert.equal(line.step, i + 1);
    assert.equal(line.observation.step_count, i + 1);
    assert.equal(line.reward, Number(played.rewards[i]));
    assert.equal(line.reason, played.log[i]);
    assert.equal(line.done, i === 4);
  }
  assert.deepEqual(lines[0].action, { action_type: 'ask_clarifying_question', message_to_customer: 'OK.' });
  assert.equal(typeof lines[0].observation.last_action_error, 'string');

  // Import it in a fresh page: it replays step by step, at the chosen speed.
  await page.reload();
  await page.waitForSelector('html[data-extras="ready"]');
  await importTrajectory(page, file.name, file.text);
  await page.fill(tid('speed-input'), '4');  // the speed control comes with the replay
  await waitDone(page);
  assert.equal(await page.locator(tid('player-select')).inputValue(), 'replay');
  assert.deepEqual(await panels(page), played, 'same ticket, steps, rewards, reasons and conversation');
  assert.match(await page.locator(tid('trajectory-status')).innerText(), /imported trajectory-vague_complaint-1\.jsonl/i);
  assert.ok(await page.locator(tid('replay-warning')).isHidden(), 'the engine agrees with every recorded reward');
  assert.ok(await page.locator(tid('version-notice')).isHidden(), 'same version: no notice');

  // A tampered reward is flagged, visibly; the engine's reward is what is shown.
  lines[3].reward = 0.9;
  await importTrajectory(page, 'tampered.jsonl', lines.map((l) => JSON.stringify(l)).join('\n'));
  await waitDone(page);
  assert.match(await page.locator(tid('replay-warning')).innerText(), /Step 4: the file records \+0\.90, the engine gives \+0\.05/);
  assert.equal((await panels(page)).rewards[3], played.rewards[3]);

  // Not a trajectory: the problem, by line.
  await importTrajectory(page, 'notes.jsonl', '{"task":"vague_complaint","seed":1,"step":1,"action":{}}\nhello\n');
  assert.match(await page.locator(tid('trajectory-error')).innerText(), /^notes\.jsonl: line 2: not JSON/);
}));

test('a file of several episodes (inference.py) lets you pick the one to replay', () => suite.inPage(async ({ page }) => {
  await playAs(page, 'reference', 'billing_receipt', 0);
  await waitDone(page);
  const a = await exportTrajectory(page);
  await playAs(page, 'random', 'digital_refund', 5);
  await waitDone(page);
  const second = await panels(page);
  const b = await exportTrajectory(page);
  await importTrajectory(page, 'run.jsonl', a.text + b.text);
  await waitDone(page);
  assert.equal(await page.locator(`${tid('replay-episode')} option`).count(), 2);
  await page.selectOption(tid('replay-episode'), '1');
  await page.click(tid('play-pause'));
  await waitDone(page);
  assert.deepEqual(await panels(page), second);
}));

test('a share link reopens the same episode at the same step', () => suite.inPage(async ({ page, context }) => {
  await startMission(page, 'plan_refund_difference', 2);
  const steps = walkthrough('plan_refund_difference');
  for (const action of steps.slice(0, 2)) await act(page, action);
  await act(page, { action_type: 'ask_clarifying_question', message_to_customer: 'Ünïcødé ✓ and "quotes" <b>?</b>' });
  const shown = await panels(page);
  await page.click(tid('copy-link'));
  const link = await page.locator(tid('share-url')).inputValue();
  assert.match(link, /#play=[A-Za-z0-9_-]+$/);
  const payload = JSON.parse(Buffer.from(link.split('#play=')[1], 'base64url').toString('utf8'));
  assert.equal(payload.v, VERSION, 'the link names the environment version');
  assert.match(await page.locator(tid('trajectory-status')).innerText(), /plan_refund_difference, seed 2, at step 3/);

  const other = await context.newPage();
  await other.goto(link);
  await other.waitForSelector('html[data-extras="ready"]');
  await other.waitForFunction(() => document.querySelector('[data-testid="ticket-steps"]').textContent.startsWith('3 '));
  const reopened = await panels(other);
  assert.deepEqual({ ...reopened, conversation: null }, { ...shown, conversation: null });
  assert.deepEqual(reopened.conversation, shown.conversation);
  assert.equal(await other.locator(tid('seed-input')).inputValue(), '2');
  assert.equal(await other.locator(tid('mission-select')).inputValue(), 'plan_refund_difference');
  assert.ok(await other.locator(tid('version-notice')).isHidden(), 'same version: no notice');
  // …and it plays on from there.
  await act(other, steps.at(-1));
  assert.equal(await other.locator(tid('outcome')).getAttribute('data-success'), 'true');

  // A mangled link is reported, not thrown.
  await other.goto(`${suite.url}#play=nonsense!`);
  await other.waitForSelector('html[data-extras="ready"]');
  const banner = other.locator(tid('link-banner'));
  assert.match(await banner.innerText(), /share link could not be opened/);
  assert.ok(await banner.isVisible());
  await other.close();
}));

/** A #play= link for the payload, as older or other builds of the page wrote it. */
const linkFor = (payload) => `${suite.url}#play=${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;

test('a share link from another environment version says so and still replays', () => suite.inPage(async ({ page }) => {
  const actions = walkthrough('billing_receipt');
  await page.goto(linkFor({ v: OTHER, t: 'billing_receipt', s: 0, a: actions.slice(0, 2) }));
  await page.waitForSelector('html[data-extras="ready"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="ticket-steps"]').textContent.startsWith('2 '));
  const notice = page.locator(tid('version-notice'));
  assert.ok(await notice.isVisible(), 'the notice is shown');
  assert.equal(await notice.innerText(),
    `This link was made with environment version ${OTHER}; this page runs ${VERSION}. Rewards may differ.`);
  // The replay went ahead: the engine's rewards for the two steps.
  assert.deepEqual((await panels(page)).rewards.map(Number), [0.03, 0.05]);

  // A link from before versions (no "v") says it predates them, and replays too.
  await page.goto(linkFor({ t: 'billing_receipt', s: 0, a: actions }));
  await page.waitForFunction(() => document.querySelector('[data-testid="outcome"]')?.dataset.success === 'true');
  assert.equal(await notice.innerText(),
    `This link predates environment versions (it names none); this page runs ${VERSION}. Rewards may differ.`);
  assert.ok(await notice.isVisible());

  // A new episode of one's own clears it.
  await startMission(page, 'dashboard_404', 0);
  assert.ok(await notice.isHidden(), 'the notice goes with the shared episode');
}));

test('an imported trajectory from another environment version, or from before versions, says so and still replays', () => suite.inPage(async ({ page }) => {
  await playAs(page, 'reference', 'digital_refund', 3);
  await waitDone(page);
  const played = await panels(page);
  const file = await exportTrajectory(page);
  const lines = file.text.trimEnd().split('\n').map((l) => JSON.parse(l));
  const notice = page.locator(tid('version-notice'));

  await importTrajectory(page, 'old.jsonl', lines.map((l) => JSON.stringify({ ...l, env_version: OTHER })).join('\n'));
  await page.fill(tid('speed-input'), '4');
  await waitDone(page);
  assert.equal(await notice.innerText(),
    `This trajectory was recorded with environment version ${OTHER}; this page runs ${VERSION}. Rewards may differ.`);
  assert.ok(await notice.isVisible());
  assert.deepEqual(await panels(page), played, 'the replay went ahead through the engine');

  const unversioned = lines.map(({ env_version, ...rest }) => JSON.stringify(rest)).join('\n');
  await importTrajectory(page, 'older.jsonl', unversioned);
  await waitDone(page);
  assert.equal(await notice.innerText(),
    `This trajectory predates environment versions (it names none); this page runs ${VERSION}. Rewards may differ.`);
  assert.deepEqual(await panels(page), played);

  // The page's own export: no notice.
  await importTrajectory(page, file.name, file.text);
  await waitDone(page);
  assert.ok(await notice.isHidden());
}));
