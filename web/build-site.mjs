// Assembles the static site in dist/: the page sources of web/, the fonts from
// the npm Fontsource packages, the engine (linked into dist/ by CMake) and its
// JS API (engine/wasm/support-env.mjs), the JSON Schemas, the LLM protocol, and a
// service worker whose cache name is a hash of everything it caches, so a new
// build replaces the old cache.
//
//   node web/build-site.mjs     (run by the `wasm` build preset)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const WEB = join(ROOT, 'web');
const DIST = join(ROOT, 'dist');
const NOT_SHIPPED = new Set(['build-site.mjs', 'sw.js', 'README.md']);
const ENGINE = ['support-env-core.mjs', 'support-env-core.wasm'];  // linked by CMake
// The characters the page's fonts keep: text outside falls back to system fonts.
// Inter (body text, engine and user text): Latin-1, common punctuation, arrows, ✓ ✗, τ.
// Barlow Condensed (headings, labels, numbers): printable ASCII and the few symbols the page's labels use.
const PUNCTUATION = 'U+00A0,U+00B7,U+00D7,U+2013-2014,U+2018-2019,U+201C-201D,U+2026,U+2190-2193,U+2212,U+2713,U+2717';
const FONT_UNICODES = {
  inter: `U+0020-00FF,U+0152-0153,U+03C4,U+2010-2027,U+2030-203A,U+20AC,U+2122,${PUNCTUATION}`,
  'barlow-condensed': `U+0020-007E,${PUNCTUATION}`,
};
const FONTS = [
  ['@fontsource/barlow-condensed', 'barlow-condensed-latin-700-normal.woff2'],
  ['@fontsource/barlow-condensed', 'barlow-condensed-latin-800-normal.woff2'],
  ['@fontsource/inter', 'inter-latin-400-normal.woff2'],
  ['@fontsource/inter', 'inter-latin-600-normal.woff2'],
];

async function listFiles(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...await listFiles(path));
    else out.push(path);
  }
  return out;
}

/**
 * Subsets a woff2 font to FONT_UNICODES with kerning and ligatures only
 * (fontTools: Debian's python3-fonttools and python3-brotli), about a third
 * smaller; false when fontTools is not there (the font is then copied whole).
 */
let fontTools;
function subsetFont(from, to) {
  fontTools ??= ['python3', '/usr/bin/python3'].find((python) =>
    spawnSync(python, ['-c', 'import fontTools.subset, brotli'], { stdio: 'ignore' }).status === 0) ?? null;
  if (!fontTools) return false;
  const family = Object.keys(FONT_UNICODES).find((name) => from.includes(`${name}-latin`));
  const run = spawnSync(fontTools, ['-m', 'fontTools.subset', from, `--unicodes=${FONT_UNICODES[family]}`, '--flavor=woff2',
    '--layout-features=kern,liga', `--output-file=${to}`], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`font subsetting failed for ${from}: ${run.stderr}`);
  return true;
}

async function main() {
  for (const name of ENGINE) {
    try { await readFile(join(DIST, name)); } catch {
      throw new Error(`dist/${name} is missing: build the engine first (cmake --build --preset wasm)`);
    }
  }
  await copyFile(join(ROOT, 'engine', 'wasm', 'support-env.mjs'), join(DIST, 'support-env.mjs'));
  for (const file of await listFiles(WEB)) {
    const rel = relative(WEB, file);
    if (NOT_SHIPPED.has(rel)) continue;
    await mkdir(join(DIST, rel, '..'), { recursive: true });
    await copyFile(file, join(DIST, rel));
  }
  // JSON Schemas of actions, observations, scenario files and trajectories.
  try {
    for (const file of await readdir(join(ROOT, 'scenarios', 'schema'))) {
      await mkdir(join(DIST, 'schema'), { recursive: true });
      await copyFile(join(ROOT, 'scenarios', 'schema', file), join(DIST, 'schema', file));
    }
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  // The LLM agent's protocol (prompt, turn text, reply rules, retries), shared with inference.py; app/llm.js fetches it.
  await mkdir(join(DIST, 'agent'), { recursive: true });
  await copyFile(join(ROOT, 'scenarios', 'agent', 'llm-protocol.json'), join(DIST, 'agent', 'llm-protocol.json'));
  await mkdir(join(DIST, 'fonts'), { recursive: true });
  for (const [pkg, file] of FONTS) {
    const from = join(ROOT, 'node_modules', pkg, 'files', file);
    try { await readFile(from); } catch {
      throw new Error(`${pkg} is not installed (missing ${file}): run npm ci`);
    }
    if (!subsetFont(from, join(DIST, 'fonts', file))) await copyFile(from, join(DIST, 'fonts', file));
  }

  const assets = (await listFiles(DIST)).map((f) => relative(DIST, f).split('\\').join('/'))
    .filter((f) => f !== 'sw.js' && !f.startsWith('.')).sort();
  const hash = createHash('sha256');
  for (const a of assets) hash.update(a).update(await readFile(join(DIST, a)));
  const version = hash.digest('hex').slice(0, 12);
  const worker = (await readFile(join(WEB, 'sw.js'), 'utf8'))
    .replace('__CACHE_VERSION__', version)
    .replace('__ASSETS__', JSON.stringify(['./', ...assets.map((a) => `./${a}`)], null, 2));
  await writeFile(join(DIST, 'sw.js'), worker);
  await writeFile(join(DIST, '.build-stamp'), `${version}\n`);
  console.log(`site: dist/ holds ${assets.length + 1} files, cache ${version}`);
}

main().catch((e) => {
  console.error(`build-site: ${e.message}`);
  process.exit(1);
});
