// A/B comparison of two builds of the engine on bench/run.mjs's workload, for
// deciding whether a change pays (docs/performance.md). On a shared, noisy
// machine only side-by-side figures mean anything, so each layer is measured
// for A and B back to back, the order alternating from round to round
// (A B, B A, A B, …), and the verdict is the median of the per-round ratios
// B / A, with a 95% confidence interval for that median (distribution-free:
// order statistics of the rounds). Many short rounds (0.25 s, 30 or more)
// beat a few long ones here.
//
// Each figure is also given per CPU second: the wall-clock rate times the
// measurement's wall time over the CPU time the process got meanwhile
// (process.cpuUsage() for the WebAssembly layers, the shell's `time` for the
// native program). When neighbours take the cores, the wall-clock rate drops
// with the share of a core the benchmark got; the CPU rate mostly does not.
//
//   node bench/ab.mjs save DIR                 copy the current build's benchmark
//                                              files (native benchmark, wasm
//                                              benchmark module, dist/'s module) into DIR
//   node bench/ab.mjs DIR_A DIR_B [seconds per measurement, default 1] [rounds, default 8]
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { EPISODES, fmt, loadWasm, median, wasmLayers, workload } from './common.mjs';

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

// A wall-clock rate and the same per CPU second, given the wall and CPU milliseconds it took.
const figure = (rate, wallMs, cpuMs) => ({ wall: rate, cpu: rate * wallMs / cpuMs });

// One run of a build's native benchmark: its JSON and its wall/CPU time (bash's `time`, to the millisecond).
function native(build) {
  const run = spawnSync('bash', ['-c', 'TIMEFORMAT="%3R %3U %3S"; time "$0" "$1" 2>&1', `${build.dir}/support-env-bench`, String(seconds)],
    { encoding: 'utf8' });
  const [json, times] = run.stdout.trim().split('\n').concat(run.stderr.trim());
  if (run.status !== 0) {
    console.error(run.stdout, run.stderr);
    process.exit(1);
  }
  const [real, user, sys] = times.split(' ').map(Number);
  return { n: JSON.parse(json), wallMs: real, cpuMs: user + sys };
}

// A WebAssembly layer's rate, with the process's CPU time over the call.
function wasm(fn) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const rate = fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return figure(rate, wallMs, (c.user + c.system) / 1000);
}

const LAYERS = [
  // [name, figure of one build in a round]
  ['native C++ API', (b, r) => figure(r.n.cpp_api_steps_per_s, r.wallMs, r.cpuMs)],
  ['native JSON protocol', (b, r) => figure(r.n.json_steps_per_s, r.wallMs, r.cpuMs)],
  ['WebAssembly C++ API', (b) => wasm(b.layers.cppApi)],
  ['WebAssembly JSON protocol', (b) => wasm(b.layers.json)],
  ['env.request(line), JS strings', (b) => wasm(b.layers.jsStrings)],
  ['env.step(action), JS objects', (b) => wasm(b.layers.jsObjects)],
];

const samples = LAYERS.map(() => ({ a: [], b: [], wallRatio: [], cpuRatio: [] }));
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 ? [1, 0] : [0, 1];
  const natives = [];
  for (const i of order) natives[i] = native(builds[i]);
  LAYERS.forEach(([, measure], l) => {
    const got = [];
    for (const i of order) got[i] = measure(builds[i], natives[i]);
    samples[l].a.push(got[0].cpu);
    samples[l].b.push(got[1].cpu);
    samples[l].wallRatio.push(got[1].wall / got[0].wall);
    samples[l].cpuRatio.push(got[1].cpu / got[0].cpu);
  });
  process.stderr.write(`round ${round + 1}/${ROUNDS}: B/A per CPU s ${samples.map((s) => s.cpuRatio.at(-1).toFixed(3)).join(' ')}` +
    `; wall ${samples.map((s) => s.wallRatio.at(-1).toFixed(3)).join(' ')}\n`);
}
for (const b of builds) b.modules.close();

console.log(`Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores; Node ${process.version}; ` +
  `load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log(`A: ${dirs[0]}`);
console.log(`B: ${dirs[1]}`);
console.log(`Workload: ${EPISODES} episodes; ${ROUNDS} rounds (A B, B A, …), ${seconds} s per measurement; ` +
  'steps per CPU second, medians over the rounds');
console.log('');
console.log('| layer | A | B | B / A per CPU s, median [95% CI] | B / A wall clock, median [95% CI] |');
console.log('|---|---:|---:|---:|---:|');
// The median and the ranks that bound it with about 95% confidence (n/2 ± 0.98 √n).
const ci = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  const half = 0.98 * Math.sqrt(s.length);
  const lo = s[Math.max(0, Math.floor(s.length / 2 - half))];
  const hi = s[Math.min(s.length - 1, Math.ceil(s.length / 2 + half) - 1)];
  return `${median(s).toFixed(3)} [${lo.toFixed(3)}-${hi.toFixed(3)}]`;
};
LAYERS.forEach(([name], l) => {
  const { a, b, wallRatio, cpuRatio } = samples[l];
  console.log(`| ${name} | ${fmt(median(a))} | ${fmt(median(b))} | ${ci(cpuRatio)} | ${ci(wallRatio)} |`);
});
