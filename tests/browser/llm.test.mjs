// The LLM agent against a stand-in Chat Completions server on 127.0.0.1 that
// answers with scripted actions (the reference policy's, computed by the
// engine in Node): it wins, the request carries the Bearer token, a malformed
// reply or an HTTP error is shown on the page, 5xx is retried, and the token
// never reaches exports, share links, logs or (unless asked) localStorage.
// Blind by default: no request tells the model a reward, a reason or the
// score (player and Lab); "Show rewards to the model" does, and exports and
// Lab results record the mode.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { panels, playAs, tid, useBrowser, waitDone } from './harness.mjs';

const TOKEN = 'sk-test-5ecret-7d1f0c';
// Chromium itself logs a failed request as a console error; the scripted failures cause these on purpose.
const HTTP_ERROR = /^console: Failed to load resource: (the server responded with a status of (401|503)|net::ERR_CONNECTION_REFUSED)/;

const suite = useBrowser({ engine: true });
let model;       // the stand-in endpoint
let closedPort;  // where nothing listens
before(async () => {
  model = await startModel();
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  closedPort = probe.address().port;
  probe.close();
});
after(() => model?.server.close());

/** The reference policy's actions for an episode, as the engine plays it, with each step's result. */
function referenceActions(task, seed) {
  let obs = suite.env.reset({ task, seed }).observation;
  const actions = [];
  const results = [];
  while (!obs.done) {
    const { action } = suite.env.act({ policy: 'reference' });
    actions.push(action);
    results.push(suite.env.step(action));
    obs = results.at(-1).observation;
  }
  return { actions, obs, results };
}

/** No request told the model a reward, a reason (of the steps given), the score or the outcome. */
function assertBlind(requests, results) {
  assert.ok(requests.length > 0);
  for (const r of requests) {
    for (const m of r.body.messages.filter((x) => x.role !== 'assistant')) {
      assert.doesNotMatch(m.content, /reward|cumulative|total so far|\bscore\b|success|outcome|\+\d\.\d\d/i);
      for (const { info } of results) assert.ok(!m.content.includes(info.reason), `the reason “${info.reason}” reached the model`);
    }
  }
}

/** Each turn after the first told the model the previous step's reward, reason and total. */
function assertFeedback(requests, results) {
  assert.match(requests[0].body.messages[0].content, /reward/);
  for (const [i, result] of results.slice(0, -1).entries()) {
    const turn = requests[i + 1].body.messages.at(-1).content;
    assert.ok(turn.includes(`Reward for your last action: ${result.reward.toFixed(2)} (total so far ${result.observation.cumulative_reward.toFixed(2)}). ${result.info.reason}`), turn);
  }
}

/**
 * A stand-in OpenAI-compatible endpoint. script(episodes): each episode is a
 * list of replies (a string is the message content), matched to a
 * conversation by its first user message, and to a turn by the number of
 * assistant messages so far. fail(status, n): the next n requests get status.
 */
async function startModel() {
  const requests = [];
  let pending = [];
  let failures = [];
  let delay = 0;
  const episodes = new Map();
  const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'Authorization, Content-Type', 'Access-Control-Allow-Methods': 'POST, OPTIONS' };
  const http = createServer(async (req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'Access-Control-Max-Age': '600' }).end();
      return;
    }
    let body = '';
    for await (const chunk of req) body += chunk;
    const request = { url: req.url, authorization: req.headers.authorization, body: JSON.parse(body) };
    requests.push(request);
    if (delay) await new Promise((r) => setTimeout(r, delay));
    const failure = failures.shift();
    if (failure) {
      res.writeHead(failure.status, { ...cors, 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { message: failure.message } }));
      return;
    }
    const { messages } = request.body;
    const key = messages[1].content;
    if (!episodes.has(key)) episodes.set(key, pending.shift() ?? []);
    const reply = episodes.get(key)[messages.filter((m) => m.role === 'assistant').length] ?? '{"action_type":"escalate_to_human"}';
    res.writeHead(200, { ...cors, 'Content-Type': 'application/json' })
      .end(JSON.stringify({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: reply } }] }));
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  return {
    server: http,
    base: `http://127.0.0.1:${http.address().port}/v1`,
    origin: `http://127.0.0.1:${http.address().port}/`,
    requests,
    script(list) { pending = list; episodes.clear(); requests.length = 0; failures = []; delay = 0; },
    fail(status, n = 1, message = 'scripted failure') { failures.push(...Array.from({ length: n }, () => ({ status, message }))); },
    slow(ms) { delay = ms; },
  };
}

async function configure(page, { remember = false, feedback = false } = {}) {
  await page.selectOption(tid('player-select'), 'llm');
  await page.fill(tid('llm-base'), model.base);
  await page.fill(tid('llm-model'), 'stand-in-model');
  await page.fill(tid('llm-token'), TOKEN);
  await page.setChecked(tid('llm-remember'), remember);
  await page.setChecked(tid('llm-feedback'), feedback);
}

const storage = (page) => page.evaluate(() => JSON.stringify({ ...localStorage }));

async function exported(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(tid('export-trajectory'))]);
  return readFile(await download.path(), 'utf8');
}

async function shareLink(page) {
  await page.click(tid('copy-link'));
  const link = await page.locator(tid('share-url')).inputValue();
  return `${link} ${Buffer.from(link.split('#play=')[1], 'base64url').toString('utf8')}`;
}

test('the LLM agent wins a mission; the token goes only into the Authorization header', () => suite.inPage(async ({ page }) => {
  const logs = [];
  page.on('console', (m) => logs.push(m.text()));
  const { actions, obs, results } = referenceActions('dashboard_404', 1);
  model.script([actions.map((a, i) => (i === 0
    ? `Sure! Here is my first action:\n\`\`\`json\n${JSON.stringify(a, null, 2)}\n\`\`\`\nLet me know.`
    : JSON.stringify(a)))]);
  model.fail(503);  // retried with backoff
  await configure(page);
  await playAs(page, 'llm', 'dashboard_404', 1);
  await waitDone(page, 20_000);

  assert.equal(await page.locator(tid('outcome')).getAttribute('data-success'), 'true');
  assert.equal((await panels(page)).total, `+${obs.cumulative_reward.toFixed(2)}`);
  assert.equal(model.requests.length, actions.length + 1, 'one request per step, plus the retried 503');
  for (const r of model.requests) {
    assert.equal(r.url, '/v1/chat/completions');
    assert.equal(r.authorization, `Bearer ${TOKEN}`);
    assert.equal(r.body.model, 'stand-in-model');
    assert.equal(r.body.temperature, 0);
    assert.equal(r.body.messages[0].role, 'system');
    assert.match(r.body.messages[0].content, /classify_issue/);
  }
  assert.match(model.requests[0].body.messages[1].content, /Steps used: 0 of 10/);
  assertBlind(model.requests, results.slice(0, -1));  // blind by default (the last step's reason is never sent)
  assert.ok(!(await page.locator(tid('llm-feedback')).isChecked()));
  assert.match(await page.locator(`${tid('conversation')} .msg-agent .msg-who`).first().innerText(), /llm agent/i);

  const file = await exported(page);
  assert.ok(!file.includes(TOKEN), 'not in the exported trajectory');
  assert.deepEqual(file.trimEnd().split('\n').map((l) => JSON.parse(l).feedback), actions.map(() => false), 'the export records the blind mode');
  assert.ok(!(await shareLink(page)).includes(TOKEN), 'not in the share link');
  assert.ok(!(await storage(page)).includes(TOKEN), 'not in localStorage');
  assert.ok(!logs.some((l) => l.includes(TOKEN)), 'not in the console');
  assert.ok(!(await page.content()).includes(TOKEN), 'not in the page’s markup');
}, { allow: [model.origin], ignore: [HTTP_ERROR] }));

test('a malformed reply is an invalid step with its problem shown; HTTP errors are shown clearly', () => suite.inPage(async ({ page }) => {
  const { actions } = referenceActions('billing_receipt', 0);
  model.script([['I would classify this as billing, probably.', ...actions.map((a) => JSON.stringify(a))]]);
  await configure(page);
  await page.selectOption(tid('mission-select'), 'billing_receipt');
  await page.click(tid('step-once'));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="reward-log"] > li').length === 1);
  const error = page.locator(tid('agent-error'));
  assert.match(await error.innerText(), /reply could not be used: the model’s reply has no JSON object: “I would classify this as billing, probably\.”/);
  assert.match(await error.innerText(), /invalid step/);
  assert.equal(await error.getAttribute('role'), 'alert');
  assert.match(await page.locator(`${tid('reward-log')} > li`).first().innerText(), /Invalid/);
  assert.equal(await page.locator(`${tid('reward-log')} > li`).first().getAttribute('data-reward'), '0');
  // The model is told, and the episode goes on to a win.
  await page.fill(tid('speed-input'), '4');
  await page.click(tid('play-pause'));
  await waitDone(page, 20_000);
  assert.match(model.requests[1].body.messages.at(-1).content, /could not be used as an action/);
  assert.equal(await page.locator(tid('outcome')).getAttribute('data-success'), 'true');
  assert.ok(await error.isHidden(), 'the next good step clears the error');

  // HTTP 401: no retry, no step taken, the status and the server's message shown.
  model.fail(401, 1, 'invalid api key');
  await page.click(tid('play-pause'));
  await error.waitFor();
  assert.match(await error.innerText(), /^HTTP 401 Unauthorized from http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions: .*invalid api key/);
  assert.equal(await page.locator(`${tid('reward-log')} > li`).count(), 0, 'a new episode, no step taken');
  assert.equal(await page.locator(tid('play-pause')).evaluate((b) => b.textContent.trim()), 'Play');

  // Unreachable or missing settings: said so, nothing thrown.
  await page.fill(tid('llm-base'), `http://127.0.0.1:${closedPort}/v1`);
  await page.click(tid('step-once'));
  await page.waitForFunction(() => /cannot reach/.test(document.querySelector('[data-testid="agent-error"]').textContent), null, { timeout: 20_000 });
  await page.fill(tid('llm-model'), '');
  await page.click(tid('step-once'));
  await page.waitForFunction(() => /model name/.test(document.querySelector('[data-testid="agent-error"]').textContent));
}, { allow: [model.origin, `http://127.0.0.1:${closedPort}/`], ignore: [HTTP_ERROR] }));

test('"Show rewards to the model": each turn adds the reward and the reason; the export records it', () => suite.inPage(async ({ page }) => {
  const { actions, results } = referenceActions('billing_receipt', 2);
  model.script([actions.map((a) => JSON.stringify(a))]);
  await configure(page, { feedback: true });
  await playAs(page, 'llm', 'billing_receipt', 2);
  await waitDone(page, 20_000);
  assert.equal(await page.locator(tid('outcome')).getAttribute('data-success'), 'true');
  assert.equal(model.requests.length, actions.length);
  assertFeedback(model.requests, results);
  const lines = (await exported(page)).trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.feedback), actions.map(() => true));

  // Unticked: the next episode is blind again.
  model.script([actions.map((a) => JSON.stringify(a))]);
  await page.setChecked(tid('llm-feedback'), false);
  await playAs(page, 'llm', 'billing_receipt', 2);
  await waitDone(page, 20_000);
  assertBlind(model.requests, results.slice(0, -1));
}, { allow: [model.origin] }));

test('"remember on this device" keeps the token in localStorage, and only there', () => suite.inPage(async ({ page }) => {
  const { actions } = referenceActions('digital_refund', 0);
  model.script([actions.map((a) => JSON.stringify(a))]);
  await configure(page, { remember: true });
  assert.ok((await storage(page)).includes(TOKEN), 'remembered');
  await playAs(page, 'llm', 'digital_refund', 0);
  await waitDone(page, 20_000);
  assert.ok(!(await exported(page)).includes(TOKEN));
  assert.ok(!(await shareLink(page)).includes(TOKEN));

  // A reload brings the settings back; unticking forgets them on this device.
  await page.reload();
  await page.waitForSelector('html[data-extras="ready"]');
  await page.selectOption(tid('player-select'), 'llm');
  assert.equal(await page.locator(tid('llm-token')).inputValue(), TOKEN);
  assert.equal(await page.locator(tid('llm-base')).inputValue(), model.base);
  assert.ok(await page.locator(tid('llm-remember')).isChecked());
  await page.setChecked(tid('llm-remember'), false);
  assert.ok(!(await storage(page)).includes(TOKEN));
  assert.equal(await page.locator(tid('llm-token')).inputValue(), TOKEN, 'still in memory for this tab');
}, { allow: [model.origin] }));

test('Evaluation Lab with the LLM agent: episode by episode, with progress, cancellable', () => suite.inPage(async ({ page }) => {
  const seeds = [0, 1, 2];
  model.script(seeds.map((seed) => referenceActions('vip_outage', seed).actions.map((a) => JSON.stringify(a))));
  await configure(page);
  await page.selectOption(tid('lab-policy'), 'llm');
  assert.match(await page.locator(tid('lab-llm-text')).innerText(), /stand-in-model/);
  await page.click(tid('lab-none'));
  await page.check(tid('lab-mission-vip_outage'));
  await page.fill(tid('lab-seeds'), String(seeds.length));
  await page.click(tid('lab-run'));
  await page.waitForFunction(() => document.querySelector('[data-testid="lab"]').dataset.state === 'done', null, { timeout: 20_000 });
  const row = page.locator(tid('lab-row-vip_outage'));
  assert.equal(await row.locator('[data-col="success"]').getAttribute('data-value'), '1');
  assert.equal(await row.locator(`[data-k="${seeds.length}"]`).getAttribute('data-value'), '1');
  assert.equal(await page.locator(tid('lab-progress')).getAttribute('aria-valuenow'), String(seeds.length));
  assert.equal(await page.locator(tid('demo')).getAttribute('data-state'), 'idle', 'the demo is left alone');
  assert.equal(await page.locator(tid('lab-results')).getAttribute('data-feedback'), 'false');
  assert.match(await page.locator(tid('lab-status')).innerText(), /blind/);
  assertBlind(model.requests, seeds.flatMap((seed) => referenceActions('vip_outage', seed).results.slice(0, -1)));

  // With "Show rewards to the model": the Lab's episodes get the rewards, and its results say so.
  const runs = seeds.map((seed) => referenceActions('vip_outage', seed));
  model.script(runs.map((run) => run.actions.map((a) => JSON.stringify(a))));
  await page.setChecked(tid('llm-feedback'), true);
  assert.match(await page.locator(tid('lab-llm-text')).innerText(), /shown rewards/);
  await page.click(tid('lab-run'));
  await page.waitForFunction(() => document.querySelector('[data-testid="lab-results"]').dataset.runs === '2', null, { timeout: 20_000 });
  assert.equal(await page.locator(tid('lab-results')).getAttribute('data-feedback'), 'true');
  assert.match(await page.locator(tid('lab-status')).innerText(), /training mode/);
  assert.match(await page.locator(tid('lab-table-note')).innerText(), /shown rewards/);
  assert.equal(model.requests.length, runs.reduce((sum, run) => sum + run.actions.length, 0));
  let offset = 0;  // the Lab plays the seeds one after another
  for (const run of runs) {
    assertFeedback(model.requests.slice(offset, offset += run.actions.length), run.results);
  }
  await page.setChecked(tid('llm-feedback'), false);

  // Cancel mid-run: the request in flight is dropped and the run stops.
  model.script([]);
  model.slow(400);
  await page.fill(tid('lab-seeds'), '50');
  await page.click(tid('lab-run'));
  await page.waitForFunction(() => /seed 0, step/.test(document.querySelector('[data-testid="lab-progress-text"]').textContent));
  await page.click(tid('lab-cancel'));
  await page.waitForFunction(() => document.querySelector('[data-testid="lab"]').dataset.state === 'cancelled');
  assert.match(await page.locator(tid('lab-status')).innerText(), /cancelled/i);
  assert.ok(await page.locator(tid('lab-run')).isEnabled());
  assert.ok(model.requests.length < 10);
}, { allow: [model.origin] }));
