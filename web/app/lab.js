// The Evaluation Lab: a policy over chosen missions × N seeds. Built-in
// policies run inside the engine (env.evaluate, in chunks so the progress bar
// moves); the LLM agent plays episode by episode on its own environment. The
// engine scores every episode; metrics.js aggregates; this draws the summary,
// an SVG chart and the table.
import { $, download, h } from './dom.js';
import { difficultyBadge, pad2 } from './sections.js';
import { summarize, tableKs, toCsv } from './metrics.js';
import { createLlmAgent, settings, settingsProblem } from './llm.js';

const CHUNK = 50;  // seeds per env.evaluate call
const COLORS = ['#c42d12', '#1b5bff', '#0a7a50', '#7a4dd8', '#b35c00', '#0e7c86'];
const POLICY = { reference: 'Reference agent', random: 'Random agent', llm: 'LLM agent' };
const NS = 'http://www.w3.org/2000/svg';

const color = (i) => COLORS[i % COLORS.length];
const num = (n) => n.toLocaleString('en-US');
const fmt3 = (v) => (v > 0 && v < 0.0005 ? '<0.001' : v.toFixed(3));
const pct = (v) => `${+(v * 100).toFixed(1)}%`;
const modeText = (feedback) => (feedback ? 'shown rewards: training mode' : 'blind: no rewards shown to the model');
const yieldToBrowser = () => new Promise((resolve) => setTimeout(resolve, 0));

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  el.append(...children);
  return el;
}

export function initLab({ env, spec, createEnv, player, tasks: initialTasks }) {
  const ui = Object.fromEntries(['lab', 'lab-form', 'lab-mission-list', 'lab-all', 'lab-none', 'lab-policy', 'lab-seeds',
    'lab-first-seed', 'lab-llm-note', 'lab-llm-text', 'lab-llm-setup', 'lab-run', 'lab-cancel', 'lab-progress',
    'lab-progress-text', 'lab-status', 'lab-error', 'lab-results', 'lab-summary', 'lab-chart', 'lab-table',
    'lab-table-note', 'lab-legend', 'lab-csv'].map((id) => [id, $(id)]));
  const fill = ui['lab-progress'].querySelector('.progress-fill');
  let tasks = initialTasks;
  let packFiles = null;
  let labEnv = null;
  let running = null;  // AbortController of the run in progress
  let shown = null;    // the results on screen, for redrawing the chart at a new width

  // ── Controls ─────────────────────────────────────────────────────────
  function setTasks(next, files) {
    running?.abort();
    tasks = next;
    packFiles = files;
    ui['lab-mission-list'].replaceChildren(...tasks.map((t, i) => h('li', {},
      h('input', { type: 'checkbox', id: `lab-m-${t.id}`, value: t.id, checked: true, 'data-testid': `lab-mission-${t.id}` }),
      h('label', { for: `lab-m-${t.id}`, class: 'lab-chip' },
        h('span', { class: 'lab-chip-num' }, pad2(i + 1)), h('span', { class: 'lab-chip-title' }, t.title),
        difficultyBadge(t.difficulty)))));
  }
  const checks = () => [...ui['lab-mission-list'].querySelectorAll('input[type="checkbox"]')];
  ui['lab-all'].addEventListener('click', () => checks().forEach((c) => { c.checked = true; }));
  ui['lab-none'].addEventListener('click', () => checks().forEach((c) => { c.checked = false; }));

  function syncPolicy() {
    const llm = ui['lab-policy'].value === 'llm';
    ui['lab-llm-note'].hidden = !llm;
    if (llm) {
      const problem = settingsProblem();
      ui['lab-llm-text'].textContent = problem ? `Set up the LLM agent in the demo first: ${problem}`
        : `Plays ${settings.model.trim()} at ${settings.base.trim()}, one episode after another (each up to ${spec.max_steps} model calls), ${modeText(settings.feedback)}.`;
    }
  }
  ui['lab-policy'].addEventListener('change', syncPolicy);
  ui['lab-llm-setup'].addEventListener('click', () => player.configureLlm());

  // ── Running ──────────────────────────────────────────────────────────
  function progress(done, total, detail = '') {
    ui['lab-progress'].setAttribute('aria-valuemax', String(total));
    ui['lab-progress'].setAttribute('aria-valuenow', String(done));
    ui['lab-progress'].setAttribute('aria-valuetext', `${num(done)} of ${num(total)} episodes`);
    fill.style.width = `${total ? (100 * done) / total : 0}%`;
    ui['lab-progress-text'].textContent = `${num(done)} / ${num(total)} episodes${detail}`;
  }

  /** Built-in policies: env.evaluate, CHUNK seeds per mission per call, yielding so the page stays live. */
  async function runBuiltIn({ policy, ids, n, first, signal }) {
    const results = ids.map((task) => ({ task, scores: [], success: [], steps: [] }));
    let done = 0;
    let slice = performance.now();
    for (let offset = 0; offset < n; offset += CHUNK) {
      for (const r of results) {
        const seeds = Math.min(CHUNK, n - offset);
        const [part] = env.evaluate({ policy, tasks: [r.task], seeds, firstSeed: first + offset }).results;
        r.scores.push(...part.scores);
        r.success.push(...part.success);
        r.steps.push(...part.steps);
        done += seeds;
        if (performance.now() - slice > 30) {
          progress(done, n * ids.length);
          await yieldToBrowser();
          if (signal.aborted) throw signal.reason;
          slice = performance.now();
        }
      }
    }
    return results;
  }

  /** The LLM agent: episodes one by one on a separate environment (the demo keeps its episode), all in one feedback mode. */
  async function runLlm({ ids, n, first, signal, feedback }) {
    const problem = settingsProblem();
    if (problem) throw new Error(`Set up the LLM agent in the demo first: ${problem}`);
    labEnv ??= await createEnv();
    if (packFiles) labEnv.loadScenarios(packFiles);
    else labEnv.useBuiltInScenarios();
    const results = [];
    const total = n * ids.length;
    let done = 0;
    for (const task of ids) {
      const r = { task, scores: [], success: [], steps: [] };
      results.push(r);
      for (let seed = first; seed < first + n; seed++) {
        let obs = labEnv.reset({ task, seed }).observation;
        const agent = createLlmAgent(spec, { feedback });
        agent.start(obs);
        while (!obs.done) {
          progress(done, total, ` · ${task}, seed ${seed}, step ${obs.step_count + 1}`);
          const { action } = await agent.next({ signal, onRetry: (m) => { ui['lab-status'].textContent = m; } });
          const result = labEnv.step(action);
          agent.observe(result);
          obs = result.observation;
        }
        r.scores.push(obs.cumulative_reward);
        r.success.push(obs.success === true);
        r.steps.push(obs.step_count);
        done++;
      }
    }
    return results;
  }

  async function run() {
    const ids = checks().filter((c) => c.checked).map((c) => c.value);
    const n = Number(ui['lab-seeds'].value);
    const first = Number(ui['lab-first-seed'].value || 0);
    const policy = ui['lab-policy'].value;
    const feedback = policy === 'llm' ? settings.feedback : null;  // null: the built-in policies never see rewards
    const problem = !ids.length ? 'Choose at least one mission.'
      : !Number.isInteger(n) || n < 1 || n > 1000 ? 'Seeds (N) must be a whole number from 1 to 1000.'
        : !Number.isSafeInteger(first) || first < 0 ? 'The first seed must be a whole number, 0 or more.' : null;
    showError(problem);
    if (problem) return;

    running = new AbortController();
    const { signal } = running;
    ui.lab.dataset.state = 'running';
    ui['lab-run'].disabled = true;
    ui['lab-cancel'].hidden = false;
    ui['lab-status'].textContent = `Running the ${POLICY[policy].toLowerCase()} over ${ids.length} mission${ids.length === 1 ? '' : 's'} × ${num(n)} seed${n === 1 ? '' : 's'}…`;
    progress(0, n * ids.length);
    const started = performance.now();
    try {
      const results = policy === 'llm' ? await runLlm({ ids, n, first, signal, feedback }) : await runBuiltIn({ policy, ids, n, first, signal });
      const seconds = (performance.now() - started) / 1000;
      progress(n * ids.length, n * ids.length);
      show({ results, policy, n, first, seconds, feedback });
      ui.lab.dataset.state = 'done';
    } catch (error) {
      ui.lab.dataset.state = signal.aborted ? 'cancelled' : 'error';
      if (signal.aborted) ui['lab-status'].textContent = 'Evaluation cancelled.';
      else {
        ui['lab-status'].textContent = 'Evaluation stopped.';
        showError(error.message);
      }
    } finally {
      running = null;
      ui['lab-run'].disabled = false;
      ui['lab-cancel'].hidden = true;
    }
  }

  ui['lab-form'].addEventListener('submit', (event) => {
    event.preventDefault();
    if (!running) run();
  });
  ui['lab-cancel'].addEventListener('click', () => running?.abort());

  function showError(message) {
    ui['lab-error'].hidden = !message;
    ui['lab-error'].textContent = message ?? '';
  }

  // ── Results ──────────────────────────────────────────────────────────
  function show(run_) {
    const { results, policy, n, first, seconds, feedback } = run_;
    const title = new Map(tasks.map((t, i) => [t.id, `${pad2(i + 1)} ${t.title}`]));
    const { missions, overall } = summarize(results);
    const episodes = n * missions.length;
    shown = { missions, overall, title, policy, n, first, feedback };
    const took = seconds < 1 ? `${Math.max(1, Math.round(seconds * 1000))} ms` : `${seconds.toFixed(seconds < 10 ? 2 : 0)} s`;
    const mode = feedback == null ? '' : ` (${modeText(feedback)})`;
    ui['lab-status'].textContent = `${num(episodes)} episodes in ${took}: ${POLICY[policy]}${mode}, seeds ${num(first)}–${num(first + n - 1)}.`;
    if (feedback == null) delete ui['lab-results'].dataset.feedback;
    else ui['lab-results'].dataset.feedback = String(feedback);
    ui.lab.dataset.ms = (seconds * 1000).toFixed(1);  // read by bench/site.mjs

    ui['lab-summary'].replaceChildren(...[
      ['Mean score', fmt3(overall.mean), 'yellow'],
      ['Success rate', pct(overall.successRate), 'green'],
      [['pass', h('sup', {}, String(n))], fmt3(overall.passK[n - 1]), 'blue'],
      ['Episodes', num(episodes), 'red'],
    ].map(([label, value, tone]) => h('div', { class: `lab-tile stat-${tone}` }, h('dt', {}, label), h('dd', {}, value))));

    ui['lab-legend'].replaceChildren(
      ...missions.map((m, i) => h('li', {}, h('span', { class: 'swatch', 'data-color': i % COLORS.length }), title.get(m.task) ?? m.task)),
      h('li', {}, h('span', { class: 'swatch swatch-overall' }), 'Overall (average)'));
    for (const swatch of ui['lab-legend'].querySelectorAll('[data-color]')) swatch.style.background = color(Number(swatch.dataset.color));

    // The table: every k up to 10, then 1, 2, 5, 10, … and N (the chart has the whole curve).
    const ks = tableKs(n);
    const row = (m, i) => {
      const cells = [
        h('td', { 'data-col': 'mean', 'data-value': m.mean }, fmt3(m.mean)),
        h('td', { 'data-col': 'success', 'data-value': m.successRate }, pct(m.successRate)),
        ...ks.map((k) => h('td', { 'data-k': k, 'data-value': m.passK[k - 1] }, fmt3(m.passK[k - 1]))),
      ];
      const name = m.task === null ? 'Overall (average)' : title.get(m.task) ?? m.task;
      const swatch = h('span', { class: `swatch${m.task === null ? ' swatch-overall' : ''}`, 'aria-hidden': 'true' });
      if (m.task !== null) swatch.style.background = color(i);
      return h('tr', { 'data-testid': `lab-row-${m.task ?? 'overall'}` }, h('th', { scope: 'row' }, swatch, name), ...cells);
    };
    ui['lab-table-note'].replaceChildren(`${POLICY[policy]}${mode}, ${num(n)} seed${n === 1 ? '' : 's'} per mission from seed ${num(first)}. pass`,
      h('sup', {}, 'k'), `: the chance that k tries of the same mission all succeed (τ-bench).${n > 10 ? ' The CSV has every k from 1 to N.' : ''}`);
    ui['lab-table'].replaceChildren(
      h('caption', { class: 'visually-hidden' }, 'Results per mission'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Mission'), h('th', { scope: 'col' }, 'Mean score'),
        h('th', { scope: 'col' }, 'Success'), ...ks.map((k) => h('th', { scope: 'col' }, 'pass', h('sup', {}, String(k)))))),
      h('tbody', {}, missions.map(row)),
      h('tfoot', {}, row(overall)));
    ui['lab-results'].hidden = false;
    ui['lab-results'].dataset.runs = String(Number(ui['lab-results'].dataset.runs ?? 0) + 1);
    drawCharts();
  }

  /** The results on screen as CSV, with pass^k for every k = 1…N. */
  ui['lab-csv'].addEventListener('click', () => {
    if (!shown) return;
    const { missions, overall, title, policy, n, first, feedback } = shown;
    const csv = toCsv({ missions, overall }, (task) => title.get(task)?.replace(/^\d+ /, '') ?? task);
    const mode = feedback == null ? '' : feedback ? '-feedback' : '-blind';
    download(`evaluation-${policy}${mode}-${n}x-seed${first}.csv`, csv, 'text/csv');
  });

  function drawCharts() {
    if (!shown) return;
    const { missions, overall, title } = shown;
    const [barsBox, curveBox] = ui['lab-chart'].querySelectorAll('.chart-box');
    barsBox.replaceChildren(barChart(missions, title, Math.max(240, barsBox.clientWidth), spec.target_score));
    curveBox.replaceChildren(curveChart(missions, overall, Math.max(240, curveBox.clientWidth)));
  }
  let resizeFrame = 0;
  new ResizeObserver(() => {
    cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(drawCharts);
  }).observe(ui['lab-chart']);

  setTasks(tasks, null);
  syncPolicy();
  ui['lab-run'].disabled = false;
  return { setTasks, syncPolicy };
}

// ── Charts (inline SVG, text at real pixel size) ──────────────────────
function barChart(missions, title, width, targetScore) {
  const rowH = 48;
  const top = 26;
  const height = top + missions.length * rowH;
  const plot = width - 56;
  const x = (v) => Math.max(2, v * plot);
  const target = x(targetScore);
  const chart = svg('svg', {
    class: 'chart', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': `Mean score per mission: ${missions.map((m) => `${title.get(m.task) ?? m.task} ${m.mean.toFixed(3)}`).join('; ')}. Target ${targetScore.toFixed(2)}.`,
  },
  svg('line', { x1: target, x2: target, y1: 18, y2: height, class: 'chart-target' }),
  svg('text', { x: target, y: 12, class: 'chart-note', 'text-anchor': 'middle' }, `target ${targetScore.toFixed(2)}`));
  missions.forEach((m, i) => {
    const y = top + i * rowH;
    chart.append(
      svg('text', { x: 0, y: y + 13, class: 'chart-label' }, title.get(m.task) ?? m.task),
      svg('rect', { x: 0, y: y + 20, width: x(m.mean), height: 18, rx: 4, fill: color(i), class: 'chart-bar' }),
      svg('text', { x: x(m.mean) + 8, y: y + 34, class: 'chart-value' }, m.mean.toFixed(2)));
  });
  return chart;
}

function curveChart(missions, overall, width) {
  const n = overall.n;
  const height = 300;
  const m = { l: 46, r: 18, t: 12, b: 46 };
  const log = n > 10;
  const x = (k) => (n === 1 ? (m.l + width - m.r) / 2
    : m.l + (width - m.l - m.r) * (log ? Math.log(k) / Math.log(n) : (k - 1) / (n - 1)));
  const y = (p) => m.t + (height - m.t - m.b) * (1 - p);
  const chart = svg('svg', {
    class: 'chart', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': `pass^k for k from 1 to ${n}${log ? ' (logarithmic k axis)' : ''}: overall ${overall.passK[0].toFixed(3)} at k = 1 and ${overall.passK[n - 1].toFixed(3)} at k = ${n}. Every value is in the table below.`,
  });
  for (const p of [0, 0.25, 0.5, 0.75, 1]) {
    chart.append(svg('line', { x1: m.l, x2: width - m.r, y1: y(p), y2: y(p), class: p ? 'chart-grid' : 'chart-axis' }),
      svg('text', { x: m.l - 8, y: y(p) + 4, class: 'chart-tick', 'text-anchor': 'end' }, p.toFixed(2)));
  }
  // k ticks, right to left so that N always gets one, thinned to stay readable.
  let lastTick = Infinity;
  for (const k of tableKs(n).reverse()) {
    const px = x(k);
    const gap = 10 + 8 * String(k).length;
    if (lastTick - px < gap) continue;
    lastTick = px;
    chart.append(svg('line', { x1: px, x2: px, y1: y(0), y2: y(0) + 6, class: 'chart-axis' }),
      svg('text', { x: px, y: y(0) + 20, class: 'chart-tick', 'text-anchor': 'middle' }, String(k)));
  }
  const axis = width < 460 ? 'k: tries that must all succeed' : 'k: tries of the same mission that must all succeed';
  chart.append(svg('text', { x: (m.l + width - m.r) / 2, y: height - 6, class: 'chart-note', 'text-anchor': 'middle' },
    `${axis}${log ? ' (log scale)' : ''}`));

  const line = (curve, attrs) => {
    const points = [];
    let lastX = -Infinity;
    curve.forEach((p, i) => {
      const px = x(i + 1);
      if (px - lastX >= 1.5 || i === curve.length - 1) {
        points.push(`${px.toFixed(1)},${y(p).toFixed(1)}`);
        lastX = px;
      }
    });
    if (points.length === 1) points.push(points[0]);
    const group = svg('g', {}, svg('polyline', { points: points.join(' '), fill: 'none', ...attrs }));
    if (n <= 10) curve.forEach((p, i) => group.append(svg('circle', { cx: x(i + 1), cy: y(p), r: 4, fill: attrs.stroke, class: 'chart-dot' })));
    return group;
  };
  missions.forEach((mi, i) => chart.append(line(mi.passK, { stroke: color(i), 'stroke-width': 3 })));
  chart.append(line(overall.passK, { stroke: '#111', 'stroke-width': 4, 'stroke-dasharray': '2 7', class: 'chart-overall' }));
  return chart;
}

