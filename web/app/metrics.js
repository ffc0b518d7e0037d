// Evaluation metrics (pure functions, no DOM). The engine decides every score
// and success and aggregates them itself (episodes, successes, success rate,
// mean score: its stats, from env.evaluate() or env.stats()); this reads those
// figures and adds pass^k as τ-bench defines it, from each mission's n and c.

/**
 * pass^k for a task with n trials and c successes: the chance that k trials
 * drawn without replacement all succeed, C(c, k) / C(n, k) (0 when c < k).
 * Computed as the product ∏_{i<k} (c − i) / (n − i): every factor is ≤ 1, so
 * nothing overflows, even for n = 1000.
 */
export function passHatK(n, c, k) {
  if (![n, c, k].every(Number.isInteger) || n < 1 || c < 0 || c > n || k < 1 || k > n) {
    throw new RangeError(`passHatK needs integers 0 ≤ c ≤ n and 1 ≤ k ≤ n (got n=${n}, c=${c}, k=${k})`);
  }
  let p = 1;
  for (let i = 0; i < k && p > 0; i++) p *= (c - i) / (n - i);
  return p;
}

/** [pass^1, …, pass^n] for n trials with c successes, in O(n). */
export function passCurve(n, c) {
  const curve = [];
  let p = 1;
  for (let k = 1; k <= n; k++) {
    p *= Math.max(0, c - k + 1) / (n - k + 1);
    curve.push(p);
  }
  return curve;
}

export const mean = (values) => (values.length ? values.reduce((s, v) => s + v, 0) / values.length : 0);

/** The k columns of a results table: every k up to 10, else 1, 2, 5, 10, 20, 50, … and n. */
export function tableKs(n) {
  if (n <= 10) return Array.from({ length: n }, (_, i) => i + 1);
  const ks = [];
  for (let decade = 1; decade < n; decade *= 10) for (const m of [1, 2, 5]) if (m * decade < n) ks.push(m * decade);
  return [...ks, n];
}

// One mission's row (or the overall one, task null) from the engine's stats:
// {episodes, successes, success_rate, mean_score, …}; the means are null
// when no episode finished.
const figures = (task, stats) => ({
  task,
  n: stats.episodes,
  successes: stats.successes,
  mean: stats.mean_score ?? 0,
  successRate: stats.success_rate ?? 0,
});

/**
 * Per-mission and overall metrics of a run. `results` are env.evaluate()-style
 * [{task, scores[], success[], stats}], each with the engine's stats for its
 * mission; `overall` is the engine's stats over the whole run (evaluate's or
 * env.stats()'s `overall`). Episodes, successes, mean score and success rate
 * are the engine's; pass^k comes from each mission's n and c, and the overall
 * pass^k is its average over missions (τ-bench). Every mission of a run has
 * the same N, so the engine's overall mean is also the average over missions.
 */
export function summarize(results, overall) {
  const missions = results.map(({ task, stats }) => {
    const m = figures(task, stats);
    return { ...m, passK: m.n ? passCurve(m.n, m.successes) : [] };
  });
  const n = Math.min(...missions.map((m) => m.n));
  return {
    missions,
    overall: {
      ...figures(null, overall),
      episodes: overall.episodes,
      n,
      passK: Array.from({ length: Number.isFinite(n) ? n : 0 }, (_, i) => mean(missions.map((m) => m.passK[i]))),
    },
  };
}

const csvCell = (value) => (/[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/**
 * A rate or mean for a CSV: 4 decimals, trailing zeros dropped (0.9850 → 0.985,
 * 1.0000 → 1); a value too small for that keeps 3 significant digits (1.23e-7),
 * so a tiny pass^k never reads as 0.
 */
export function roundCsv(value) {
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && Math.abs(value) < 0.00005) return value.toPrecision(3).replace(/\.?0+e/, 'e');
  return String(Number(value.toFixed(4)));
}

/**
 * summarize()'s result as CSV: one row per mission and one for the overall
 * average, with pass^k for every k = 1…N (the table shows a selection).
 * titleOf(task) names a mission; numbers are rounded by roundCsv.
 */
export function toCsv({ missions, overall }, titleOf = (task) => task) {
  const n = overall.n;
  const header = ['mission', 'title', 'episodes', 'successes', 'mean_score', 'success_rate',
    ...Array.from({ length: n }, (_, i) => `pass^${i + 1}`)];
  const row = (m) => [m.task ?? 'overall', m.task === null ? 'Overall (average over missions)' : titleOf(m.task),
    m.task === null ? m.episodes : m.n, m.successes, roundCsv(m.mean), roundCsv(m.successRate),
    ...m.passK.slice(0, n).map(roundCsv)];
  return [header, ...missions.map(row), row(overall)].map((cells) => cells.map((c) => csvCell(String(c))).join(',')).join('\n') + '\n';
}

/**
 * Two runs side by side (each summarize()'s result): per mission both ran, and
 * overall, the mean score, success rate and pass^k at k = the smaller N, each
 * with B − A. Missions only one of them ran are listed in `only`.
 */
export function compareRuns(a, b) {
  const byTask = (run) => new Map(run.missions.map((m) => [m.task, m]));
  const A = byTask(a);
  const B = byTask(b);
  const common = [...A.keys()].filter((t) => B.has(t));
  const k = Math.min(a.overall.n, b.overall.n);
  const row = (task, x, y) => ({
    task,
    mean: [x.mean, y.mean, y.mean - x.mean],
    success: [x.successRate, y.successRate, y.successRate - x.successRate],
    passK: [x.passK[k - 1] ?? 0, y.passK[k - 1] ?? 0, (y.passK[k - 1] ?? 0) - (x.passK[k - 1] ?? 0)],
  });
  const rows = common.map((t) => row(t, A.get(t), B.get(t)));
  const avg = (i, key) => mean(rows.map((r) => r[key][i]));
  const overall = rows.length ? {
    task: null,
    mean: [avg(0, 'mean'), avg(1, 'mean'), avg(1, 'mean') - avg(0, 'mean')],
    success: [avg(0, 'success'), avg(1, 'success'), avg(1, 'success') - avg(0, 'success')],
    passK: [avg(0, 'passK'), avg(1, 'passK'), avg(1, 'passK') - avg(0, 'passK')],
  } : null;
  const only = [...A.keys(), ...B.keys()].filter((t) => !(A.has(t) && B.has(t)));
  return { k, rows, overall, only: [...new Set(only)] };
}

/** The seeds of a mission's episodes that did not succeed, from env.evaluate()-style results. */
export const failedSeeds = ({ success }, first) => success.flatMap((ok, i) => (ok ? [] : [first + i]));
