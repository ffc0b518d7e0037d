// The golden transcript (tests/golden/transcript.txt) through the command-line
// program and the WebAssembly module: both must answer the fixed script byte
// for byte as recorded, select the recorded variant for seeds 0-63, and report
// the version the transcript was recorded with. (tests/unit/test_golden.cpp
// does the same in-process.) Regenerate: node tests/golden/update.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API } from './helpers.mjs';
import {
  REGENERATE, firstMismatch, fnv1a64, matchesRecorded, parseTranscript, readTranscript, runCli, variantRequests,
  variantsFromResponses,
} from '../golden/transcript.mjs';

const { default: createSupportEnv } = await import(API);
const transcript = readTranscript();
const requests = transcript.exchanges.map((e) => e.request);

test('hashed responses: FNV-1a 64 matches the published test vectors, and any changed byte is caught', () => {
  assert.equal(fnv1a64(''), 'cbf29ce484222325');
  assert.equal(fnv1a64('a'), 'af63dc4c8601ec8c');
  assert.equal(fnv1a64('foobar'), '85944171f73967e8');
  const t = parseTranscript('@env_version 1.0.0\n> {"op":"x"}\n= ' + fnv1a64('{"ok":true,"é":1}') + ' 18\n');
  assert.equal(matchesRecorded(t.exchanges[0].response, '{"ok":true,"é":1}'), true);
  assert.equal(matchesRecorded(t.exchanges[0].response, '{"ok":true,"è":1}'), false);
  assert.match(firstMismatch(t, ['{"ok":false}'], 'x'), /recorded by hash .*18 bytes.*12 bytes/s);
  assert.throws(() => parseTranscript('@env_version 1\n> r\n= abc 3\n'), /16 hex digits/);
  // Most of the script is pinned in full: seed 0 and the preamble.
  const full = transcript.exchanges.filter((e) => typeof e.response === 'string').length;
  assert.ok(full > 200 && full < transcript.exchanges.length, `${full} of ${transcript.exchanges.length} in full`);
});

test('the transcript was recorded by this environment version (CLI and WebAssembly)', async () => {
  const env = await createSupportEnv();
  const wasm = env.spec().spec.env_version;
  env.close();
  const cli = JSON.parse(runCli(['{"op":"spec"}'])[0]).spec.env_version;
  assert.equal(cli, wasm);
  assert.equal(transcript.version, cli,
    `the transcript records env_version ${transcript.version}; the engine is ${cli}. After a version bump, regenerate it with: ${REGENERATE}`);
});

test('the command-line program answers the fixed script byte for byte as recorded', () => {
  const mismatch = firstMismatch(transcript, runCli(requests), 'command-line program');
  assert.equal(mismatch, null, mismatch ?? '');
});

test('the WebAssembly module answers the fixed script byte for byte as recorded', async () => {
  const env = await createSupportEnv();
  const answers = requests.map((line) => env.request(line));
  env.close();
  const mismatch = firstMismatch(transcript, answers, 'WebAssembly module');
  assert.equal(mismatch, null, mismatch ?? '');
});

test('both builds select the recorded variant for seeds 0-63 of every mission', async () => {
  const env = await createSupportEnv();
  assert.equal(transcript.variants.size, 6);
  for (const [task, recorded] of transcript.variants) {
    const lines = variantRequests(task, recorded.length);
    const message = `${task}: behaviour changed (a seed selects another variant). If deliberate, bump the environment version and regenerate with: ${REGENERATE}`;
    assert.deepEqual(variantsFromResponses(runCli(lines)), recorded, `command-line program, ${message}`);
    assert.deepEqual(variantsFromResponses(lines.map((l) => env.request(l))), recorded, `WebAssembly module, ${message}`);
  }
  env.close();
});
