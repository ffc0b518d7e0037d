#!/usr/bin/env node
// Checks a scenarios folder (a pack) before you play it:
//   node examples/validate-pack.mjs examples/packs/password-lockout
// 1. every missions/*.json and kb/*.json file against scenarios/schema/ (all
//    problems of every file, as "<file>: <JSON path>: problem");
// 2. the whole folder through the engine's own loader (dist/support-env.mjs),
//    which also checks what spans files (unique ids, relevant_articles exist);
// 3. the engine's reference agent on every mission, seeds 0..N-1 (--seeds N,
//    default 30): a mission a careful agent cannot win is worth a second look.
// Exit status 0 when the pack loads, 1 when it does not, 2 on bad usage.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';

const SCHEMA_DIR = new URL('../scenarios/schema/', import.meta.url);
const ID_BASE = 'https://support-command-center.local/schema/';

function usage(message) {
  if (message) console.error(`validate-pack: ${message}`);
  console.error('usage: node examples/validate-pack.mjs DIR [--seeds N]');
  process.exit(2);
}

const args = process.argv.slice(2);
let dir = null;
let seeds = 30;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--seeds') {
    seeds = Number(args[++i]);
    if (!Number.isInteger(seeds) || seeds < 0 || seeds > 10000) usage('--seeds takes an integer from 0 to 10000');
  } else if (args[i] === '-h' || args[i] === '--help') usage();
  else if (dir === null) dir = resolve(args[i]);
  else usage(`unexpected argument ${args[i]}`);
}
if (dir === null) usage('which folder?');
if (!existsSync(dir)) usage(`${dir} does not exist`);

// The folder's files, named as the engine names them: missions/x.json, kb/y.json.
const files = [];
for (const sub of ['missions', 'kb', 'lexicon']) {
  const path = join(dir, sub);
  if (!existsSync(path)) continue;
  for (const name of readdirSync(path).filter((n) => n.endsWith('.json')).sort()) {
    files.push({ name: `${sub}/${name}`, text: readFileSync(join(path, name), 'utf8') });
  }
}

// JSON Pointer (/variants/1/ticket_text) to the engine's path ($.variants[1].ticket_text).
function enginePath(pointer) {
  let out = '$';
  for (const part of pointer.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(key) ? `[${key}]` : `.${key}`;
  }
  return out;
}

const ajv = new Ajv2020({ allErrors: true, strict: true });
for (const f of readdirSync(SCHEMA_DIR).filter((n) => n.endsWith('.schema.json'))) {
  ajv.addSchema(JSON.parse(readFileSync(new URL(f, SCHEMA_DIR), 'utf8')));
}
const schemaFor = {
  missions: ajv.getSchema(`${ID_BASE}mission.schema.json`),
  kb: ajv.getSchema(`${ID_BASE}kb.schema.json`),
  lexicon: ajv.getSchema(`${ID_BASE}lexicon.schema.json`),
};

let schemaProblems = 0;
for (const f of files) {
  let doc;
  try {
    doc = JSON.parse(f.text);
  } catch (e) {
    console.log(`${f.name}: $: not valid JSON (${e.message})`);
    schemaProblems++;
    continue;
  }
  const validate = schemaFor[f.name.split('/')[0]];
  if (validate(doc)) continue;
  // if/then and anyOf wrappers repeat what their branches said.
  for (const e of validate.errors.filter((x) => !['if', 'anyOf', 'oneOf'].includes(x.keyword))) {
    const extra = e.keyword === 'additionalProperties' ? ` "${e.params.additionalProperty}"`
      : e.keyword === 'enum' ? `: ${e.params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}` : '';
    console.log(`${f.name}: ${enginePath(e.instancePath)}: schema: ${e.message}${extra}`);
    schemaProblems++;
  }
}
console.log(`schemas: ${files.length} file(s), ${schemaProblems === 0 ? 'all valid' : `${schemaProblems} problem(s)`}`);

const { createSupportEnv } = await import(new URL('../dist/support-env.mjs', import.meta.url));
const env = await createSupportEnv();
const loaded = JSON.parse(env.request(JSON.stringify({ op: 'load_scenarios', files })));
if (!loaded.ok) {
  console.log(`engine: ${loaded.error}`);
  process.exit(1);
}
console.log(`engine: loaded ${loaded.tasks.length} mission(s): ${loaded.tasks.map((t) => `${t.id} (${t.variants} variants)`).join(', ')}`);
if (seeds > 0) {
  const { results } = env.evaluate({ policy: 'reference', seeds });
  for (const r of results) {
    const wins = r.success.filter(Boolean).length;
    const mean = r.scores.reduce((a, b) => a + b, 0) / r.scores.length;
    console.log(`reference agent: ${r.task}: ${wins}/${seeds} won, mean score ${mean.toFixed(2)}`);
  }
}
env.close();
process.exit(schemaProblems === 0 ? 0 : 1);
