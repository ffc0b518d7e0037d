// web/app/metrics.js: pass^k as τ-bench defines it (C(c,k)/C(n,k)), the
// table's k columns, and the per-mission summary, which takes its figures from
// the engine's stats (env.evaluate) and adds pass^k.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API } from './helpers.mjs';
import { mean, passCurve, passHatK, summarize, tableKs, toCsv } from '../../web/app/metrics.js';

const { default: createSupportEnv } = await import(API);

/** C(n, k) exactly. */
function binom(n, k) {
  let r = 1n;
  for (let i = 0n; i < BigInt(k); i++) r = (r * (BigInt(n) - i)) / (i + 1n);
  return r;
}

/** num / den as a double, from exact integers of any size. */
function ratio(num, den) {
  if (num === 0n) return 0;
  const shift = den.toString().length - num.toString().length + 20;
  const scaled = shift >= 0 ? (num * 10n ** BigInt(shift)) / den : num / (den * 10n ** BigInt(-shift));
  return Number(scaled) * 10 ** -Math.floor(shift / 2) * 10 ** -Math.ceil(shift / 2);
}

const exact = (n, c, k) => ratio(binom(c, k), binom(n, k));
const close = (actual, expected, rel = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected) + 1e-300, `${actual} ≉ ${expected}`);

test('pass^k: exact small values', () => {
  assert.equal(passHatK(1, 1, 1), 1);
  assert.equal(passHatK(1, 0, 1), 0);
  assert.equal(passHatK(5, 3, 1), 0.6);
  assert.equal(passHatK(5, 3, 2), 0.3);            // C(3,2)/C(5,2) = 3/10
  close(passHatK(5, 3, 3), 0.1);                   // 1/10
  assert.equal(passHatK(4, 2, 2), 1 / 6);          // 1/6
  close(passHatK(10, 7, 4), 35 / 210);             // C(7,4)/C(10,4)
  for (let n = 1; n <= 12; n++) {
    for (let c = 0; c <= n; c++) for (let k = 1; k <= n; k++) close(passHatK(n, c, k), exact(n, c, k));
  }
});

test('pass^k: edge cases', () => {
  for (const n of [1, 2, 10, 1000]) {
    for (let k = 1; k <= n; k++) {
      assert.equal(passHatK(n, n, k), 1, 'every trial succeeded: 1 for every k');
      assert.equal(passHatK(n, 0, k), 0, 'no success: 0 for every k');
    }
  }
  assert.equal(passHatK(10, 3, 4), 0, 'c < k');
  assert.equal(passHatK(10, 9, 10), 0, 'k = n needs every trial');
  assert.equal(passHatK(10, 4, 1), 0.4, 'pass^1 is the success rate');
  for (const [n, c, k] of [[0, 0, 1], [5, 6, 1], [5, -1, 1], [5, 3, 0], [5, 3, 6], [5.5, 3, 1], [5, 3, NaN]]) {
    assert.throws(() => passHatK(n, c, k), RangeError, `n=${n} c=${c} k=${k}`);
  }
});

test('pass^k: stable at n = 1000', () => {
  for (const c of [1, 10, 500, 900, 990, 999]) {
    for (const k of [1, 2, 5, 10, 50, 100, 500, 900, 999, 1000]) {
      const got = passHatK(1000, c, k);
      assert.ok(Number.isFinite(got) && got >= 0 && got <= 1);
      if (c < k) assert.equal(got, 0);
      else close(got, exact(1000, c, k), 1e-10);
    }
  }
  // Monotone in k, and the O(n) curve matches the closed form at every k.
  for (const c of [0, 1, 333, 999, 1000]) {
    const curve = passCurve(1000, c);
    assert.equal(curve.length, 1000);
    for (let k = 1; k <= 1000; k++) {
      assert.equal(curve[k - 1], passHatK(1000, c, k), `curve at c=${c} k=${k}`);
      if (k > 1) assert.ok(curve[k - 1] <= curve[k - 2]);
    }
  }
});

test('mean', () => {
  assert.equal(mean([]), 0);
  assert.equal(mean([0.98, 0.99]), 0.985);
});

test('table columns: every k up to 10, then 1, 2, 5, 10, … and N', () => {
  assert.deepEqual(tableKs(1), [1]);
  assert.deepEqual(tableKs(10), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(tableKs(11), [1, 2, 5, 10, 11]);
  assert.deepEqual(tableKs(20), [1, 2, 5, 10, 20]);
  assert.deepEqual(tableKs(100), [1, 2, 5, 10, 20, 50, 100]);
  assert.deepEqual(tableKs(1000), [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]);
  assert.deepEqual(tableKs(750), [1, 2, 5, 10, 20, 50, 100, 200, 500, 750]);
});

/** Engine-style stats: what env.evaluate() reports for a mission (only the fields summarize reads). */
const stats = (episodes, successes, mean_score, success_rate) => ({ episodes, successes, mean_score, success_rate });

test('summarize: the engine’s figures per mission and overall, pass^k from n and c', () => {
  // The figures are the engine's, read as they are: a mean unlike the scores' shows they are not recounted.
  const { missions, overall } = summarize([
    { task: 'a', scores: [0.99, 0.99, 0.99, 0.99], success: [true, true, true, true], stats: stats(4, 4, 0.99, 1) },
    { task: 'b', scores: [0.33, 0.98, 0.0, 0.98], success: [false, true, false, true], stats: stats(4, 2, 0.1234, 0.5) },
  ], stats(8, 6, 0.4321, 0.75));
  assert.deepEqual(missions.map((m) => [m.task, m.n, m.successes, m.mean, m.successRate]), [['a', 4, 4, 0.99, 1], ['b', 4, 2, 0.1234, 0.5]]);
  assert.deepEqual(missions[0].passK, [1, 1, 1, 1]);
  assert.deepEqual(missions[1].passK, [0.5, passHatK(4, 2, 2), 0, 0]);
  assert.deepEqual([overall.task, overall.n, overall.episodes, overall.successes, overall.mean, overall.successRate],
    [null, 4, 8, 6, 0.4321, 0.75]);
  assert.deepEqual(overall.passK, [0.75, (1 + 1 / 6) / 2, 0.5, 0.5], 'pass^k averaged over missions');
  // A mission with no finished episode: the engine's means are null, shown as 0, and pass^k is empty.
  const none = summarize([{ task: 'c', scores: [], success: [], stats: stats(0, 0, null, null) }], stats(0, 0, null, null));
  assert.deepEqual([none.missions[0].mean, none.missions[0].successRate, none.missions[0].passK], [0, 0, []]);
});

test('summarize on env.evaluate(): the engine’s mean and success count, pass^k of its n and c', async () => {
  const env = await createSupportEnv();
  const evaluation = env.evaluate({ policy: 'random', seeds: 40, firstSeed: 7 });
  const { missions, overall } = summarize(evaluation.results, evaluation.overall);
  for (const [i, r] of evaluation.results.entries()) {
    const m = missions[i];
    assert.equal(m.n, 40);
    assert.equal(m.successes, r.success.filter(Boolean).length, `${r.task}: the engine's count agrees with its episodes`);
    assert.equal(m.mean, r.stats.mean_score);
    assert.ok(Math.abs(m.mean - mean(r.scores)) <= 0.00005 + 1e-12, `${r.task}: the engine's mean, rounded to 4 decimals`);
    assert.deepEqual(m.passK, passCurve(40, m.successes));
  }
  assert.equal(overall.episodes, 240);
  assert.equal(overall.mean, evaluation.overall.mean_score);
  assert.equal(overall.successes, evaluation.overall.successes);
  // The reference policy wins every mission: successes equal episodes, pass^k is 1 at every k.
  const ref = env.evaluate({ policy: 'reference', seeds: 5 });
  const summary = summarize(ref.results, ref.overall);
  assert.deepEqual(summary.missions.map((m) => m.successes), Array(6).fill(5));
  assert.deepEqual([summary.overall.successes, summary.overall.episodes, summary.overall.successRate], [30, 30, 1]);
  assert.deepEqual(summary.overall.passK, [1, 1, 1, 1, 1]);
  env.close();
});

test('toCsv: every k from 1 to N, one row per mission and the overall average, quoted where needed, rounded to 4 decimals', () => {
  const summary = summarize([
    { task: 'a', scores: [0.98, 0.3, 0.98], success: [true, false, true], stats: stats(3, 2, 0.7533, 0.6667) },
    { task: 'b', scores: [0.98, 0.98, 0.98], success: [true, true, true], stats: stats(3, 3, 0.98, 1) },
  ], stats(6, 5, 0.8667, 0.8333));
  const csv = toCsv(summary, (t) => (t === 'a' ? 'Mission "A", first' : 'B'));
  const lines = csv.trimEnd().split('\n');
  assert.equal(lines.length, 4);
  assert.equal(lines[0], 'mission,title,episodes,successes,mean_score,success_rate,pass^1,pass^2,pass^3');
  assert.equal(lines[1], 'a,"Mission ""A"", first",3,2,0.7533,0.6667,0.6667,0.3333,0');
  assert.equal(lines[2], 'b,B,3,3,0.98,1,1,1,1');
  const overall = lines[3].split(',');
  assert.deepEqual(overall.slice(0, 6), ['overall', 'Overall (average over missions)', '6', '5', '0.8667', '0.8333']);
  assert.equal(Number(overall[8]), (0 + 1) / 2, 'pass^3 averaged over missions');
  assert.ok(csv.endsWith('\n'));
});
