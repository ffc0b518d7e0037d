// Site budgets (issue 3), measured, not asserted: the whole of dist/ gzipped
// (budget 300 KB, fonts included) and navigation to a playable episode in
// headless Chromium on localhost (budget 500 ms; median of cold loads).
//
//   node bench/site.mjs [loads, default 15]
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIST = join(ROOT, 'dist');
const LOADS = Number(process.argv[2] ?? 15);
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
try {
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext();  // cold: no cache, no service worker
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 10000 });
    times.push(await page.evaluate(() => performance.getEntriesByName('playable')[0]?.startTime ?? NaN));
    await context.close();
  }
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
