// The Evaluation Lab: a policy over chosen missions × N seeds, on the Lab's own
// environment. Built-in policies run inside the engine (env.evaluate, in
// chunks so the progress bar moves); the LLM agent plays episode by episode,
// through the episode loop the demo's player uses too (agent-loop.js). The
// engine scores every episode and aggregates the run (its stats, cleared when
// a run starts and read when it ends); metrics.js adds pass^k; this draws the summary,
// SVG charts (axes, values on hover and focus, series told apart by colour,
// dash and marker), the table and the failed seeds. Every finished run is
// saved in this browser; two saved runs compare side by side, and a failed
// seed opens in the demo's player, replayed step by step.
import { byTestId, download, h, plural, setMessage } from './dom.js';
import { difficultyBadge, pad2 } from './sections.js';
import { compareRuns, failedSeeds, summarize, tableKs, toCsv } from './metrics.js';
import { settingsProblem } from './llm.js';
import { builtInAgent, llmAgent, playEpisode } from './agent-loop.js';
import { store } from './store.js';

const CHUNK = 50;  // seeds per env.evaluate call
const COLORS = ['#c42d12', '#1b5bff', '#0a7a50', '#7a4dd8', '#b35c00', '#0e7c86'];
const DASHES = ['', '10 5', '3 5', '14 5 3 5', '6 3', '1 4'];
const MARKERS = ['circle', 'square', 'triangle', 'diamond', 'cross', 'ring'];
const POLICY = { reference: 'Reference agent', random: 'Random agent', llm: 'LLM agent' };
const NS = 'http://www.w3.org/2000/svg';
const RUNS_KEY = 'support-cc.lab-runs';
const MAX_RUNS = 12;
const FAILED_SHOWN = 12;  // failed seeds listed per mission

const color = (i) => COLORS[i % COLORS.length];
const num = (n) => n.toLocaleString('en-US');
const fmt3 = (v) => (v > 0 && v < 0.0005 ? '<0.001' : v.toFixed(3));
const pct = (v) => `${+(v * 100).toFixed(1)}%`;
const signed = (v, f) => (Math.abs(v) < 5e-10 ? `±${f(0)}` : v > 0 ? `+${f(v)}` : `−${f(-v)}`);
const modeText = (feedback) => (feedback ? 'shown rewards: training mode' : 'blind: no rewards shown to the model');
const yieldToBrowser = () => new Promise((resolve) => setTimeout(resolve, 0));

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs)) if (value != null) el.setAttribute(name, String(value));
  el.append(...children);
  return el;
}

// ── Saved runs (localStorage) ─────────────────────────────────────────
/** A run as saved: scores in hundredths, successes as a 0/1 string, the engine's stats as they came. */
const pack = (run) => ({ ...run, results: run.results.map(({ task, scores, success, stats }) => ({ task, scores: scores.map((s) => Math.round(s * 100)), success: success.map((x) => (x ? 1 : 0)).join(''), stats })) });
const unpack = (run) => legacyStats({ ...run, results: run.results.map(({ task, scores, success, stats }) => ({ task, scores: scores.map((s) => s / 100), success: [...success].map((c) => c === '1'), stats })) });

/**
 * Runs saved before the engine reported its stats have only their episodes:
 * their figures are counted from those once, here, as the engine would
 * (episodes, successes, rates and means to 4 decimals). Newer runs keep the engine's.
 */
function legacyStats(run) {
  if (run.overall && run.results.every((r) => r.stats)) return run;
  const round4 = (v) => Math.round(v * 1e4) / 1e4;
  const count = (scores, success) => {
    const cents = scores.reduce((sum, s) => sum + Math.round(s * 100), 0);
    const c = success.filter(Boolean).length;
    const n = success.length;
    return { episodes: n, successes: c, success_rate: n ? round4(c / n) : null, mean_score: n ? round4(cents / 100 / n) : null };
  };
  return {
    ...run,
    results: run.results.map((r) => ({ ...r, stats: count(r.scores, r.success) })),
    overall: count(run.results.flatMap((r) => r.scores), run.results.flatMap((r) => r.success)),
  };
}

function loadRuns() {
  try {
    const runs = JSON.parse(localStorage.getItem(RUNS_KEY) ?? '[]');
    return Array.isArray(runs) ? runs.map(unpack) : [];
  } catch {
    return [];
  }
}

function saveRuns(runs) {
  for (let keep = runs.length; keep >= 0; keep--) {
    try {
      localStorage.setItem(RUNS_KEY, JSON.stringify(runs.slice(0, keep).map(pack)));
      return keep;
    } catch { /* over the quota: drop the oldest */ }
  }
  return 0;
}

const runLabel = (run) => `#${run.number} · ${POLICY[run.policy]}${run.policy === 'llm' ? ` (${run.model}, ${run.feedback ? 'rewards shown' : 'blind'})` : ''}`
  + ` · ${plural(run.results.length, 'mission')} × ${num(run.n)} from seed ${num(run.first)}${run.pack ? ` · pack ${run.pack}` : ''}`;

export function initLab({ spec, createEnv, player }) {
  const ui = byTestId(['lab', 'lab-form', 'lab-mission-list', 'lab-all', 'lab-none', 'lab-policy', 'lab-seeds',
    'lab-first-seed', 'lab-llm-note', 'lab-llm-text', 'lab-llm-setup', 'lab-run', 'lab-cancel', 'lab-progress',
    'lab-progress-text', 'lab-status', 'lab-error', 'lab-results', 'lab-summary', 'lab-chart', 'lab-table',
    'lab-table-note', 'lab-legend', 'lab-csv', 'lab-failures', 'lab-failure-list', 'lab-failure-error',
    'lab-history', 'lab-history-list', 'lab-history-clear', 'lab-compare-a', 'lab-compare-b', 'lab-compare', 'lab-compare-note',
    'chart-tip-bars', 'chart-tip-curve']);
  const fill = ui['lab-progress'].querySelector('.progress-fill');
  let tasks = store.get('tasks').tasks;
  let labEnv = null;
  let labPack = undefined;  // the pack labEnv plays (null: built-in)
  let running = null;  // AbortController of the run in progress
  let shown = null;    // the run on screen
  let runs = loadRuns();

  // ── Controls ─────────────────────────────────────────────────────────
  function setTasks(next) {
    tasks = next;
    ui['lab-mission-list'].replaceChildren(...tasks.map((t, i) => h('li', {},
      h('input', { type: 'checkbox', id: `lab-m-${t.id}`, value: t.id, checked: true, 'data-testid': `lab-mission-${t.id}` }),
      h('label', { for: `lab-m-${t.id}`, class: 'lab-chip' },
        h('span', { class: 'lab-chip-num' }, pad2(i + 1)), h('span', { class: 'lab-chip-title' }, t.title),
        difficultyBadge(t.difficulty)))));
  }
  // Other missions (a pack, or back to the built-in ones): the results on screen were for the old ones.
  store.on('tasks', ({ tasks: next }) => {
    running?.abort();
    setTasks(next);
    shown = null;
    ui['lab-results'].hidden = true;
    ui.lab.dataset.state = 'idle';
    ui['lab-status'].textContent = '';
    ui['lab-progress-text'].textContent = 'Not run yet';
    fill.style.width = '0%';
    showError(null);
  });
  const checks = () => [...ui['lab-mission-list'].querySelectorAll('input[type="checkbox"]')];
  ui['lab-all'].addEventListener('click', () => checks().forEach((c) => { c.checked = true; }));
  ui['lab-none'].addEventListener('click', () => checks().forEach((c) => { c.checked = false; }));

  function syncPolicy() {
    const llm = ui['lab-policy'].value === 'llm';
    ui['lab-llm-note'].hidden = !llm;
    if (llm) {
      const problem = settingsProblem();
      const settings = store.get('llm');
      ui['lab-llm-text'].textContent = problem ? `Set up the LLM agent in the demo first: ${problem}`
        : `Plays ${settings.model.trim()} at ${settings.base.trim()}, one episode after another (each up to ${spec.max_steps} model calls), ${modeText(settings.feedback)}.`;
    }
  }
  ui['lab-policy'].addEventListener('change', syncPolicy);
  store.on('llm', syncPolicy);
  ui['lab-llm-setup'].addEventListener('click', () => player.configureLlm());

  /** The Lab's own environment (the demo keeps its episode), playing the missions on screen. */
  async function ownEnv() {
    labEnv ??= await createEnv();
    const current = store.get('tasks').pack;
    if (labPack !== current) {
      if (current) labEnv.loadScenarios(current.files);
      else labEnv.useBuiltInScenarios();
      labPack = current;
    }
    return labEnv;
  }

  // ── Running ──────────────────────────────────────────────────────────
  function progress(done, total, detail = '') {
    ui['lab-progress'].setAttribute('aria-valuemax', String(total));
    ui['lab-progress'].setAttribute('aria-valuenow', String(done));
    ui['lab-progress'].setAttribute('aria-valuetext', `${num(done)} of ${num(total)} episodes`);
    fill.style.width = `${total ? (100 * done) / total : 0}%`;
    ui['lab-progress-text'].textContent = `${num(done)} / ${num(total)} episodes${detail}`;
  }

  /**
   * Built-in policies: env.evaluate, CHUNK seeds per mission per call, yielding so the page stays
   * live; each call adds its episodes to the Lab environment's stats (record), which the run reads at the end.
   */
  async function runBuiltIn({ own, policy, ids, n, first, signal }) {
    const results = ids.map((task) => ({ task, scores: [], success: [], steps: [] }));
    let done = 0;
    let slice = performance.now();
    for (let offset = 0; offset < n; offset += CHUNK) {
      for (const r of results) {
        const seeds = Math.min(CHUNK, n - offset);
        const [part] = own.evaluate({ policy, tasks: [r.task], seeds, firstSeed: first + offset, record: true }).results;
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
    return { results, failed: {} };
  }

  /** The engine's figures of the run just played on the Lab's environment: each result's stats, and the overall. */
  function withStats(own, results) {
    const { results: perTask, overall } = own.stats();
    const byTask = new Map(perTask.map((r) => [r.task, r.stats]));
    return { results: results.map((r) => ({ ...r, stats: byTask.get(r.task) })), overall };
  }

  /** The LLM agent: episodes one by one through the shared episode loop, all in one feedback mode; a failed episode's actions are kept. */
  async function runLlm({ own, ids, n, first, signal, settings }) {
    const problem = settingsProblem(settings);
    if (problem) throw new Error(`Set up the LLM agent in the demo first: ${problem}`);
    const results = [];
    const failed = {};
    const total = n * ids.length;
    let done = 0;
    for (const task of ids) {
      const r = { task, scores: [], success: [], steps: [] };
      results.push(r);
      for (let seed = first; seed < first + n; seed++) {
        const actions = [];
        const agent = llmAgent(spec, { settings, feedback: settings.feedback, onRetry: (m) => { ui['lab-status'].textContent = m; } });
        const start = own.reset({ task, seed }).observation;
        progress(done, total, ` · ${task}, seed ${seed}, step 1`);
        const { obs } = await playEpisode({
          agent,
          obs: start,
          signal,
          step: (action) => {
            actions.push(action);
            return own.step(action);
          },
          onStep: (result) => progress(done, total, ` · ${task}, seed ${seed}, step ${result.observation.step_count + 1}`),
        });
        if (signal.aborted) throw signal.reason;
        r.scores.push(obs.cumulative_reward);
        r.success.push(obs.success === true);
        r.steps.push(obs.step_count);
        if (obs.success !== true) (failed[task] ??= {})[seed] = actions;
        done++;
      }
    }
    return { results, failed };
  }

  async function run() {
    const ids = checks().filter((c) => c.checked).map((c) => c.value);
    const n = Number(ui['lab-seeds'].value);
    const first = Number(ui['lab-first-seed'].value || 0);
    const policy = ui['lab-policy'].value;
    const settings = store.get('llm');
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
    ui['lab-status'].textContent = `Running the ${POLICY[policy].toLowerCase()} over ${plural(ids.length, 'mission')} × ${plural(n, 'seed')}…`;
    progress(0, n * ids.length);
    const started = performance.now();
    try {
      const own = await ownEnv();
      own.stats({ clear: true });  // the run's stats start from nothing
      const played = policy === 'llm' ? await runLlm({ own, ids, n, first, signal, settings }) : await runBuiltIn({ own, policy, ids, n, first, signal });
      const { failed } = played;
      const { results, overall } = withStats(own, played.results);
      const seconds = (performance.now() - started) / 1000;
      progress(n * ids.length, n * ids.length);
      const titles = Object.fromEntries(tasks.map((t, i) => [t.id, `${pad2(i + 1)} ${t.title}`]));
      const saved = {
        id: `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
        number: (runs[0]?.number ?? 0) + 1,
        when: new Date().toISOString(),
        env_version: spec.env_version,
        policy, n, first, feedback, seconds,
        model: policy === 'llm' ? settings.model.trim() : null,
        base: policy === 'llm' ? settings.base.trim() : null,
        pack: store.get('tasks').pack?.name ?? null,
        titles, results: results.map(({ task, scores, success, stats }) => ({ task, scores, success, stats })), overall, failed,
      };
      runs = [saved, ...runs].slice(0, MAX_RUNS);
      const kept = saveRuns(runs);
      show(saved);
      renderHistory();
      if (kept < runs.length) ui['lab-status'].textContent += ' (This browser’s storage is full: older runs were not kept.)';
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

  const showError = (message) => setMessage(ui['lab-error'], message);

  // ── Results ──────────────────────────────────────────────────────────
  function show(saved) {
    const { results, policy, n, first, seconds, feedback } = saved;
    const title = new Map(Object.entries(saved.titles));
    const { missions, overall } = summarize(results, saved.overall);
    const episodes = n * missions.length;
    shown = { saved, missions, overall, title };
    const took = seconds < 1 ? `${Math.max(1, Math.round(seconds * 1000))} ms` : `${seconds.toFixed(seconds < 10 ? 2 : 0)} s`;
    const mode = feedback == null ? '' : ` (${modeText(feedback)})`;
    ui['lab-status'].textContent = `${num(episodes)} episodes in ${took}: ${POLICY[policy]}${mode}, seeds ${num(first)}–${num(first + n - 1)}. Saved as run #${saved.number}.`;
    if (feedback == null) delete ui['lab-results'].dataset.feedback;
    else ui['lab-results'].dataset.feedback = String(feedback);
    ui['lab-results'].dataset.run = saved.id;
    ui.lab.dataset.ms = (seconds * 1000).toFixed(1);  // read by bench/site.mjs

    ui['lab-summary'].replaceChildren(...[
      ['Mean score', fmt3(overall.mean), 'yellow'],
      ['Success rate', pct(overall.successRate), 'green'],
      [['pass', h('sup', {}, String(n))], fmt3(overall.passK[n - 1]), 'blue'],
      ['Episodes', num(episodes), 'red'],
    ].map(([label, value, tone]) => h('div', { class: `lab-tile stat-${tone}` }, h('dt', {}, label), h('dd', {}, value))));

    ui['lab-legend'].replaceChildren(
      ...missions.map((m, i) => h('li', {}, legendKey(i), title.get(m.task) ?? m.task)),
      h('li', {}, legendKey(null), 'Overall (average)'));

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
    ui['lab-table-note'].replaceChildren(`Run #${saved.number}: ${POLICY[policy]}${mode}, ${num(n)} seed${n === 1 ? '' : 's'} per mission from seed ${num(first)}, environment ${saved.env_version}. pass`,
      h('sup', {}, 'k'), `: the chance that k tries of the same mission all succeed (τ-bench).${n > 10 ? ' The CSV has every k from 1 to N.' : ''}`);
    ui['lab-table'].replaceChildren(
      h('caption', { class: 'visually-hidden' }, 'Results per mission'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Mission'), h('th', { scope: 'col' }, 'Mean score'),
        h('th', { scope: 'col' }, 'Success'), ...ks.map((k) => h('th', { scope: 'col' }, 'pass', h('sup', {}, String(k)))))),
      h('tbody', {}, missions.map(row)),
      h('tfoot', {}, row(overall)));
    renderFailures(saved, title);
    ui['lab-results'].hidden = false;
    ui['lab-results'].dataset.runs = String(Number(ui['lab-results'].dataset.runs ?? 0) + 1);
    drawCharts();
  }

  function legendKey(i) {
    const key = svg('svg', { class: 'legend-key', width: 34, height: 14, viewBox: '0 0 34 14', 'aria-hidden': 'true' },
      svg('line', { x1: 1, x2: 33, y1: 7, y2: 7, stroke: i === null ? '#111' : color(i), 'stroke-width': i === null ? 4 : 3, 'stroke-dasharray': i === null ? '2 5' : DASHES[i % DASHES.length] || null }));
    if (i !== null) key.append(marker(MARKERS[i % MARKERS.length], 17, 7, color(i)));
    return key;
  }

  /** The failed seeds of the run on screen, each a button that replays it in the demo. */
  function renderFailures(saved, title) {
    setMessage(ui['lab-failure-error'], null);
    const items = saved.results.map((r) => {
      const seeds = failedSeeds(r, saved.first);
      if (!seeds.length) return null;
      const buttons = seeds.slice(0, FAILED_SHOWN).map((seed) => {
        const button = h('button', { class: 'btn btn-small seed-button', type: 'button', 'data-testid': `lab-fail-${r.task}-${seed}` },
          h('span', { class: 'visually-hidden' }, `Open ${title.get(r.task) ?? r.task}, `), `seed ${seed}`);
        button.addEventListener('click', () => openFailure(saved, r.task, seed));
        return button;
      });
      const more = seeds.length > FAILED_SHOWN ? h('span', { class: 'hint' }, ` and ${num(seeds.length - FAILED_SHOWN)} more`) : null;
      return h('li', { class: 'failure-item' }, h('p', { class: 'failure-title' }, `${title.get(r.task) ?? r.task}: ${plural(seeds.length, 'failed seed')}`),
        h('div', { class: 'failure-seeds' }, buttons, more));
    }).filter(Boolean);
    ui['lab-failures'].hidden = false;
    ui['lab-failure-list'].replaceChildren(...(items.length ? items : [h('li', { class: 'hint' }, 'None: every episode succeeded.')]));
  }

  /** A failed seed, replayed in the demo's player: the LLM's recorded actions, or the built-in agent's again. */
  async function openFailure(saved, task, seed) {
    const currentPack = store.get('tasks').pack?.name ?? null;
    if (saved.pack !== currentPack) {
      setMessage(ui['lab-failure-error'], saved.pack ? `Run #${saved.number} played the pack “${saved.pack}”: load it in the Mission Library first.` : `Run #${saved.number} played the built-in missions: go back to them first (Mission Library).`);
      return;
    }
    let actions = saved.failed?.[task]?.[seed];
    if (!actions && saved.policy !== 'llm') {
      const own = await ownEnv();
      actions = [];
      await playEpisode({
        agent: builtInAgent(own, saved.policy),
        obs: own.reset({ task, seed }).observation,
        step: (action) => {
          actions.push(action);
          return own.step(action);
        },
      });
    }
    if (!actions) {
      setMessage(ui['lab-failure-error'], `Run #${saved.number} did not keep that episode’s actions.`);
      return;
    }
    setMessage(ui['lab-failure-error'], null);
    player.replay(`run #${saved.number}, ${task} seed ${seed}`, [{ version: saved.env_version, task, seed, steps: actions.map((action) => ({ action, reward: null })) }]);
    document.getElementById('demo').scrollIntoView({ block: 'start' });
  }

  /** The results on screen as CSV, with pass^k for every k = 1…N. */
  ui['lab-csv'].addEventListener('click', () => {
    if (!shown) return;
    const { missions, overall, title, saved: { policy, n, first, feedback } } = shown;
    const csv = toCsv({ missions, overall }, (task) => title.get(task)?.replace(/^\d+ /, '') ?? task);
    const mode = feedback == null ? '' : feedback ? '-feedback' : '-blind';
    download(`evaluation-${policy}${mode}-${n}x-seed${first}.csv`, csv, 'text/csv');
  });

  // ── Saved runs and the comparison ────────────────────────────────────
  function renderHistory() {
    ui['lab-history'].hidden = runs.length === 0;
    ui['lab-history-list'].replaceChildren(...runs.map((r) => {
      const when = new Date(r.when);
      const stamp = Number.isNaN(when.getTime()) ? '' : `${when.toLocaleDateString('en-CA')} ${when.toTimeString().slice(0, 5)}`;
      const { overall } = summarize(r.results, r.overall);
      const button = h('button', { class: 'link-button', type: 'button', 'data-testid': `lab-show-${r.number}` }, 'Show');
      button.addEventListener('click', () => {
        show(r);
        ui['lab-results'].scrollIntoView({ block: 'start' });
      });
      return h('li', { class: 'history-item', 'data-testid': `lab-saved-${r.number}` },
        h('p', { class: 'history-label' }, runLabel(r)),
        h('p', { class: 'hint' }, `${stamp} · environment ${r.env_version} · mean ${fmt3(overall.mean)}, success ${pct(overall.successRate)}`),
        button);
    }));
    const options = () => runs.map((r) => h('option', { value: r.id }, runLabel(r)));
    ui['lab-compare-a'].replaceChildren(...options());
    ui['lab-compare-b'].replaceChildren(...options());
    // The newest run (B) against the one before it (A).
    ui['lab-compare-b'].value = runs[0]?.id ?? '';
    ui['lab-compare-a'].value = runs[1]?.id ?? runs[0]?.id ?? '';
    renderCompare();
  }

  function renderCompare() {
    const A = runs.find((r) => r.id === ui['lab-compare-a'].value);
    const B = runs.find((r) => r.id === ui['lab-compare-b'].value);
    if (!A || !B) {
      ui['lab-compare'].replaceChildren();
      ui['lab-compare-note'].textContent = '';
      return;
    }
    const sa = summarize(A.results, A.overall);
    const sb = summarize(B.results, B.overall);
    const cmp = compareRuns(sa, sb);
    const titles = { ...A.titles, ...B.titles };
    const versions = A.env_version === B.env_version ? '' : ` They ran on different environment versions (${A.env_version}, ${B.env_version}): scores may not compare.`;
    const only = cmp.only.length ? ` Only one of them ran ${cmp.only.map((t) => titles[t] ?? t).join(', ')} (left out).` : '';
    ui['lab-compare-note'].replaceChildren(`A = run #${A.number}, B = run #${B.number}. Δ is B − A; pass`, h('sup', {}, 'k'),
      ` at k = ${cmp.k}, the smaller N.${versions}${only}`);
    const cell = (values, f, col) => [
      h('td', { 'data-col': `${col}-a`, 'data-value': values[0] }, f(values[0])),
      h('td', { 'data-col': `${col}-b`, 'data-value': values[1] }, f(values[1])),
      h('td', { 'data-col': `${col}-delta`, 'data-value': values[2], class: values[2] > 5e-10 ? 'is-up' : values[2] < -5e-10 ? 'is-down' : '' }, signed(values[2], f)),
    ];
    const row = (r) => h('tr', { 'data-testid': `lab-compare-${r.task ?? 'overall'}` },
      h('th', { scope: 'row' }, r.task === null ? 'Overall (average)' : titles[r.task] ?? r.task),
      ...cell(r.mean, fmt3, 'mean'), ...cell(r.success, pct, 'success'), ...cell(r.passK, fmt3, 'pass'));
    const group = (label) => [h('th', { scope: 'col' }, `${label} A`), h('th', { scope: 'col' }, `${label} B`), h('th', { scope: 'col' }, `${label} Δ`)];
    ui['lab-compare'].replaceChildren(
      h('caption', { class: 'visually-hidden' }, `Run #${A.number} against run #${B.number}`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Mission'), ...group('Mean'), ...group('Success'), ...group(`pass^${cmp.k}`))),
      h('tbody', {}, cmp.rows.map(row)),
      cmp.overall ? h('tfoot', {}, row(cmp.overall)) : null);
  }
  ui['lab-compare-a'].addEventListener('change', renderCompare);
  ui['lab-compare-b'].addEventListener('change', renderCompare);
  ui['lab-history-clear'].addEventListener('click', () => {
    runs = [];
    saveRuns(runs);
    renderHistory();
  });

  // ── Charts ───────────────────────────────────────────────────────────
  function drawCharts() {
    if (!shown) return;
    const { missions, overall, title } = shown;
    const [barsBox, curveBox] = ui['lab-chart'].querySelectorAll('.chart-box');
    barsBox.replaceChildren(barChart(missions, title, Math.max(240, barsBox.clientWidth), spec.target_score));
    curveBox.replaceChildren(curveChart(missions, overall, title, Math.max(240, curveBox.clientWidth)));
    for (const [box, tip] of [[barsBox, ui['chart-tip-bars']], [curveBox, ui['chart-tip-curve']]]) wireTips(box, tip);
  }
  let resizeFrame = 0;
  new ResizeObserver(() => {
    cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(drawCharts);
  }).observe(ui['lab-chart']);

  /** Values on hover and on keyboard focus: the element's data-tip in a box beside it. */
  function wireTips(box, tip) {
    const card = box.parentElement;
    const showTip = (el, x, y) => {
      tip.textContent = el.dataset.tip;
      tip.hidden = false;
      const bounds = card.getBoundingClientRect();
      const left = Math.min(Math.max(8, x - bounds.left + 12), bounds.width - tip.offsetWidth - 8);
      tip.style.left = `${Math.max(8, left)}px`;
      tip.style.top = `${y - bounds.top + 14}px`;
    };
    for (const el of box.querySelectorAll('[data-tip]')) {
      el.addEventListener('pointerenter', (event) => showTip(el, event.clientX, event.clientY));
      el.addEventListener('pointermove', (event) => showTip(el, event.clientX, event.clientY));
      el.addEventListener('pointerleave', () => { tip.hidden = true; });
      el.addEventListener('focus', () => {
        const r = el.getBoundingClientRect();
        showTip(el, r.left + r.width / 2, r.top + r.height / 2);
      });
      el.addEventListener('blur', () => { tip.hidden = true; });
    }
  }

  setTasks(tasks);
  syncPolicy();
  renderHistory();
  ui['lab-run'].disabled = false;
}

// ── Charts (inline SVG, text at real pixel size) ──────────────────────
function marker(shape, x, y, fill) {
  const s = 5;
  const attrs = { fill, class: 'chart-dot' };
  if (shape === 'circle') return svg('circle', { cx: x, cy: y, r: s, ...attrs });
  if (shape === 'ring') return svg('circle', { cx: x, cy: y, r: s, ...attrs, fill: '#fff', stroke: fill, 'stroke-width': 2.5 });
  if (shape === 'square') return svg('rect', { x: x - s, y: y - s, width: 2 * s, height: 2 * s, ...attrs });
  if (shape === 'triangle') return svg('path', { d: `M${x} ${y - s - 1}L${x + s + 1} ${y + s}H${x - s - 1}Z`, ...attrs });
  if (shape === 'diamond') return svg('path', { d: `M${x} ${y - s - 1}L${x + s + 1} ${y}L${x} ${y + s + 1}L${x - s - 1} ${y}Z`, ...attrs });
  return svg('path', { d: `M${x - s} ${y - s}L${x + s} ${y + s}M${x + s} ${y - s}L${x - s} ${y + s}`, stroke: fill, 'stroke-width': 3, class: 'chart-cross' });
}

function barChart(missions, title, width, targetScore) {
  const rowH = 48;
  const top = 26;
  const bottom = 44;
  const height = top + missions.length * rowH + bottom;
  const plot = width - 56;
  const x = (v) => Math.max(2, v * plot);
  const target = x(targetScore);
  const base = top + missions.length * rowH;
  const chart = svg('svg', {
    class: 'chart', width, height, viewBox: `0 0 ${width} ${height}`, role: 'group',
    'aria-label': `Mean score per mission (0 to 1): ${missions.map((m) => `${title.get(m.task) ?? m.task} ${m.mean.toFixed(3)}`).join('; ')}. Target ${targetScore.toFixed(2)}.`,
  });
  // The x axis: 0 to 1, with a grid.
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    chart.append(svg('line', { x1: x(v), x2: x(v), y1: top - 4, y2: base, class: v ? 'chart-grid' : 'chart-axis' }),
      svg('text', { x: x(v), y: base + 18, class: 'chart-tick', 'text-anchor': v === 0 ? 'start' : 'middle' }, v.toFixed(2)));
  }
  chart.append(svg('line', { x1: 0, x2: plot, y1: base, y2: base, class: 'chart-axis' }),
    svg('text', { x: plot / 2, y: height - 4, class: 'chart-note', 'text-anchor': 'middle' }, 'mean score per episode'),
    svg('line', { x1: target, x2: target, y1: 18, y2: base, class: 'chart-target' }),
    svg('text', { x: target, y: 12, class: 'chart-note', 'text-anchor': 'middle' }, `target ${targetScore.toFixed(2)}`));
  missions.forEach((m, i) => {
    const y = top + i * rowH;
    const name = title.get(m.task) ?? m.task;
    const tip = `${name}: mean ${m.mean.toFixed(3)}, success ${pct(m.successRate)} (${num(m.successes)} of ${num(m.n)})`;
    chart.append(
      svg('text', { x: 0, y: y + 13, class: 'chart-label' }, name),
      svg('rect', { x: 0, y: y + 20, width: x(m.mean), height: 18, rx: 4, fill: color(i), class: 'chart-bar', tabindex: 0, role: 'img', 'aria-label': tip, 'data-tip': tip },
        svg('title', {}, tip)),
      svg('text', { x: x(m.mean) + 8, y: y + 34, class: 'chart-value' }, m.mean.toFixed(2)));
  });
  return chart;
}

function curveChart(missions, overall, title, width) {
  const n = overall.n;
  const height = width < 460 ? 250 : 300;
  const m = { l: 52, r: 18, t: 12, b: 50 };
  const log = n > 10;
  const x = (k) => (n === 1 ? (m.l + width - m.r) / 2
    : m.l + (width - m.l - m.r) * (log ? Math.log(k) / Math.log(n) : (k - 1) / (n - 1)));
  const y = (p) => m.t + (height - m.t - m.b) * (1 - p);
  const chart = svg('svg', {
    class: 'chart', width, height, viewBox: `0 0 ${width} ${height}`, role: 'group',
    'aria-label': `pass^k for k from 1 to ${n}${log ? ' (logarithmic k axis)' : ''}: overall ${overall.passK[0].toFixed(3)} at k = 1 and ${overall.passK[n - 1].toFixed(3)} at k = ${n}. Each line can be focused for its values; every value is in the table below.`,
  });
  for (const p of [0, 0.25, 0.5, 0.75, 1]) {
    chart.append(svg('line', { x1: m.l, x2: width - m.r, y1: y(p), y2: y(p), class: p ? 'chart-grid' : 'chart-axis' }),
      svg('text', { x: m.l - 8, y: y(p) + 4, class: 'chart-tick', 'text-anchor': 'end' }, p.toFixed(2)));
  }
  chart.append(svg('line', { x1: m.l, x2: m.l, y1: y(1), y2: y(0), class: 'chart-axis' }),
    svg('text', { x: 12, y: (y(1) + y(0)) / 2, class: 'chart-note', 'text-anchor': 'middle', transform: `rotate(-90 12 ${(y(1) + y(0)) / 2})` }, 'pass^k'));
  // k ticks, right to left so that N always gets one, thinned to stay readable.
  const ks = tableKs(n);
  let lastTick = Infinity;
  for (const k of [...ks].reverse()) {
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

  const series = (curve, name, i) => {
    const overallLine = i === null;
    const stroke = overallLine ? '#111' : color(i);
    const points = [];
    let lastX = -Infinity;
    curve.forEach((p, j) => {
      const px = x(j + 1);
      if (px - lastX >= 1.5 || j === curve.length - 1) {
        points.push(`${px.toFixed(1)},${y(p).toFixed(1)}`);
        lastX = px;
      }
    });
    if (points.length === 1) points.push(points[0]);
    const tip = `${name}: ${ks.map((k) => `pass^${k} ${curve[k - 1].toFixed(3)}`).join(', ')}`;
    const group = svg('g', { class: `chart-series${overallLine ? ' chart-overall' : ''}`, tabindex: 0, role: 'img', 'aria-label': tip, 'data-tip': tip },
      svg('title', {}, tip),
      svg('polyline', { points: points.join(' '), fill: 'none', stroke, 'stroke-width': overallLine ? 4 : 3, 'stroke-dasharray': overallLine ? '2 7' : DASHES[i % DASHES.length] || null }));
    if (!overallLine) for (const k of ks) group.append(marker(MARKERS[i % MARKERS.length], x(k), y(curve[k - 1]), stroke));
    return group;
  };
  missions.forEach((mi, i) => chart.append(series(mi.passK, title.get(mi.task) ?? mi.task, i)));
  chart.append(series(overall.passK, 'Overall (average)', null));
  return chart;
}
