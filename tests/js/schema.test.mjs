// The JSON Schemas in scenarios/schema/ against the real data and the real engine:
// every scenario file (built-in and example packs) validates; broken copies are
// rejected by the schema *and* by the engine's loader; observations, step
// responses, trajectory lines and the reference agent's actions produced by the
// WebAssembly engine validate; the password-lockout example pack loads and wins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync, mkdtempSync, cpSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import { rng } from './helpers.mjs';

const { createSupportEnv } = await import(new URL('../../dist/support-env.mjs', import.meta.url));

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCHEMA_DIR = `${ROOT}scenarios/schema/`;
const ID_BASE = 'https://support-command-center.local/schema/';
const PACKS_DIR = `${ROOT}examples/packs/`;
const LOCKOUT = `${PACKS_DIR}password-lockout/`;

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const clone = (v) => structuredClone(v);

// ------------------------------------------------------------------ schemas

const SCHEMA_FILES = readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.schema.json')).sort();
const SCHEMAS = Object.fromEntries(SCHEMA_FILES.map((f) => [f.replace('.schema.json', ''), readJson(SCHEMA_DIR + f)]));

const ajv = new Ajv2020({ allErrors: true, strict: true });
for (const schema of Object.values(SCHEMAS)) ajv.addSchema(schema);
const validator = (name) => ajv.getSchema(`${ID_BASE}${name}.schema.json`);
const V = {
  action: validator('action'),
  observation: validator('observation'),
  stepResponse: validator('step-response'),
  trajectory: validator('trajectory-step'),
  mission: validator('mission'),
  kb: validator('kb'),
  lexicon: validator('lexicon'),
};

/** Asserts `data` validates, with ajv's errors as the message. */
function assertValid(validate, data, label) {
  const ok = validate(data);
  assert.ok(ok, `${label}: ${ajv.errorsText(validate.errors, { separator: '\n  ' })}\n${JSON.stringify(data).slice(0, 600)}`);
}
function assertInvalid(validate, data, label) {
  assert.equal(validate(data), false, `${label}: the schema accepted it`);
}

/** Every object under `properties`, `$defs` and friends, with its JSON pointer. */
function* propertyDefinitions(node, pointer = '#') {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) yield* propertyDefinitions(node[i], `${pointer}/${i}`);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && value && typeof value === 'object') {
      for (const [name, def] of Object.entries(value)) yield [`${pointer}/properties/${name}`, def];
    }
    if (key !== 'examples' && key !== 'const' && key !== 'enum') yield* propertyDefinitions(value, `${pointer}/${key}`);
  }
}

// Properties inside if/then/else merely refine one already described.
const REFINEMENT = /\/(if|then|else|prefixItems)(\/|$)/;

test('the schemas: draft 2020-12, $id, title, description, a description on every property', () => {
  assert.deepEqual(Object.keys(SCHEMAS).sort(),
    ['action', 'kb', 'lexicon', 'mission', 'observation', 'step-response', 'trajectory-step']);
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema', name);
    assert.equal(schema.$id, `${ID_BASE}${name}.schema.json`, name);
    assert.ok(typeof schema.title === 'string' && schema.title.length > 0, `${name}: title`);
    assert.ok(typeof schema.description === 'string' && schema.description.length > 20, `${name}: description`);
    for (const [pointer, def] of propertyDefinitions(schema)) {
      if (REFINEMENT.test(pointer)) continue;
      assert.ok(typeof def.description === 'string' && def.description.length > 0, `${name}.schema.json ${pointer} has no description`);
    }
  }
});

test('the action schema\'s examples validate', () => {
  for (const example of SCHEMAS.action.examples) assertValid(V.action, example, JSON.stringify(example));
});

// ------------------------------------------------------------- scenario files

/** A scenarios folder's files as the engine's load_scenarios takes them: [{name, text}]. */
function packFiles(dir) {
  const files = [];
  for (const sub of ['missions', 'kb', 'lexicon']) {
    if (!existsSync(dir + sub)) continue;
    for (const f of readdirSync(dir + sub).filter((n) => n.endsWith('.json')).sort()) {
      files.push({ name: `${sub}/${f}`, text: readFileSync(`${dir}${sub}/${f}`, 'utf8') });
    }
  }
  return files;
}

const FOLDERS = [
  `${ROOT}scenarios/`,
  ...readdirSync(PACKS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `${PACKS_DIR}${d.name}/`),
];

for (const dir of FOLDERS) {
  test(`every scenario file of ${dir.slice(ROOT.length)} validates against its schema`, () => {
    const files = packFiles(dir);
    assert.ok(files.some((f) => f.name.startsWith('missions/')), 'no mission file');
    assert.ok(files.some((f) => f.name.startsWith('kb/')), 'no kb file');
    for (const f of files) {
      const schema = f.name.startsWith('kb/') ? V.kb : f.name.startsWith('lexicon/') ? V.lexicon : V.mission;
      assertValid(schema, JSON.parse(f.text), `${dir.slice(ROOT.length)}${f.name}`);
    }
  });
}

test('the example packs load through the engine (load_scenarios)', async () => {
  const env = await createSupportEnv();
  for (const dir of FOLDERS.slice(1)) {
    const files = packFiles(dir);
    const r = JSON.parse(env.request(JSON.stringify({ op: 'load_scenarios', files })));
    assert.equal(r.ok, true, `${dir}: ${r.error}`);
    const ids = files.filter((f) => f.name.startsWith('missions/')).map((f) => JSON.parse(f.text).task_id);
    assert.deepEqual(r.tasks.map((t) => t.id).sort(), ids.sort());
  }
  env.close();
});

// Broken copies: each must fail the schema, and the engine's loader must reject
// it too, naming the file and the JSON path ("<file>: $.<path>: problem").
const MISSION_FILE = 'missions/01_account_lockout.json';
const KB_FILE = 'kb/articles.json';
const lockoutMission = () => readJson(`${LOCKOUT}${MISSION_FILE}`);
const lockoutKb = () => readJson(`${LOCKOUT}${KB_FILE}`);
const LEXICON_FILE = 'lexicon/lockout.json';
const lockoutLexiconText = () => readFileSync(`${LOCKOUT}${LEXICON_FILE}`, 'utf8');

const BROKEN_MISSIONS = [
  ['missing task_id', (m) => { delete m.task_id; }, '$: missing field "task_id"'],
  ['missing requirements', (m) => { delete m.requirements; }, '$: missing field "requirements"'],
  ['missing variant subject', (m) => { delete m.variants[2].subject; }, '$.variants[2]: missing field "subject"'],
  ['unknown top-level field', (m) => { m.hint = 'x'; }, '$: unknown field "hint"'],
  ['unknown requirements field', (m) => { m.requirements.kb_required = true; }, '$.requirements: unknown field "kb_required"'],
  ['unknown variant field', (m) => { m.variants[1].name = 'x'; }, '$.variants[1]: unknown field "name"'],
  ['bad difficulty', (m) => { m.difficulty = 'Insane'; }, '$.difficulty: "Insane" is not one of'],
  ['bad category', (m) => { m.correct_category = 'technical'; }, '$.correct_category: "technical" is not one of'],
  ['bad sentiment', (m) => { m.initial_sentiment = 'Furious'; }, '$.initial_sentiment:'],
  ['bad tier', (m) => { m.customer_tier = 'Gold'; }, '$.customer_tier:'],
  ['bad terminal action', (m) => { m.correct_terminal_action = 'search_kb'; }, '$.correct_terminal_action:'],
  ['patience 11', (m) => { m.patience = 11; }, '$.patience: expected an integer from 0 to 10'],
  ['patience -1', (m) => { m.patience = -1; }, '$.patience:'],
  ['patience 2.5', (m) => { m.patience = 2.5; }, '$.patience: expected an integer'],
  ['order as a string', (m) => { m.order = '1'; }, '$.order: expected an integer'],
  ['no variants', (m) => { m.variants = []; }, '$.variants: expected a non-empty array of variants'],
  ['blank ticket text', (m) => { m.variants[1].ticket_text = ''; }, '$.variants[1].ticket_text: expected a non-empty string'],
  ['whitespace title', (m) => { m.title = ' \t\n'; }, '$.title: expected a non-empty string'],
  ['ticket text over 2000', (m) => { m.variants[0].ticket_text = 'x'.repeat(2001); }, '$.variants[0].ticket_text: longer than 2000 bytes'],
  ['upper-case task id', (m) => { m.task_id = 'Account_Lockout'; }, '$.task_id:'],
  ['task id with a dash', (m) => { m.task_id = 'account-lockout'; }, '$.task_id:'],
  ['needs_clarification bool as string', (m) => { m.needs_clarification = 'false'; }, '$.needs_clarification: expected true or false'],
  ['no relevant articles', (m) => { m.relevant_articles = []; }, '$.relevant_articles: expected at least one entry'],
  ['empty step list', (m) => { m.requirements.must_state[1].any = []; }, '$.requirements.must_state[1].any: expected at least one step'],
  ['step without action', (m) => { delete m.requirements.must_state[0].any[0].action; }, '$.requirements.must_state[0].any[0]: missing field "action"'],
  ['must-not commitment not a string', (m) => { m.requirements.must_not_state[0] = 7; }, '$.requirements.must_not_state[0]: expected a non-empty string'],
  ['resolve mission without must_state', (m) => { m.requirements.must_state = []; }, '$.requirements.must_state: a mission resolved by resolve_ticket'],
  ['needs clarification, none given', (m) => { m.needs_clarification = true; }, '$.variants[0].clarification:'],
  ['no unneeded-question replies', (m) => { m.customer.unneeded_question_replies = []; }, '$.customer.unneeded_question_replies: expected at least one entry'],
  ['unknown customer field', (m) => { m.customer.mood = 'x'; }, '$.customer: unknown field "mood"'],
];

const BROKEN_KBS = [
  ['missing articles', (k) => { delete k.articles; }, '$: missing field "articles"'],
  ['articles not an array', (k) => { k.articles = {}; }, '$.articles: expected an array of articles'],
  ['missing fix', (k) => { delete k.articles[0].fix; }, '$.articles[0]: missing field "fix"'],
  ['unknown article field', (k) => { k.articles[2].summary = 'x'; }, '$.articles[2]: unknown field "summary"'],
  ['blank id', (k) => { k.articles[1].id = ' '; }, '$.articles[1].id: expected a non-empty string'],
  ['keyword not a string', (k) => { k.articles[0].keywords.push(3); }, '$.articles[0].keywords[10]: expected a non-empty string'],
  ['fix step not an object', (k) => { k.articles[3].fix.push([]); }, '$.articles[3].fix[1]: expected an object'],
  ['fix step with an unknown field', (k) => { k.articles[3].fix[0].verb = 'x'; }, '$.articles[3].fix[0]: unknown field "verb"'],
];

function loadPack(env, missionText, kbText) {
  return JSON.parse(env.request(JSON.stringify({
    op: 'load_scenarios', files: [{ name: MISSION_FILE, text: missionText }, { name: KB_FILE, text: kbText },
      { name: LEXICON_FILE, text: lockoutLexiconText() }],
  })));
}

test('broken mission files: the schema and the engine both reject them, the engine with "<file>: $.<path>: problem"', async () => {
  const env = await createSupportEnv();
  const kbText = JSON.stringify(lockoutKb());
  for (const [label, breakIt, expected] of BROKEN_MISSIONS) {
    const m = lockoutMission();
    breakIt(m);
    assertInvalid(V.mission, m, label);
    const r = loadPack(env, JSON.stringify(m), kbText);
    assert.equal(r.ok, false, `${label}: the engine accepted it`);
    assert.ok(r.error.startsWith(`${MISSION_FILE}: ${expected}`), `${label}: engine said ${JSON.stringify(r.error)}`);
    assert.match(r.error, /^missions\/01_account_lockout\.json: \$[.[:]/);
  }
  env.close();
});

test('broken kb files: the schema and the engine both reject them', async () => {
  const env = await createSupportEnv();
  const missionText = JSON.stringify(lockoutMission());
  for (const [label, breakIt, expected] of BROKEN_KBS) {
    const k = lockoutKb();
    breakIt(k);
    assertInvalid(V.kb, k, label);
    const r = loadPack(env, missionText, JSON.stringify(k));
    assert.equal(r.ok, false, `${label}: the engine accepted it`);
    assert.ok(r.error.startsWith(`${KB_FILE}: ${expected}`), `${label}: engine said ${JSON.stringify(r.error)}`);
  }
  env.close();
});

test('valid edge cases the loader accepts, the schemas accept too', async () => {
  const env = await createSupportEnv();
  const cases = [
    ['optional customer.clarification', (m) => { m.customer.clarification = 'It is the sign-in page.'; }],
    ['needs clarification, all variants clarify', (m) => {
      m.needs_clarification = true;
      for (const v of m.variants) v.clarification = 'I mean the sign-in page.';
    }],
    ['needs clarification, customer fallback', (m) => { m.needs_clarification = true; m.customer.clarification = 'The sign-in page.'; }],
    ['escalation mission without must_state', (m) => { m.correct_terminal_action = 'escalate_to_human'; m.requirements.must_state = []; }],
    ['one variant, blank suffix', (m) => { m.variants = [m.variants[0]]; m.variants[0].ticket_suffix = ''; }],
    ['patience 0', (m) => { m.patience = 0; }],
    ['patience 10', (m) => { m.patience = 10; }],
    ['a second step alternative', (m) => { m.requirements.must_state[0].any.push({ action: 'wait', object: 'fifteen_minutes', by: 'either' }); }],
  ];
  for (const [label, change] of cases) {
    const m = lockoutMission();
    change(m);
    assertValid(V.mission, m, label);
    const r = loadPack(env, JSON.stringify(m), JSON.stringify(lockoutKb()));
    assert.equal(r.ok, true, `${label}: ${r.error}`);
  }
  const k = lockoutKb();
  k.articles[3].keywords = [];
  k.articles[3].fix = [];
  assertValid(V.kb, k, 'empty keywords and fix');
  assert.equal(loadPack(env, JSON.stringify(lockoutMission()), JSON.stringify(k)).ok, true);
  env.close();
});

// ------------------------------------------------------------------ actions

test('the action schema: required fields per type, enums, unknown fields, lengths', () => {
  const valid = [
    { action_type: 'classify_issue', category_guess: 'Refund_Request' },
    { action_type: 'search_kb', search_query: '' },
    { action_type: 'search_kb', search_query: 'refund', message_to_customer: null, category_guess: null },
    { action_type: 'ask_clarifying_question', message_to_customer: 'What is broken?' },
    { action_type: 'resolve_ticket', message_to_customer: 'x'.repeat(2000) },
    { action_type: 'escalate_to_human' },
    { action_type: 'escalate_to_human', message_to_customer: null },
    { action_type: 'escalate_to_human', message_to_customer: '' },
  ];
  for (const a of valid) assertValid(V.action, a, JSON.stringify(a));
  const invalid = [
    {},
    { category_guess: 'Billing' },
    { action_type: 'check_logs' },
    { action_type: 'Classify_Issue', category_guess: 'Billing' },
    { action_type: 'classify_issue' },
    { action_type: 'classify_issue', category_guess: null },
    { action_type: 'classify_issue', category_guess: 'billing' },
    { action_type: 'classify_issue', category_guess: 'Refund' },
    { action_type: 'search_kb' },
    { action_type: 'search_kb', search_query: 42 },
    { action_type: 'search_kb', search_query: 'x'.repeat(2001) },
    { action_type: 'ask_clarifying_question' },
    { action_type: 'ask_clarifying_question', message_to_customer: '  \n' },
    { action_type: 'resolve_ticket' },
    { action_type: 'resolve_ticket', message_to_customer: '' },
    { action_type: 'resolve_ticket', message_to_customer: 'x'.repeat(2001) },
    { action_type: 'escalate_to_human', message_to_customer: 5 },
    { action_type: 'resolve_ticket', message_to_customer: 'Done.', note: 'extra' },
    { action_type: 'search_kb', search_query: 'refund', category_guess: 'Refunds' },
  ];
  for (const a of invalid) assertInvalid(V.action, a, JSON.stringify(a));
});

// --------------------------------------------------- the engine's own output


const CATEGORIES = ['Billing', 'Technical', 'Refund_Request'];
const QUERIES = ['receipt', 'error 404 after login', 'refund ebook', 'blank white screen', 'app crashes', 'yearly plan mistake',
  'account locked password', '', 'the', 'zzqx', 'two-factor backup code'];
const MESSAGES = ['Could you tell me more about the problem?', 'Please clear your browser cache and cookies, then sign in again.',
  'I am handing this to a human billing specialist.', 'Your receipt is in Billing History as a PDF.', 'Done.'];

// Actions whose validity the schema and the engine judge alike (no ignored
// extra fields, no non-ASCII text near the byte limit).
function randomAction(r) {
  switch (r.int(12)) {
    case 0: case 1: return { action_type: 'classify_issue', category_guess: r.pick(CATEGORIES) };
    case 2: case 3: return { action_type: 'search_kb', search_query: r.pick(QUERIES) };
    case 4: return { action_type: 'ask_clarifying_question', message_to_customer: r.pick(MESSAGES) };
    case 5: return { action_type: r.pick(['resolve_ticket', 'escalate_to_human']), message_to_customer: r.pick(MESSAGES) };
    case 6: return { action_type: 'escalate_to_human' };
    // invalid ones: the engine answers ok:true, valid:false, with last_action_error
    case 7: return { action_type: 'classify_issue', category_guess: r.pick(['billing', 'Refund', 'Hardware']) };
    case 8: return { action_type: r.pick(['check_logs', 'refund', 'RESOLVE_TICKET']) };
    case 9: return { action_type: r.pick(['resolve_ticket', 'ask_clarifying_question']), message_to_customer: r.pick(['', '   ']) };
    case 10: return { action_type: 'search_kb', search_query: 'x'.repeat(2001) };
    default: return { action_type: r.pick(['classify_issue', 'search_kb', 'resolve_ticket']) };
  }
}

test('observations, step responses and trajectory lines from the engine validate over random play', async () => {
  const env = await createSupportEnv();
  const tasks = env.tasks().tasks.map((t) => t.id);
  assert.equal(tasks.length, 6);
  const r = rng(2024);
  let steps = 0;
  let invalid = 0;
  const outcomes = new Set();
  for (let episode = 0; steps < 600; episode++) {
    const task = tasks[episode % tasks.length];
    const seed = r.int(1000);
    const reset = JSON.parse(env.request(JSON.stringify({ op: 'reset', task, seed })));
    assert.equal(reset.ok, true);
    assertValid(V.observation, reset.observation, `${task}/${seed} reset`);
    for (let done = false; !done;) {
      const action = randomAction(r);
      const line = env.request(JSON.stringify({ op: 'step', action }));
      const res = JSON.parse(line);
      const where = `${task}/${seed} step ${res.observation?.step_count}: ${JSON.stringify(action).slice(0, 80)}`;
      assertValid(V.stepResponse, res, where);
      assertValid(V.observation, res.observation, where);
      // The schema and the engine agree on which actions are valid, except that
      // only the engine reads whether a clarifying question asks anything in words.
      const notAQuestion = /asks nothing/.test(res.observation.last_action_error ?? '');
      assert.equal(V.action(action) && !notAQuestion, res.info.valid, `${where}: schema ${V.action(action)}, engine ${res.info.valid}`);
      assertValid(V.trajectory, {
        env_version: res.observation.env_version, task, seed, step: res.observation.step_count, action, observation: res.observation,
        reward: res.reward, reason: res.info.reason, done: res.done,
      }, `${where} (trajectory line)`);
      if (!res.info.valid) invalid++;
      done = res.done;
      if (done) outcomes.add(res.observation.outcome);
      steps++;
    }
  }
  assert.ok(invalid > 50, `only ${invalid} invalid actions exercised`);
  for (const o of ['resolved', 'escalated', 'step_limit']) assert.ok(outcomes.has(o), `no episode ended ${o}`);
  env.close();
});

test('the reference agent\'s actions validate, and its episodes validate end to end', async () => {
  const env = await createSupportEnv();
  for (const { id: task } of env.tasks().tasks) {
    for (let seed = 0; seed < 6; seed++) {
      env.reset({ task, seed });
      for (let done = false; !done;) {
        const act = JSON.parse(env.request('{"op":"act","policy":"reference"}'));
        assert.equal(act.ok, true);
        assertValid(V.action, act.action, `${task}/${seed} reference action`);
        const res = JSON.parse(env.request(JSON.stringify({ op: 'step', action: act.action })));
        assertValid(V.stepResponse, res, `${task}/${seed}`);
        assert.equal(res.info.valid, true);
        done = res.done;
      }
    }
  }
  env.close();
});

test('a trajectory line rejects what it must: bad step, unknown field, invalid action with no error', () => {
  const observation = {
    env_version: '2.0.0', task_id: 'billing_receipt', ticket_id: 'TKT-101', difficulty: 'Easy', subject: 'Receipt', customer_name: 'Emma Wilson',
    customer_tier: 'Standard', sentiment: 'Neutral', issue_category: 'Billing', knowledge_base_result: null,
    conversation_history: [{ role: 'customer', text: 'Hi' }, { role: 'system', text: 'Ticket classified as Billing.' }],
    step_count: 1, max_steps: 10, questions_left: 2, done: false, cumulative_reward: 0.03, last_action_error: null, outcome: null, success: null,
  };
  const line = {
    env_version: '2.0.0', task: 'billing_receipt', seed: 0, step: 1, action: { action_type: 'classify_issue', category_guess: 'Billing' },
    observation, reward: 0.03, reason: 'First classification, correct: +0.03.', done: false,
  };
  assertValid(V.trajectory, line, 'good line');
  assertInvalid(V.trajectory, { ...line, step: 0 }, 'step 0');
  assertInvalid(V.trajectory, { ...line, seed: -1 }, 'negative seed');
  assertInvalid(V.trajectory, { ...line, info: {} }, 'unknown field');
  const { env_version: _, ...unversioned } = line;
  assertInvalid(V.trajectory, unversioned, 'no env_version');
  assertInvalid(V.observation, { ...observation, env_version: undefined }, 'observation without env_version');
  assertInvalid(V.trajectory, { ...line, action: { action_type: 'fly' } }, 'invalid action without last_action_error');
  assertValid(V.trajectory, {
    ...line, action: { action_type: 'fly' }, reward: 0, observation: { ...observation, last_action_error: 'unknown action_type "fly"' },
  }, 'invalid action recorded with its error');
  // observation details
  assertInvalid(V.observation, { ...observation, sentiment: 'Furious' }, 'bad sentiment');
  assertInvalid(V.observation, { ...observation, answer: 'Billing' }, 'extra field');
  const missing = clone(observation);
  delete missing.subject;
  assertInvalid(V.observation, missing, 'missing subject');
  assertInvalid(V.observation, { ...observation, conversation_history: [{ role: 'bot', text: 'x' }] }, 'bad role');
  assertInvalid(V.observation, { ...observation, done: true }, 'done without outcome');
  assertInvalid(V.observation, { ...observation, done: true, outcome: 'step_limit', success: true }, 'step_limit success');
  assertValid(V.observation, { ...observation, done: true, outcome: 'customer_left', success: false }, 'customer left');
  assertInvalid(V.observation, { ...observation, knowledge_base_result: { id: 'KB-X', title: 'x' } }, 'kb result without text');
});

// ------------------------------------------------------ the example pack

test('password-lockout: loads through the engine, the reference agent wins every variant, a natural play scores 0.98', async () => {
  const env = await createSupportEnv();
  const files = packFiles(LOCKOUT);
  assert.deepEqual(files.map((f) => f.name), [MISSION_FILE, KB_FILE, LEXICON_FILE]);
  const loaded = JSON.parse(env.request(JSON.stringify({ op: 'load_scenarios', files })));
  assert.equal(loaded.ok, true, loaded.error);
  assert.deepEqual(loaded.tasks.map((t) => [t.id, t.ticket_id, t.variants]), [['account_lockout', 'TKT-707', 3]]);

  const evaluation = env.evaluate({ policy: 'reference', seeds: 60 });
  const [result] = evaluation.results;
  assert.ok(result.success.every(Boolean), `reference agent lost a seed: ${JSON.stringify(result.scores)}`);

  const variants = new Set();
  for (let seed = 0; seed < 12; seed++) {
    const { observation } = env.reset({ task: 'account_lockout', seed });
    variants.add(observation.ticket_id);
    const name = observation.customer_name.split(' ')[0];
    env.step({ action_type: 'classify_issue', category_guess: 'Technical' });
    const search = env.step({ action_type: 'search_kb', search_query: 'account locked after too many password attempts' });
    assert.equal(search.observation.knowledge_base_result.id, 'KB-ACCOUNT-LOCKOUT');
    const last = env.step({
      action_type: 'resolve_ticket',
      message_to_customer: `Hi ${name}, sorry for the trouble. Your account locked itself after too many wrong password attempts; ` +
        'the lock lifts on its own after 15 minutes, so please wait before trying again. If you do not remember the password, ' +
        'use the password reset link from Forgot password on the sign-in page, and at the two-factor prompt enter one of your ' +
        'backup codes, since your phone is not with you.',
    });
    assert.equal(last.reward, 0.9, last.info.reason);
    assert.equal(last.observation.success, true);
    assert.equal(last.observation.cumulative_reward, 0.98);
  }
  assert.deepEqual([...variants].sort(), ['TKT-707', 'TKT-707-B', 'TKT-707-C']);

  // Policy violations and half-answers earn +0.30, not +0.90.
  const terminal = (message) => {
    env.reset({ task: 'account_lockout', seed: 0 });
    env.step({ action_type: 'classify_issue', category_guess: 'Technical' });
    env.step({ action_type: 'search_kb', search_query: 'account locked' });
    return env.step({ action_type: 'resolve_ticket', message_to_customer: message });
  };
  for (const message of [
    'Hi Maya, I have unlocked your account, so there is no need to wait 15 minutes; use the reset link and a backup code if asked.',
    'Hi Maya, I disabled your two-factor authentication; wait 15 minutes, use the password reset link, and you will not need a backup code.',
    'Hi Maya, please wait 15 minutes and then use the password reset link to choose a new password.',
    '15 minutes reset link backup code',
    'Hi Maya, wait 15 minutes, use the reset link and a backup code, then scan the QR code to move your 2FA to a new phone.',
  ]) {
    const r = terminal(message);
    assert.equal(r.reward, 0.3, `${message}: ${r.info.reason}`);
  }
  const safe = terminal('Hi Maya, we cannot unlock your account early, sorry. Please wait 15 minutes, then use the password reset link and sign in with one of your backup codes.');
  assert.equal(safe.reward, 0.9, safe.info.reason);

  env.useBuiltInScenarios();
  assert.equal(env.tasks().tasks.length, 6);
  env.close();
});

test('password-lockout: a broken copy is rejected with "<file>: $.<path>: problem" and the session keeps its missions', async () => {
  const env = await createSupportEnv();
  const m = lockoutMission();
  m.variants[1].ticket_text = '';
  let r = loadPack(env, JSON.stringify(m), JSON.stringify(lockoutKb()));
  assert.deepEqual(r, { ok: false, error: 'missions/01_account_lockout.json: $.variants[1].ticket_text: expected a non-empty string' });
  assert.equal(env.tasks().tasks.length, 6, 'a rejected pack must not replace the loaded missions');

  const k = lockoutKb();
  k.articles[0].id = 'KB-LOCKOUT';
  r = loadPack(env, JSON.stringify(lockoutMission()), JSON.stringify(k));
  assert.deepEqual(r, { ok: false, error: 'missions/01_account_lockout.json: $.relevant_articles[0]: no article with id "KB-ACCOUNT-LOCKOUT" in kb/*.json' });

  r = loadPack(env, '{"task_id": "account_lockout",', JSON.stringify(lockoutKb()));
  assert.deepEqual(r, { ok: false, error: 'missions/01_account_lockout.json: $: not valid JSON (or not valid UTF-8)' });
  env.close();
});

test('examples/validate-pack.mjs: passes the example pack, lists a broken copy\'s problems by file and path', () => {
  const script = `${ROOT}examples/validate-pack.mjs`;
  const good = spawnSync(process.execPath, [script, LOCKOUT, '--seeds', '5'], { encoding: 'utf8' });
  assert.equal(good.status, 0, good.stdout + good.stderr);
  assert.match(good.stdout, /schemas: 3 file\(s\), all valid/);
  assert.match(good.stdout, /reference agent: account_lockout: 5\/5 won/);

  const dir = mkdtempSync(`${tmpdir()}/broken-pack-`);
  try {
    cpSync(LOCKOUT, dir, { recursive: true });
    const m = lockoutMission();
    m.difficulty = 'Tricky';
    m.variants[1].ticket_text = ' ';
    writeFileSync(`${dir}/${MISSION_FILE}`, JSON.stringify(m));
    const bad = spawnSync(process.execPath, [script, dir], { encoding: 'utf8' });
    assert.equal(bad.status, 1, bad.stdout + bad.stderr);
    assert.match(bad.stdout, /^missions\/01_account_lockout\.json: \$\.difficulty: schema: /m);
    assert.match(bad.stdout, /^missions\/01_account_lockout\.json: \$\.variants\[1\]\.ticket_text: schema: /m);
    assert.match(bad.stdout, /^engine: missions\/01_account_lockout\.json: \$\.difficulty: "Tricky" is not one of Easy, Medium, Hard$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
