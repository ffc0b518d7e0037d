// The benchmark: one run measures, on the same mixed workload (bench/workload.h:
// competent scripted plays of all missions plus random actions), the native
// C++ API, the native JSON protocol, and the WebAssembly module in Node, then
// prints the table with the ratios WebAssembly / native.
//
//   node bench/run.mjs [seconds per measurement, default 3]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const seconds = Number(process.argv[2] ?? 3);
const EPISODES = 6000;
const SEED = 42;

const native = spawnSync(`${ROOT}build/native/support-env-bench`, [String(seconds)], { encoding: 'utf8' });
if (native.status !== 0) {
  console.error(native.stderr || native.error?.message || 'support-env-bench failed');
  process.exit(1);
}
const n = JSON.parse(native.stdout);

const { default: createSupportEnv } = await import(`${ROOT}dist/support-env.mjs`);
const env = await createSupportEnv();

// WebAssembly, C++ API: the same Workload_Play loop compiled to wasm.
const wasmApi = env.benchmark.cppApiStepsPerSecond(EPISODES, SEED, seconds);
// WebAssembly, JSON protocol: the native benchmark's Session_HandleLine loop
// compiled to wasm, so both sides do exactly the same work.
const wasmJsonInModule = env.benchmark.jsonProtocolStepsPerSecond(EPISODES, SEED, seconds);

// WebAssembly, JSON protocol through the JS API: the native benchmark's request
// lines, sent with env.request() (a JS string in, a JS string out). This adds
// what only the browser pays: UTF-8 encoding into the module's memory and
// decoding the response into a JS string, compared with the native in-process row.
const lines = env.benchmark.workloadLines(EPISODES, SEED);
const stepLines = lines.filter((l) => l.startsWith('{"op":"step"')).length;
function rate(fn) {
  fn();  // warm-up
  let steps = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    fn();
    steps += stepLines;
    elapsed = performance.now() - start;
  }
  return steps / (elapsed / 1000);
}
const wasmJson = rate(() => { for (const l of lines) env.request(l); });

// WebAssembly, JS objects in and out: env.reset()/env.step() as agents call them.
const requests = lines.map((l) => JSON.parse(l));
const wasmObjects = rate(() => {
  for (const r of requests) {
    if (r.op === 'reset') env.reset(r);
    else { try { env.step(r.action); } catch { /* steps after the end */ } }
  }
});
env.close();

// Native command-line program end to end: the workload's lines from a file on
// stdin, responses to /dev/null (process start included; repeated passes
// amortise it). This is what a Python agent driving the CLI gets at best.
const passes = Math.max(1, Math.round(n.json_steps_per_s * seconds / stepLines));
const requestFile = join(mkdtempSync(join(os.tmpdir(), 'support-env-bench-')), 'requests.jsonl');
writeFileSync(requestFile, Array(passes).fill(lines.join('\n')).join('\n') + '\n');
const cliStart = performance.now();
const cli = spawnSync('sh', ['-c', `"${ROOT}build/native/support-env" < "${requestFile}" > /dev/null`]);
const cliSeconds = (performance.now() - cliStart) / 1000;
rmSync(dirname(requestFile), { recursive: true });
if (cli.status !== 0) {
  console.error('support-env failed on the workload');
  process.exit(1);
}
const nativeCli = passes * stepLines / cliSeconds;

const fmt = (x) => Math.round(x).toLocaleString('en-US');
const rows = [
  ['C++ API (Episode_Step)', n.cpp_api_steps_per_s, wasmApi],
  ['JSON protocol (request line -> response line)', n.json_steps_per_s, wasmJsonInModule],
  ['JSON protocol through the JS API (env.request(line), JS strings)', n.json_steps_per_s, wasmJson],
  ['JS objects (env.step(action) -> object)', null, wasmObjects],
  ['command-line program through a pipe (support-env < file)', nativeCli, null],
];
console.log(`Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores; Node ${process.version}`);
console.log(`Workload: ${EPISODES} episodes (${n.steps_per_pass} steps; scripted plays succeeded ${n.scripted_success}), ${seconds} s per measurement, one core`);
console.log(`Heap allocations per step (native C++ API, warm): ${n.allocations_per_step}`);
console.log('');
console.log('| layer | native steps/s | WebAssembly (Node) steps/s | WebAssembly / native |');
console.log('|---|---:|---:|---:|');
for (const [name, nat, wasm] of rows) {
  const ratio = nat == null || wasm == null ? '-' : (wasm / nat).toFixed(2);
  console.log(`| ${name} | ${nat == null ? '-' : fmt(nat)} | ${wasm == null ? '-' : fmt(wasm)} | ${ratio} |`);
}
