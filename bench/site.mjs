// Site budgets, measured, not asserted: the whole of dist/ gzipped (budget
// 300 KB, fonts included); navigation to a playable episode in headless
// Chromium on localhost (budget 500 ms; median of cold loads); and the
// Evaluation Lab running a built-in policy over 6 missions × 1,000 seeds in
// the page, from the Run click to the drawn table (budget 2 s; median of runs).
//
//   node bench/site.mjs [loads, default 15] [lab runs per policy, default 5]
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIST = join(ROOT, 'dist');
const LOADS = Number(process.argv[2] ?? 15);
const LAB_RUNS = Number(process.argv[3] ?? 5);
const LAB_SEEDS = 1000;
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : name.startsWith('.') ? [] : [path];
  });
}

const sizes = files(DIST).map((path) => {
  const bytes = readFileSync(path);
  return { file: relative(DIST, path), raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}).sort((a, b) => b.gzip - a.gzip);
const total = sizes.reduce((s, f) => ({ raw: s.raw + f.raw, gzip: s.gzip + f.gzip }), { raw: 0, gzip: 0 });

const server = spawn('python3', [join(ROOT, 'serve.py'), '--no-build', '--quiet', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  server.stdout.on('data', (d) => { const m = /Serving (http:\S+)/.exec(String(d)); if (m) resolve(m[1]); });
  server.on('exit', () => reject(new Error('serve.py exited')));
});

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
const times = [];
const lab = [];
let labEpisodes = '';
try {
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext();  // cold: no cache, no service worker
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 10000 });
    times.push(await page.evaluate(() => performance.getEntriesByName('playable')[0]?.startTime ?? NaN));
    await context.close();
  }

  // The Evaluation Lab, driven through its controls like a person would.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.extras === 'ready', null, { timeout: 10000 });
  await page.fill('[data-testid="lab-seeds"]', String(LAB_SEEDS));
  await page.fill('[data-testid="lab-first-seed"]', '0');
  for (const policy of ['reference', 'random']) {
    await page.selectOption('[data-testid="lab-policy"]', policy);
    const runs = [];
    for (let i = 0; i <= LAB_RUNS; i++) {  // the first run warms up
      const before = Number(await page.getAttribute('[data-testid="lab-results"]', 'data-runs') ?? 0);
      await page.click('[data-testid="lab-run"]');
      await page.waitForFunction((n) => document.querySelector('[data-testid="lab-results"]').dataset.runs === String(n + 1),
        before, { timeout: 60000 });
      const ms = Number(await page.getAttribute('[data-testid="lab"]', 'data-ms'));
      const episodes = await page.locator('[data-testid="lab-summary"] .stat-red dd').innerText();
      if (i > 0) runs.push(ms);
      if (i === 0) labEpisodes = episodes;
    }
    runs.sort((a, b) => a - b);
    lab.push({ policy, median: runs[Math.floor(runs.length / 2)], min: runs[0], max: runs.at(-1) });
  }
  await context.close();
} finally {
  await browser.close();
  server.kill();
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log('| file | raw | gzip -9 |');
console.log('|---|---:|---:|');
for (const f of sizes) console.log(`| ${f.file} | ${kb(f.raw)} | ${kb(f.gzip)} |`);
console.log(`| **total (${sizes.length} files)** | ${kb(total.raw)} | **${kb(total.gzip)}** (budget 300 KB) |`);
console.log('');
console.log(`Navigation to playable episode, headless Chromium, localhost, ${LOADS} cold loads: ` +
  `median ${median.toFixed(0)} ms, min ${times[0].toFixed(0)} ms, max ${times.at(-1).toFixed(0)} ms (budget 500 ms)`);
for (const r of lab) {
  console.log(`Evaluation Lab, ${r.policy} agent, 6 missions × ${LAB_SEEDS.toLocaleString('en-US')} seeds (${labEpisodes} episodes), ` +
    `${LAB_RUNS} runs in the page: median ${r.median.toFixed(0)} ms, min ${r.min.toFixed(0)} ms, max ${r.max.toFixed(0)} ms (budget 2,000 ms)`);
}
