// The benchmark: one run measures, on the same mixed workload (bench/workload.h:
// competent scripted plays of all missions plus random actions), the native
// C++ API, the native JSON protocol, the native command-line program, and the
// WebAssembly module in Node, then prints the table with the ratios
// WebAssembly / native.
//
// Shared machines are noisy (a neighbour can take a core for seconds), so the
// layers are measured in interleaved rounds: each round measures every layer
// once, native and WebAssembly back to back. The table gives each layer's
// median over the rounds and its best round (the least disturbed), and each
// ratio is the median of the per-round ratios, i.e. of measurements taken
// side by side.
//
//   node bench/run.mjs [seconds per measurement, default 1] [rounds, default 5]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { EPISODES, fmt, loadWasm, median, nativeBench, wasmLayers, workload } from './common.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const seconds = Number(process.argv[2] ?? 1);
const ROUNDS = Number(process.argv[3] ?? 5);

// The site's module as users load it, and the benchmark's own WebAssembly
// module (bench/bench_wasm.cpp), built beside the site's by the wasm preset
// and not shipped in dist/.
const modules = await loadWasm(`${ROOT}dist`, `${ROOT}build/wasm/bench/support-env-bench`);
const work = workload(modules.bench);
const { lines, stepLines } = work;
const layers = wasmLayers(modules, work, seconds);

// The native command-line program end to end: the workload's lines from a file
// on stdin, responses to /dev/null; process start is included, and enough
// passes to last about `seconds` amortise it. What an agent driving the CLI
// through a pipe gets at best.
const tmp = mkdtempSync(join(os.tmpdir(), 'support-env-bench-'));
function cliRate(nativeJsonRate) {
  const passes = Math.max(1, Math.round(nativeJsonRate * seconds / stepLines));
  const file = join(tmp, 'requests.jsonl');
  writeFileSync(file, `${Array(passes).fill(lines.join('\n')).join('\n')}\n`);
  const start = performance.now();
  const cli = spawnSync('sh', ['-c', `"${ROOT}build/native/support-env" < "${file}" > /dev/null`]);
  const elapsed = (performance.now() - start) / 1000;
  if (cli.status !== 0) {
    console.error('support-env failed on the workload');
    process.exit(1);
  }
  return passes * stepLines / elapsed;
}

const LAYERS = [
  // [name, native figure of a round, WebAssembly figure of a round]
  ['C++ API (Episode_Step)', (n) => n.cpp_api_steps_per_s, layers.cppApi],
  ['JSON protocol (request line -> response line)', (n) => n.json_steps_per_s, layers.json],
  ['JSON protocol through the JS API (env.request(line), JS strings)', (n) => n.json_steps_per_s, layers.jsStrings],
  ['JS objects (env.step(action) -> object)', null, layers.jsObjects],
  ['command-line program through a pipe (support-env < file)', (n) => cliRate(n.json_steps_per_s), null],
];

const samples = LAYERS.map(() => ({ native: [], wasm: [], ratio: [] }));
let first = null;
for (let round = 0; round < ROUNDS; round++) {
  const n = nativeBench(`${ROOT}build/native/support-env-bench`, seconds);
  first ??= n;
  LAYERS.forEach(([, nativeOf, wasmOf], i) => {
    const nat = nativeOf?.(n);
    const wasm = wasmOf?.();
    if (nat != null) samples[i].native.push(nat);
    if (wasm != null) samples[i].wasm.push(wasm);
    if (nat != null && wasm != null) samples[i].ratio.push(wasm / nat);
  });
}
modules.close();
rmSync(tmp, { recursive: true });

const range = (xs) => (xs.length < 2 ? '' : ` (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`);

console.log(`Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores; Node ${process.version}`);
console.log(`Workload: ${EPISODES} episodes (${first.steps_per_pass} steps; scripted plays succeeded ${first.scripted_success}); ` +
  `${ROUNDS} interleaved rounds, ${seconds} s per measurement, one core; medians over the rounds`);
console.log(`Heap allocations per step (native C++ API, warm): ${first.allocations_per_step}`);
console.log('');
console.log('| layer | native steps/s, median (best) | WebAssembly (Node) steps/s, median (best) | WebAssembly / native (range over rounds) |');
console.log('|---|---:|---:|---:|');
const cell = (xs) => (xs.length === 0 ? '-' : `${fmt(median(xs))} (${fmt(Math.max(...xs))})`);
LAYERS.forEach(([name], i) => {
  const { native, wasm, ratio } = samples[i];
  const r = median(ratio);
  console.log(`| ${name} | ${cell(native)} | ${cell(wasm)} | ${r == null ? '-' : r.toFixed(2) + range(ratio)} |`);
});
