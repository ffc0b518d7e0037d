// The Evaluation Lab: built-in policies over missions × N seeds, evaluated by
// the engine in the page; the table's mean and success are the engine's stats,
// its pass^k is C(c,k)/C(n,k) of the engine's n and c; the chart is drawn and labelled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { TASKS, tid, useBrowser } from './harness.mjs';

const suite = useBrowser();

async function runLab(page, { policy, seeds, first = 0, tasks = TASKS }) {
  for (const t of TASKS) await page.setChecked(tid(`lab-mission-${t}`), tasks.includes(t));
  await page.selectOption(tid('lab-policy'), policy);
  await page.fill(tid('lab-seeds'), String(seeds));
  await page.fill(tid('lab-first-seed'), String(first));
  const runs = Number(await page.getAttribute(tid('lab-results'), 'data-runs') ?? 0);
  await page.click(tid('lab-run'));
  await page.waitForFunction((n) => document.querySelector('[data-testid="lab"]').dataset.state === 'done'
    && document.querySelector('[data-testid="lab-results"]').dataset.runs === String(n + 1), runs, { timeout: 20_000 });
}

/** The results table: {task|'overall': {mean, success, k: {k: value}}}, from the cells' exact data-value. */
const table = (page) => page.evaluate(() => Object.fromEntries([...document.querySelectorAll('[data-testid^="lab-row-"]')].map((row) => {
  const cell = (sel) => Number(row.querySelector(sel).dataset.value);
  const k = Object.fromEntries([...row.querySelectorAll('[data-k]')].map((td) => [td.dataset.k, Number(td.dataset.value)]));
  return [row.dataset.testid.slice('lab-row-'.length), { mean: cell('[data-col="mean"]'), success: cell('[data-col="success"]'), k, text: row.innerText }];
})));

test('reference agent, 6 missions × 20 seeds: 100% success, pass^k = 1 for every k, chart and table', () => suite.inPage(async ({ page }) => {
  assert.ok(await page.locator(tid('lab-results')).isHidden(), 'no results before a run');
  await runLab(page, { policy: 'reference', seeds: 20 });
  const rows = await table(page);
  assert.deepEqual(Object.keys(rows), [...TASKS, 'overall']);
  for (const [task, row] of Object.entries(rows)) {
    assert.equal(row.success, 1, `${task}: success rate`);
    assert.ok(row.mean >= 0.9, `${task}: mean score ${row.mean}`);
    assert.deepEqual(Object.keys(row.k), ['1', '2', '5', '10', '20'], 'k = 1, 2, 5, 10 and N');
    for (const [k, v] of Object.entries(row.k)) assert.equal(v, 1, `${task}: pass^${k}`);
    assert.match(row.text, /100%/);
  }
  assert.equal(await page.locator(`${tid('lab-progress')}`).getAttribute('aria-valuenow'), '120');
  assert.match(await page.locator(tid('lab-status')).innerText(), /^120 episodes in \d+ (ms|s)/);
  assert.match(await page.locator(tid('lab-summary')).innerText(), /100%/);

  // The chart: two labelled SVG images, one line per mission plus the average.
  const chart = page.locator(tid('lab-chart'));
  assert.equal(await chart.locator('svg[role="group"]').count(), 2);
  for (const label of await chart.locator('svg[role="group"]').evaluateAll((svgs) => svgs.map((s) => s.getAttribute('aria-label')))) {
    assert.ok(label.length > 20, `chart label: ${label}`);
  }
  assert.equal(await chart.locator('polyline').count(), TASKS.length + 1);
  assert.equal(await chart.locator('rect.chart-bar').count(), TASKS.length);
  assert.equal(await page.locator(`${tid('lab-legend')} li`).count(), TASKS.length + 1);

  // The CSV: every k from 1 to N (the table shows a selection), the same numbers as the table.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(tid('lab-csv'))]);
  assert.equal(download.suggestedFilename(), 'evaluation-reference-20x-seed0.csv');
  const csv = (await readFile(await download.path(), 'utf8')).trimEnd().split('\n').map((l) => l.split(','));
  assert.deepEqual(csv[0], ['mission', 'title', 'episodes', 'successes', 'mean_score', 'success_rate',
    ...Array.from({ length: 20 }, (_, i) => `pass^${i + 1}`)]);
  assert.deepEqual(csv.slice(1).map((r) => r[0]), [...TASKS, 'overall']);
  for (const r of csv.slice(1)) {
    const key = r[0];
    assert.equal(Number(r[4]), Number(rows[key].mean.toFixed(4)), `${key}: mean in the CSV, rounded to 4 decimals`);
    assert.ok(r.slice(4).every((v) => !/\.\d{5}/.test(v)), `${key}: no more than 4 decimals`);
    assert.equal(Number(r[5]), 1);
    assert.deepEqual(r.slice(6).map(Number), Array(20).fill(1), `${key}: pass^1…pass^20`);
  }
}));

test('random agent: lower scores; mean and success are the engine’s stats, pass^k of its n and c', () => suite.inPage(async ({ page }) => {
  const seeds = 8;
  const first = 3;
  await runLab(page, { policy: 'random', seeds, first });
  const rows = await table(page);
  const expected = await page.evaluate(async ({ seeds, first }) => {
    const { default: createSupportEnv } = await import('./support-env.mjs');
    const { passHatK } = await import('./app/metrics.js');
    const env = await createSupportEnv();
    const { results, overall } = env.evaluate({ policy: 'random', seeds, firstSeed: first });
    const k = (c) => Object.fromEntries(Array.from({ length: seeds }, (_, i) => [String(i + 1), passHatK(seeds, c, i + 1)]));
    return {
      ...Object.fromEntries(results.map((r) => [r.task, { mean: r.stats.mean_score, success: r.stats.success_rate, k: k(r.stats.successes) }])),
      overall: { mean: overall.mean_score, success: overall.success_rate },
    };
  }, { seeds, first });
  for (const task of TASKS) {
    const { text: _, ...row } = rows[task];
    assert.deepEqual(row, expected[task], task);
  }
  assert.equal(rows.overall.mean, expected.overall.mean, 'overall: the engine’s mean over the run');
  assert.equal(rows.overall.success, expected.overall.success);
  const avg = (f) => TASKS.reduce((s, t) => s + f(expected[t]), 0) / TASKS.length;
  assert.ok(Math.abs(rows.overall.k['1'] - avg((e) => e.k['1'])) < 1e-12, 'overall pass^k: the average over missions');
  assert.ok(rows.overall.mean < 0.5, `random scores lower: ${rows.overall.mean}`);
  assert.ok(rows.overall.success < 0.5);
  assert.deepEqual(Object.keys(rows.overall.k), ['1', '2', '3', '4', '5', '6', '7', '8'], 'N ≤ 10: every k');
  assert.equal(await page.locator(`${tid('lab-chart')} .chart-series:not(.chart-overall) > :is(.chart-dot, .chart-cross)`).count(), TASKS.length * seeds,
    'a marker at every point of each mission’s curve');

  // One mission, bad input refused before anything runs.
  await page.fill(tid('lab-seeds'), '1001');
  await page.click(tid('lab-run'));
  assert.match(await page.locator(tid('lab-error')).innerText(), /1 to 1000/);
  await page.fill(tid('lab-seeds'), '5');
  await page.click(tid('lab-none'));
  await page.click(tid('lab-run'));
  assert.match(await page.locator(tid('lab-error')).innerText(), /at least one mission/);
  await runLab(page, { policy: 'reference', seeds: 5, tasks: ['digital_refund'] });
  assert.deepEqual(Object.keys(await table(page)), ['digital_refund', 'overall']);
  assert.ok(await page.locator(tid('lab-error')).isHidden());
}));

test('saved runs keep the engine’s figures; a run saved before the engine reported them still shows', () => suite.inPage(async ({ page }) => {
  await runLab(page, { policy: 'random', seeds: 4, tasks: ['digital_refund', 'vip_outage'] });
  const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('support-cc.lab-runs')));
  assert.equal(saved.length, 1);
  const expected = await page.evaluate(async () => {
    const { default: createSupportEnv } = await import('./support-env.mjs');
    return (await createSupportEnv()).evaluate({ policy: 'random', tasks: ['digital_refund', 'vip_outage'], seeds: 4 });
  });
  assert.deepEqual(saved[0].results.map((r) => r.stats), expected.results.map((r) => r.stats), 'each mission’s stats as the engine gave them');
  assert.deepEqual(saved[0].overall, expected.overall);

  // A run from before: scores and successes only (hundredths, a 0/1 string), no stats.
  const legacy = { ...saved[0], id: 'legacy', number: 0, n: 2, results: [{ task: 'digital_refund', scores: [98, 30], success: '10' }] };
  delete legacy.overall;
  await page.evaluate((runs) => localStorage.setItem('support-cc.lab-runs', JSON.stringify(runs)), [saved[0], legacy]);
  await page.reload();
  await page.waitForSelector('html[data-extras="ready"]');
  assert.match(await page.locator(tid('lab-saved-0')).innerText(), /mean 0\.640, success 50%/);
  await page.click(tid('lab-show-0'));
  const rows = await table(page);
  assert.deepEqual([rows.digital_refund.mean, rows.digital_refund.success, rows.overall.mean], [0.64, 0.5, 0.64]);
}));
