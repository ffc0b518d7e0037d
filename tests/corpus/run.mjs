#!/usr/bin/env node
// Plays every episode of the labelled corpus through the native command-line
// program and measures the grader against the labels.
//
//   node tests/corpus/run.mjs [--cli PATH] [--corpus FILE] [--scenarios DIR]
//                             [--only SUBSTRING] [--json] [--check]
//
// "success" = the terminal step earned +0.90. A legit episode should succeed,
// an adversarial one should not. Independently of the grader's verdict, the
// runner checks each episode's scaffolding (classification, KB retrieval,
// clarifying question, terminal action) against the mission data in
// scenarios/missions, so a case that fails for the wrong reason is reported
// as broken instead of being counted as a grader result.
//
// Exit status: 0; 1 with --check when legit success < 98% or adversarial
// success > 2%; 2 when the corpus is invalid or any scaffolding is broken.
// Node 20, no dependencies.

import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');

const LEGIT_MIN = 0.98;
const ADVERSARIAL_MAX = 0.02;
const MAX_MESSAGE_BYTES = 2000;
const TERMINAL = new Set(['resolve_ticket', 'escalate_to_human']);
const ACTION_FIELDS = {
  classify_issue: 'category_guess',
  search_kb: 'search_query',
  ask_clarifying_question: 'message_to_customer',
  resolve_ticket: 'message_to_customer',
  escalate_to_human: 'message_to_customer',
};
// Kinds whose point is a process failure: the scaffolding check verifies that
// the named defect is really there (and nothing else is broken).
const PROCESS_KINDS = {
  'process-wrong-category': 'the final classification is not the correct category',
  'process-no-kb': 'the relevant KB article was never retrieved',
  'process-no-question': 'no clarifying question before the terminal action',
  'process-wrong-terminal': 'the terminal action is not the mission\'s correct one',
};

function parseArgs(argv) {
  const opts = {
    cli: path.join(root, 'build', 'native', 'support-env'),
    corpus: path.join(here, 'episodes.jsonl'),
    scenarios: path.join(root, 'scenarios'),
    only: null,
    json: false,
    check: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--cli') opts.cli = path.resolve(value());
    else if (a === '--corpus') opts.corpus = path.resolve(value());
    else if (a === '--scenarios') opts.scenarios = path.resolve(value());
    else if (a === '--only') opts.only = value();
    else if (a === '--json') opts.json = true;
    else if (a === '--check') opts.check = true;
    else if (a === '-h' || a === '--help') usage(null);
    else usage(`unknown option ${a}`);
  }
  return opts;
}

function usage(error) {
  const text = 'usage: node tests/corpus/run.mjs [--cli PATH] [--corpus FILE] [--scenarios DIR] [--only SUBSTRING] [--json] [--check]';
  if (error) {
    console.error(`run.mjs: ${error}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

function loadMissions(dir) {
  const missionsDir = path.join(dir, 'missions');
  const missions = new Map();
  for (const name of readdirSync(missionsDir).filter((n) => n.endsWith('.json')).sort()) {
    const m = JSON.parse(readFileSync(path.join(missionsDir, name), 'utf8'));
    missions.set(m.task_id, m);
  }
  return missions;
}

// Validates the corpus file; returns { episodes, errors }.
function loadCorpus(file, missions) {
  const errors = [];
  const episodes = [];
  const ids = new Set();
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, index) => {
    const where = `${path.basename(file)}:${index + 1}`;
    if (line.trim() === '') return;
    let e;
    try {
      e = JSON.parse(line);
    } catch (err) {
      errors.push(`${where}: not JSON (${err.message})`);
      return;
    }
    const bad = (msg) => errors.push(`${where} ${e && e.id ? e.id : ''}: ${msg}`);
    if (typeof e !== 'object' || e === null || Array.isArray(e)) return bad('not an object');
    for (const k of ['id', 'task', 'kind', 'note']) {
      if (typeof e[k] !== 'string' || e[k] === '') return bad(`"${k}" must be a non-empty string`);
    }
    if (ids.has(e.id)) return bad('duplicate id');
    ids.add(e.id);
    if (!missions.has(e.task)) return bad(`unknown task "${e.task}"`);
    // An optional first segment names the corpus (e.g. "holdout/<task>/<label>/<kind>-NN").
    const idRest = e.id.startsWith(`${e.task}/`) ? e.id : e.id.slice(e.id.indexOf('/') + 1);
    if (!idRest.startsWith(`${e.task}/${e.label}/`)) bad('id should start with "[<corpus>/]<task>/<label>/"');
    if (!Number.isInteger(e.seed) || e.seed < 0) return bad('"seed" must be a non-negative integer');
    if (e.label !== 'legit' && e.label !== 'adversarial') return bad('"label" must be "legit" or "adversarial"');
    if (!Array.isArray(e.actions) || e.actions.length === 0) return bad('"actions" must be a non-empty array');
    if (e.actions.length > 10) return bad('more than 10 actions (the step limit)');
    for (const [i, a] of e.actions.entries()) {
      if (typeof a !== 'object' || a === null) return bad(`actions[${i}] is not an object`);
      const field = ACTION_FIELDS[a.action_type];
      if (!field) return bad(`actions[${i}]: unknown action_type ${JSON.stringify(a.action_type)}`);
      const optional = a.action_type === 'escalate_to_human';
      if (!(field in a) && !optional) return bad(`actions[${i}]: missing ${field}`);
      if (field in a && typeof a[field] !== 'string') return bad(`actions[${i}].${field} must be a string`);
      if (typeof a[field] === 'string' && Buffer.byteLength(a[field], 'utf8') > MAX_MESSAGE_BYTES) {
        return bad(`actions[${i}].${field} is over ${MAX_MESSAGE_BYTES} bytes of UTF-8`);
      }
      const isTerminal = TERMINAL.has(a.action_type);
      if (isTerminal !== (i === e.actions.length - 1)) return bad('exactly the last action must be terminal');
    }
    episodes.push(e);
  });
  return { episodes, errors };
}

// Plays all episodes in one process: per episode a reset, a state, then each step.
function play(cli, episodes) {
  const requests = [];
  for (const e of episodes) {
    requests.push(JSON.stringify({ op: 'reset', task: e.task, seed: e.seed }));
    requests.push(JSON.stringify({ op: 'state' }));
    for (const a of e.actions) requests.push(JSON.stringify({ op: 'step', action: a }));
  }
  const run = spawnSync(cli, [], { input: requests.join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 30 });
  if (run.error) throw new Error(`cannot run ${cli}: ${run.error.message}`);
  if (run.status !== 0) throw new Error(`${cli} exited with ${run.status}: ${run.stderr}`);
  const lines = run.stdout.split('\n').filter((l) => l !== '');
  if (lines.length !== requests.length) {
    throw new Error(`${cli} answered ${lines.length} lines to ${requests.length} requests`);
  }
  let k = 0;
  return episodes.map((e) => {
    const reset = JSON.parse(lines[k++]);
    const state = JSON.parse(lines[k++]);
    const steps = e.actions.map(() => JSON.parse(lines[k++]));
    return { reset, state, steps };
  });
}

const near = (a, b) => Math.abs(a - b) < 1e-9;

// What the episode actually did, read from the engine's responses.
function trace(e, run) {
  const t = { protocolErrors: [], invalid: [], category: null, retrieved: [], askedBeforeTerminal: false,
    askReward: null, doneEarly: false, terminal: null, terminalReward: null, reason: null, variant: null };
  if (!run.reset.ok) t.protocolErrors.push(`reset: ${run.reset.error}`);
  if (run.state.ok) t.variant = run.state.state.variant;
  run.steps.forEach((r, i) => {
    const a = e.actions[i];
    if (!r.ok) { t.protocolErrors.push(`step ${i + 1}: ${r.error}`); return; }
    if (r.observation.last_action_error) t.invalid.push(`step ${i + 1} (${a.action_type}): ${r.observation.last_action_error}`);
    if (r.done && i < e.actions.length - 1) t.doneEarly = true;
    if (a.action_type === 'classify_issue' && !r.observation.last_action_error) t.category = a.category_guess;
    if (a.action_type === 'search_kb') {
      const kb = r.observation.knowledge_base_result;
      t.retrieved.push(kb ? kb.id : null);
    }
    if (a.action_type === 'ask_clarifying_question') {
      t.askedBeforeTerminal = true;
      if (t.askReward === null) t.askReward = r.reward;
    }
    if (i === e.actions.length - 1) {
      t.terminal = a.action_type;
      t.terminalReward = r.reward;
      t.reason = r.info ? r.info.reason : null;
      if (!r.done) t.protocolErrors.push('terminal step did not end the episode');
    }
  });
  return t;
}

// Scaffolding problems: everything but the grader's verdict on the message.
// Kinds whose clarifying "question" the engine refuses as an invalid action
// (it asks nothing in words): that refusal is the point of the case.
const REFUSED_QUESTION_KINDS = new Set(['bare-question', 'not-a-question']);

function scaffolding(e, t, mission) {
  const refusedQuestion = REFUSED_QUESTION_KINDS.has(e.kind) && e.label === 'adversarial';
  const problems = [...t.protocolErrors, ...(refusedQuestion ? [] : t.invalid)];
  if (t.doneEarly) problems.push('the episode ended before its terminal action');
  const req = mission.requirements || {};
  const relevant = new Set(mission.relevant_articles || []);
  const facts = {
    'process-wrong-category': t.category !== mission.correct_category,
    'process-no-kb': req.kb_article_retrieved && !t.retrieved.some((id) => relevant.has(id)),
    'process-no-question': mission.needs_clarification && !t.askedBeforeTerminal,
    'process-wrong-terminal': t.terminal !== mission.correct_terminal_action,
  };
  const defect = PROCESS_KINDS[e.kind] ? e.kind : null;
  if (defect && e.label === 'legit') problems.push(`a legit episode cannot have the process-failure kind ${e.kind}`);
  if (defect && !facts[defect]) problems.push(`kind ${e.kind} but the defect is absent (${PROCESS_KINDS[defect]} is false)`);
  for (const [kind, present] of Object.entries(facts)) {
    if (kind === defect || !present) continue;
    problems.push(`unintended process failure: ${PROCESS_KINDS[kind]}` +
      (kind === 'process-no-kb' ? ` (searches returned ${JSON.stringify(t.retrieved)})` : '') +
      (kind === 'process-wrong-category' ? ` (${t.category})` : ''));
  }
  if (mission.needs_clarification && t.askedBeforeTerminal && t.askReward !== null && !near(t.askReward, 0.01) &&
      defect !== 'process-no-question' && !refusedQuestion) {
    problems.push(`the first clarifying question earned ${t.askReward}, not +0.01`);
  }
  // Where the KB is optional, a legit search that never finds the article is still a careless query.
  if (e.label === 'legit' && !req.kb_article_retrieved && t.retrieved.length > 0 && !t.retrieved.some((id) => relevant.has(id))) {
    problems.push(`no search returned the relevant article (${[...relevant].join(', ')}): ${JSON.stringify(t.retrieved)}`);
  }
  return problems;
}

function matrix() { return { legit: { succeeded: 0, failed: 0 }, adversarial: { succeeded: 0, failed: 0 } }; }
function rate(m, label) {
  const n = m[label].succeeded + m[label].failed;
  return n === 0 ? null : m[label].succeeded / n;
}
const pct = (x) => (x === null ? '   -  ' : `${(100 * x).toFixed(1).padStart(5)}%`);

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(opts.cli)) {
    console.error(`run.mjs: ${opts.cli} not found; build it: cmake --preset native && cmake --build --preset native --target support-env`);
    process.exit(2);
  }
  const missions = loadMissions(opts.scenarios);
  const { episodes: all, errors } = loadCorpus(opts.corpus, missions);
  if (errors.length > 0) {
    console.error(`run.mjs: ${errors.length} invalid corpus line(s):\n  ${errors.join('\n  ')}`);
    process.exit(2);
  }
  const episodes = opts.only ? all.filter((e) => e.id.includes(opts.only)) : all;
  const runs = play(opts.cli, episodes);

  const overall = matrix();
  const messageOnly = matrix(); // adversarial cases whose scaffolding is perfect: only the message is at fault
  const perTask = new Map();
  const perKind = new Map();
  const misclassified = [];
  const broken = [];
  episodes.forEach((e, i) => {
    const t = trace(e, runs[i]);
    const problems = scaffolding(e, t, missions.get(e.task));
    if (problems.length > 0) broken.push({ id: e.id, problems });
    const succeeded = t.terminalReward !== null && near(t.terminalReward, 0.9);
    const cell = succeeded ? 'succeeded' : 'failed';
    overall[e.label][cell]++;
    if (!PROCESS_KINDS[e.kind]) messageOnly[e.label][cell]++;
    if (!perTask.has(e.task)) perTask.set(e.task, matrix());
    perTask.get(e.task)[e.label][cell]++;
    const kindKey = `${e.label}/${e.kind}`;
    if (!perKind.has(kindKey)) perKind.set(kindKey, matrix());
    perKind.get(kindKey)[e.label][cell]++;
    if ((e.label === 'legit') !== succeeded) {
      misclassified.push({ id: e.id, label: e.label, reward: t.terminalReward, reason: t.reason });
    }
  });

  const legitRate = rate(overall, 'legit');
  const advRate = rate(overall, 'adversarial');
  const passes = (legitRate === null || legitRate >= LEGIT_MIN) && (advRate === null || advRate <= ADVERSARIAL_MAX);

  if (opts.json) {
    const obj = (m) => ({ ...m, legit_success_rate: rate(m, 'legit'), adversarial_success_rate: rate(m, 'adversarial') });
    console.log(JSON.stringify({
      corpus: path.relative(process.cwd(), opts.corpus) || opts.corpus,
      episodes: episodes.length,
      thresholds: { legit_success_min: LEGIT_MIN, adversarial_success_max: ADVERSARIAL_MAX },
      passes,
      overall: obj(overall),
      excluding_process_kinds: obj(messageOnly),
      per_task: Object.fromEntries([...perTask].map(([k, m]) => [k, obj(m)])),
      per_kind: Object.fromEntries([...perKind].sort().map(([k, m]) => [k, obj(m)])),
      misclassified,
      broken_scaffolding: broken,
    }, null, 2));
  } else {
    const out = [];
    const row = (name, m) => `${name.padEnd(44)} ${String(m.legit.succeeded).padStart(5)} ${String(m.legit.failed).padStart(5)} ${pct(rate(m, 'legit'))}   ${String(m.adversarial.succeeded).padStart(5)} ${String(m.adversarial.failed).padStart(5)} ${pct(rate(m, 'adversarial'))}`;
    const header = `${''.padEnd(44)} legit:succ  fail   rate    adv:succ  fail   rate`;
    out.push(`Corpus: ${episodes.length} episodes (${overall.legit.succeeded + overall.legit.failed} legit, ${overall.adversarial.succeeded + overall.adversarial.failed} adversarial); success = terminal reward +0.90`);
    out.push('');
    out.push('Confusion matrix            succeeded  failed');
    out.push(`  legit        (should pass) ${String(overall.legit.succeeded).padStart(9)} ${String(overall.legit.failed).padStart(7)}   legit success ${pct(legitRate)} (want >= ${LEGIT_MIN * 100}%)`);
    out.push(`  adversarial  (should fail) ${String(overall.adversarial.succeeded).padStart(9)} ${String(overall.adversarial.failed).padStart(7)}   adversarial success ${pct(advRate)} (want <= ${ADVERSARIAL_MAX * 100}%)`);
    out.push(`  adversarial without the process-* kinds (only the message is at fault): ${messageOnly.adversarial.succeeded} succeeded of ${messageOnly.adversarial.succeeded + messageOnly.adversarial.failed} (${pct(rate(messageOnly, 'adversarial')).trim()})`);
    out.push('');
    out.push('Per mission');
    out.push(header);
    for (const [k, m] of perTask) out.push(row(k, m));
    out.push('');
    out.push('Per kind');
    out.push(header);
    for (const [k, m] of [...perKind].sort()) out.push(row(k, m));
    out.push('');
    out.push(`Misclassified (${misclassified.length})`);
    for (const m of misclassified) {
      out.push(`  ${m.id}  [${m.label}] reward ${m.reward === null ? '-' : m.reward.toFixed(2)}: ${m.reason}`);
    }
    out.push('');
    out.push(`Broken scaffolding (${broken.length}): not the grader's fault; fix the episode`);
    for (const b of broken) out.push(`  ${b.id}: ${b.problems.join('; ')}`);
    out.push('');
    out.push(passes ? 'Grader meets the thresholds.' : 'Grader does NOT meet the thresholds.');
    console.log(out.join('\n'));
  }
  if (broken.length > 0) process.exit(2);
  if (opts.check && !passes) process.exit(1);
}

main();
