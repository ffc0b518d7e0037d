// Reading, writing and checking the golden transcript (tests/golden/transcript.txt).
//
// Format, one item per line:
//   # comment
//   @env_version <version>                     the engine version that produced it
//   @variants <task> <v0> <v1> … <v63>         the variant each seed 0..63 selects
//   > <request line>                           sent to the engine
//   < <response line>                          its answer, byte for byte
//   = <fnv1a64 hex> <bytes>                    its answer, pinned by hash and length
//
// Seed 0 and the preamble are recorded in full, so a diff shows what changed;
// seeds 1-5 replay the same script over the other variants and are pinned by
// FNV-1a 64 of the response's UTF-8 bytes, which keeps the file small.
import { readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const TRANSCRIPT = `${ROOT}tests/golden/transcript.txt`;
export const REGENERATE = 'node tests/golden/update.mjs';
export const CLI = process.env.SUPPORT_ENV_CLI ?? `${ROOT}build/native/support-env`;

/** Text -> {version, variants: Map(task -> [variant…]), exchanges: [{line, request, response}]}. */
export function parseTranscript(text) {
  const out = { version: null, variants: new Map(), exchanges: [] };
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, i) => {
    const where = `transcript line ${i + 1}`;
    if (raw.startsWith('#') || raw === '') return;
    if (raw.startsWith('@env_version ')) {
      out.version = raw.slice('@env_version '.length);
    } else if (raw.startsWith('@variants ')) {
      const [task, ...variants] = raw.slice('@variants '.length).split(' ');
      out.variants.set(task, variants.map(Number));
    } else if (raw.startsWith('> ')) {
      out.exchanges.push({ line: i + 1, request: raw.slice(2), response: null });
    } else if (raw.startsWith('< ') || raw.startsWith('= ')) {
      const last = out.exchanges[out.exchanges.length - 1];
      if (!last || last.response !== null) throw new Error(`${where}: a response without its request`);
      if (raw.startsWith('< ')) {
        last.response = raw.slice(2);
      } else {
        const m = /^= ([0-9a-f]{16}) ([0-9]+)$/.exec(raw);
        if (!m) throw new Error(`${where}: a hashed response is "= <16 hex digits> <byte length>"`);
        last.response = { hash: m[1], bytes: Number(m[2]) };
      }
      last.responseLine = i + 1;
    } else {
      throw new Error(`${where}: not a comment, @ line, request or response`);
    }
  });
  if (!out.version) throw new Error('the transcript has no @env_version line');
  const open = out.exchanges.find((e) => e.response === null);
  if (open) throw new Error(`transcript line ${open.line}: a request without its response`);
  return out;
}

export const readTranscript = () => parseTranscript(readFileSync(TRANSCRIPT, 'utf8'));
export const transcriptExists = () => existsSync(TRANSCRIPT);

/** FNV-1a 64 of a string's UTF-8 bytes, as 16 hex digits. */
export function fnv1a64(text) {
  let h = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text, 'utf8')) h = ((h ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, '0');
}

/** The transcript line that pins `response`: in full ("< …") or by hash ("= hash bytes"). */
export const responseLine = (response, hashed) =>
  (hashed ? `= ${fnv1a64(response)} ${Buffer.byteLength(response, 'utf8')}` : `< ${response}`);

/** Whether `actual` is the recorded answer (full text or hash and length). */
export function matchesRecorded(recorded, actual) {
  if (typeof recorded === 'string') return actual === recorded;
  return typeof actual === 'string' && Buffer.byteLength(actual, 'utf8') === recorded.bytes && fnv1a64(actual) === recorded.hash;
}

/** Runs request lines through one command-line process; returns its response lines. */
export function runCli(requests, cli = CLI) {
  const r = spawnSync(cli, [], { input: requests.join('\n') + '\n', maxBuffer: 1 << 30, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cli} exited with ${r.status}: ${r.stderr}`);
  const out = r.stdout.split('\n');
  out.pop();
  if (out.length !== requests.length) throw new Error(`${cli} answered ${out.length} lines to ${requests.length} requests`);
  return out;
}

/** The reset and state requests that read the seed -> variant table, and the table from their answers. */
export const variantRequests = (task, seeds) => Array.from({ length: seeds }, (_, seed) =>
  [JSON.stringify({ op: 'reset', task, seed }), JSON.stringify({ op: 'state' })]).flat();
export const variantsFromResponses = (responses) =>
  responses.filter((_, i) => i % 2 === 1).map((r) => JSON.parse(r).state.variant);

/** A readable account of where two response lines first differ. */
export function describeDifference(expected, actual) {
  let i = 0;
  while (i < expected.length && i < actual.length && expected[i] === actual[i]) i++;
  const from = Math.max(0, i - 80);
  return `first difference at character ${i + 1}:\n` +
    `  expected …${expected.slice(from, i + 120)}…\n` +
    `  actual   …${actual.slice(from, i + 120)}…`;
}

/**
 * Compares the answers `actual` (one per exchange) with the transcript; null
 * when they match, else the message for the first mismatch.
 */
export function firstMismatch(transcript, actual, label) {
  for (let k = 0; k < transcript.exchanges.length; k++) {
    const e = transcript.exchanges[k];
    if (matchesRecorded(e.response, actual[k])) continue;
    const difference = typeof e.response === 'string' ? describeDifference(e.response, actual[k] ?? '(no answer)')
      : `recorded by hash (fnv1a64 ${e.response.hash}, ${e.response.bytes} bytes); the answer now is ` +
        `${actual[k] === undefined ? '(no answer)' : `${Buffer.byteLength(actual[k], 'utf8')} bytes: ${actual[k].slice(0, 300)}…`}\n` +
        '  (the same script for seed 0, recorded in full, usually shows what changed)';
    return `${label}: behaviour changed: tests/golden/transcript.txt line ${e.responseLine} differs.\n` +
      `  request  ${e.request.slice(0, 300)}\n` +
      `${difference}\n` +
      `If the change is deliberate, bump the environment version (SUPPORT_ENV_VERSION in ` +
      `engine/include/support_env/version.h), rebuild, and regenerate with: ${REGENERATE}`;
  }
  return null;
}
