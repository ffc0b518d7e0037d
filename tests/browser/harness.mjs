// Shared by the browser tests: a server for dist/ (serve.py), a headless
// Chromium, and pages that record console errors, page errors and every
// request URL. Not a test file itself (node --test runs *.test.mjs).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SCREENSHOTS = `${ROOT}build/screenshots/`;
export const MESSAGES = JSON.parse(readFileSync(`${ROOT}tests/data/messages.json`, 'utf8')).missions;
export const AXE = `${ROOT}node_modules/axe-core/axe.min.js`;
export const TASKS = ['billing_receipt', 'dashboard_404', 'digital_refund', 'vip_outage', 'vague_complaint', 'plan_refund_difference'];
export { walkthrough } from '../js/helpers.mjs';

export const tid = (id) => `[data-testid="${id}"]`;

async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/** Starts `python3 serve.py --no-build --port 0` and resolves {url, stop, process}. */
export async function startServer() {
  const command = process.env.SUPPORT_ENV_SERVER === 'http.server'
    ? ['-m', 'http.server', String(await freePort()), '-d', `${ROOT}dist`, '--bind', '127.0.0.1']
    : [`${ROOT}serve.py`, '--no-build', '--quiet', '--port', '0'];
  const child = spawn('python3', command, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  // A loaded CI machine can take many seconds to import FastAPI; a server that
  // never announces itself is killed, so the test process does not hang on it.
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in 60 s:\n${output}`));
    }, 60_000);
    const onData = (chunk) => {
      output += chunk;
      const match = /Serving (?:HTTP on \S+ port (\d+)|(http:\/\/\S+))/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[2] ?? `http://127.0.0.1:${match[1]}/`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}):\n${output}`)); });
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  };
  return { url: url.endsWith('/') ? url : `${url}/`, stop, process: child };
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/**
 * A fresh context and page that record problems: console errors, page errors,
 * and every request that leaves `origin`.
 */
export async function openPage(browser, origin, contextOptions = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce', ...contextOptions });
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  context.on('request', (request) => requests.push(request.url()));
  const foreign = () => requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'));
  return { context, page, problems, requests, foreign };
}

/** Loads the page and waits until the demo is playable. */
export async function gotoReady(page, url) {
  await page.goto(url);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 10_000 });
}

/** When the page asks before leaving an unfinished episode, answers "start the new one". */
export async function confirmLeave(page) {
  await page.waitForTimeout(50);
  if (await page.locator(`${tid('confirm-dialog')}[open]`).count()) await page.click(tid('confirm-switch'));
}

/** Chooses the mission's card (which starts it), sets the seed and starts a New Episode (confirming the switch if asked). */
export async function startMission(page, task, seed = 0) {
  await page.click(tid(`mission-card-${task}`));
  await confirmLeave(page);
  await page.fill(tid('seed-input'), String(seed));
  await page.click(tid('new-episode'));
  await confirmLeave(page);
  await page.waitForFunction((t) => document.querySelector('[data-testid="demo"]').dataset.state === 'active'
    && document.querySelector('[data-testid="mission-select"]').value === t, task);
}

/** Plays one action through the form: choose it, fill its one field, submit. */
export async function act(page, action) {
  await page.selectOption(tid('action-select'), action.action_type);
  if (action.category_guess !== undefined) await page.selectOption(tid('category-select'), action.category_guess);
  if (action.search_query !== undefined) await page.fill(tid('query-input'), action.search_query);
  if (action.message_to_customer !== undefined) await page.fill(tid('message-input'), action.message_to_customer);
  const before = await page.locator(`${tid('reward-log')} > li`).count();
  await page.click(tid('submit-action'));
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="reward-log"] > li').length === n + 1, before);
}

export const text = (page, id) => page.locator(tid(id)).innerText();

export function screenshotDir() {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return SCREENSHOTS;
}

/** Loads the page and waits until the extras (agents, trajectories, packs, Evaluation Lab) are ready too. */
export async function gotoExtras(page, url) {
  await gotoReady(page, url);
  await page.waitForSelector('html[data-extras="ready"]', { timeout: 10_000 });
}

/**
 * Runs fn(session) in a fresh context with the page loaded (extras ready, or
 * with `extras: false` only the demo), then asserts: no console or page error
 * (but those matching an `ignore` pattern), and no request outside `url`'s
 * origin (plus any `allow` origins, e.g. a stand-in model server on 127.0.0.1).
 */
export async function inPage(browser, url, fn, { allow = [], ignore = [], extras = true, ...options } = {}) {
  const session = await openPage(browser, url, options);
  try {
    await (extras ? gotoExtras : gotoReady)(session.page, url);
    await fn(session);
    const { default: assert } = await import('node:assert/strict');
    assert.deepEqual(session.problems.filter((p) => !ignore.some((re) => re.test(p))), [], 'console or page errors');
    const allowed = [...allow, `blob:${new URL(url).origin}/`];  // exported trajectories
    assert.deepEqual(session.foreign().filter((u) => !allowed.some((a) => u.startsWith(a))), [], 'requests that left the page’s origin');
    assert.ok(session.requests.every((u) => /^(blob:)?http:\/\/127\.0\.0\.1:/.test(u)), 'every request goes to 127.0.0.1');
  } finally {
    await session.context.close();
  }
}

/** Chooses who plays, the mission, the seed and the top speed, then presses Play (no wait). */
export async function playAs(page, who, task, seed = 0) {
  await page.selectOption(tid('player-select'), who);
  await page.selectOption(tid('mission-select'), task);
  await page.fill(tid('seed-input'), String(seed));
  await page.fill(tid('speed-input'), '4');
  await page.click(tid('play-pause'));
}

/** Waits until the demo's episode is over. */
export const waitDone = (page, timeout = 10_000) =>
  page.waitForFunction(() => document.querySelector('[data-testid="demo"]').dataset.state === 'done', null, { timeout });

/** What the demo panels show: the things a replay or a share link must reproduce. */
export const panels = (page) => page.evaluate(() => {
  const q = (id) => document.querySelector(`[data-testid="${id}"]`);
  return {
    ticket: q('ticket-id').textContent,
    steps: q('ticket-steps').textContent,
    total: q('reward-total').textContent,
    state: q('demo').dataset.state,
    rewards: [...q('reward-log').children].map((li) => li.dataset.reward),
    log: [...q('reward-log').querySelectorAll('.log-reason')].map((el) => el.textContent),
    conversation: [...q('conversation').querySelectorAll('.msg')].map((m) => `${m.dataset.role}: ${m.querySelector('.msg-text').textContent}`),
  };
});

/**
 * Registers a test file's before/after hooks: a server for dist/, a headless
 * Chromium and, with `engine: true`, the engine in Node (for expected results).
 * Returns the object the hooks fill in: {server, browser, env, url,
 * inPage(fn, options)}, the last being inPage() on this browser and server.
 */
export function useBrowser({ engine = false } = {}) {
  const suite = {
    server: null,
    browser: null,
    env: null,
    get url() { return suite.server.url; },
    inPage: (fn, options) => inPage(suite.browser, suite.server.url, fn, options),
  };
  before(async () => {
    const createEnv = engine ? (await import('../../dist/support-env.mjs')).default : () => null;
    [suite.server, suite.browser, suite.env] = await Promise.all([startServer(), launchBrowser(), createEnv()]);
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.stop();
  });
  return suite;
}
