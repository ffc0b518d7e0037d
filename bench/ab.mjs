// A/B comparison of two builds of the engine on bench/run.mjs's workload, for
// deciding whether a change pays (docs/performance.md). On a shared, noisy
// machine only side-by-side figures mean anything, so each layer is measured
// for A and B back to back, the order alternating from round to round
// (A B, B A, A B, …), and the verdict is the median of the per-round ratios
// B / A.
//
//   node bench/ab.mjs save DIR                 copy the current build's benchmark
//                                              files (native benchmark, wasm
//                                              benchmark module, dist/'s module) into DIR
//   node bench/ab.mjs DIR_A DIR_B [seconds per measurement, default 1] [rounds, default 8]
import { copyFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { EPISODES, fmt, loadWasm, median, nativeBench, range, wasmLayers, workload } from './common.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const FILES = [
  // [in the build, in a saved DIR]
  ['build/native/support-env-bench', 'support-env-bench'],
  ['build/wasm/bench/support-env-bench.mjs', 'bench/support-env-bench.mjs'],
  ['build/wasm/bench/support-env-bench.wasm', 'bench/support-env-bench.wasm'],
  ['dist/support-env.mjs', 'dist/support-env.mjs'],
  ['dist/support-env-core.mjs', 'dist/support-env-core.mjs'],
  ['dist/support-env-core.wasm', 'dist/support-env-core.wasm'],
];

if (process.argv[2] === 'save') {
  const dir = resolve(process.argv[3]);
  for (const sub of ['bench', 'dist']) mkdirSync(`${dir}/${sub}`, { recursive: true });
  for (const [from, to] of FILES) copyFileSync(`${ROOT}${from}`, `${dir}/${to}`);
  console.log(`saved the current build's benchmark files in ${dir}`);
  process.exit(0);
}

if (process.argv.length < 4) {
  console.error('usage: node bench/ab.mjs save DIR | node bench/ab.mjs DIR_A DIR_B [seconds] [rounds]');
  process.exit(2);
}
const dirs = [resolve(process.argv[2]), resolve(process.argv[3])];
const seconds = Number(process.argv[4] ?? 1);
const ROUNDS = Number(process.argv[5] ?? 8);

const builds = [];
for (const dir of dirs) {
  const modules = await loadWasm(`${dir}/dist`, `${dir}/bench/support-env-bench`);
  builds.push({ dir, modules, layers: wasmLayers(modules, workload(modules.bench), seconds) });
}

const LAYERS = [
  // [name, figure of one build in a round]
  ['native C++ API', (b, n) => n.cpp_api_steps_per_s],
  ['native JSON protocol', (b, n) => n.json_steps_per_s],
  ['WebAssembly C++ API', (b) => b.layers.cppApi()],
  ['WebAssembly JSON protocol', (b) => b.layers.json()],
  ['env.request(line), JS strings', (b) => b.layers.jsStrings()],
  ['env.step(action), JS objects', (b) => b.layers.jsObjects()],
];

const samples = LAYERS.map(() => ({ a: [], b: [], ratio: [] }));
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 ? [1, 0] : [0, 1];
  const natives = [];
  for (const i of order) natives[i] = nativeBench(`${builds[i].dir}/support-env-bench`, seconds);
  LAYERS.forEach(([, figure], l) => {
    const got = [];
    for (const i of order) got[i] = figure(builds[i], natives[i]);
    samples[l].a.push(got[0]);
    samples[l].b.push(got[1]);
    samples[l].ratio.push(got[1] / got[0]);
  });
  process.stderr.write(`round ${round + 1}/${ROUNDS}: B/A ${samples.map((s) => s.ratio.at(-1).toFixed(3)).join(' ')}\n`);
}
for (const b of builds) b.modules.close();

console.log(`Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores; Node ${process.version}; ` +
  `load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log(`A: ${dirs[0]}`);
console.log(`B: ${dirs[1]}`);
console.log(`Workload: ${EPISODES} episodes; ${ROUNDS} rounds (A B, B A, …), ${seconds} s per measurement; steps/s, medians over the rounds`);
console.log('');
console.log('| layer | A | B | B / A, median of the rounds (range) | rounds B faster |');
console.log('|---|---:|---:|---:|---:|');
LAYERS.forEach(([name], l) => {
  const { a, b, ratio } = samples[l];
  console.log(`| ${name} | ${fmt(median(a))} | ${fmt(median(b))} | ${median(ratio).toFixed(3)}${range(ratio)} | ` +
    `${ratio.filter((r) => r > 1).length}/${ratio.length} |`);
});
