// What bench/run.mjs and bench/ab.mjs share: loading a build's modules, the
// workload, the measurements of each layer, medians.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export const EPISODES = 6000;
export const SEED = 42;

/// The native benchmark (bench/bench_native.cpp) for `seconds` per layer: its JSON.
export function nativeBench(program, seconds) {
  const run = spawnSync(program, [String(seconds)], { encoding: 'utf8' });
  if (run.status !== 0) {
    console.error(run.stderr || run.error?.message || `${program} failed`);
    process.exit(1);
  }
  return JSON.parse(run.stdout);
}

/// One build's WebAssembly side: the site's module (`dist` holds
/// support-env.mjs and its core) and the benchmark's own module (`benchPrefix`
/// + .mjs/.wasm, bench/bench_wasm.cpp).
export async function loadWasm(dist, benchPrefix) {
  const { default: createSupportEnv } = await import(`${dist}/support-env.mjs`);
  const env = await createSupportEnv();
  const { default: createSupportEnvBench } = await import(`${benchPrefix}.mjs`);
  const benchModule = await createSupportEnvBench({ wasmBinary: readFileSync(`${benchPrefix}.wasm`) });
  const bench = new benchModule.Bench();
  if (bench.error()) {
    console.error(`support-env-bench: ${bench.error()}`);
    process.exit(1);
  }
  return { env, bench, close() { env.close(); bench.delete(); } };
}

/// The workload as request lines, the number of step lines, and the requests as objects.
export function workload(bench) {
  const lines = bench.workloadLines(EPISODES, SEED).split('\n').filter(Boolean);
  return {
    lines,
    stepLines: lines.filter((l) => l.startsWith('{"op":"step"')).length,
    requests: lines.map((l) => JSON.parse(l)),
  };
}

// Steps per second of fn (one pass over the workload), for at least `seconds`.
function rate(fn, stepLines, seconds) {
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

/// The WebAssembly layers of one build, each a function returning steps/s.
export function wasmLayers({ env, bench }, { lines, stepLines, requests }, seconds) {
  return {
    // The same Workload_Play loop as the native C++ API row, compiled to wasm.
    cppApi: () => bench.cppApi(EPISODES, SEED, seconds),
    // The native benchmark's Session_HandleLine loop compiled to wasm: exactly the same work.
    json: () => bench.jsonProtocol(EPISODES, SEED, seconds),
    // The same lines sent with env.request(): adds what only JS pays, UTF-8
    // encoding into the module's memory and decoding each response to a JS string.
    jsStrings: () => rate(() => { for (const l of lines) env.request(l); }, stepLines, seconds),
    // env.reset()/env.step() as agents call them: JSON.stringify and JSON.parse around each request.
    jsObjects: () => rate(() => {
      for (const r of requests) {
        if (r.op === 'reset') env.reset(r);
        else { try { env.step(r.action); } catch { /* steps after the end */ } }
      }
    }, stepLines, seconds),
  };
}

export const median = (xs) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
export const fmt = (x) => (x == null ? '-' : Math.round(x).toLocaleString('en-US'));
