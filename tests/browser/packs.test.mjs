// Scenario packs in the dashboard: the example pack loads and its mission is
// won by the reference agent; a hostile pack's text is shown literally and
// runs nothing; a broken pack shows the engine's "<file>: <JSON path>: problem".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ROOT, TASKS, playAs, text, tid, useBrowser, waitDone } from './harness.mjs';

const PACK = `${ROOT}examples/packs/password-lockout/`;
const MISSION = readFileSync(`${PACK}missions/01_account_lockout.json`, 'utf8');
const LEXICON = readFileSync(`${PACK}lexicon/lockout.json`, 'utf8');
const KB = readFileSync(`${PACK}kb/articles.json`, 'utf8');
const HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">';

const suite = useBrowser();

const file = (name, text) => ({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
const cards = (page) => page.locator(`${tid('mission-list')} .card-button`).evaluateAll((els) => els.map((el) => el.dataset.task));

test('the example pack loads from the file picker and the reference agent wins its mission', () => suite.inPage(async ({ page }) => {
  await page.setInputFiles(tid('pack-files'), [`${PACK}missions/01_account_lockout.json`, `${PACK}kb/articles.json`, `${PACK}lexicon/lockout.json`, `${PACK}README.md`]);
  await page.locator(tid('pack-active')).waitFor();
  assert.equal(await page.locator(tid('pack-status')).textContent(), 'Playing pack: 3 files (1 mission)');
  assert.deepEqual(await cards(page), ['account_lockout']);
  assert.equal(await text(page, 'mission-count'), '1');
  assert.match(await page.locator('#missions-title').textContent(), /^1 Ticket Mission$/);
  assert.deepEqual(await page.locator(`${tid('mission-select')} option`).evaluateAll((o) => o.map((x) => x.value)), ['', 'account_lockout']);
  assert.deepEqual(await page.locator(`${tid('lab-mission-list')} input`).evaluateAll((o) => o.map((x) => x.value)), ['account_lockout']);
  assert.equal(await page.getAttribute(tid('demo'), 'data-state'), 'idle', 'the demo waits for a pack mission');

  await playAs(page, 'reference', 'account_lockout', 2);
  await waitDone(page);
  assert.equal(await page.locator(tid('outcome')).getAttribute('data-success'), 'true');
  assert.equal(await text(page, 'ticket-id'), 'TKT-707-B');
  assert.equal(await text(page, 'kb-id'), 'KB-ACCOUNT-LOCKOUT');

  // Back to the built-in missions.
  await page.click(tid('pack-reset'));
  assert.deepEqual(await cards(page), TASKS);
  assert.ok(await page.locator(tid('pack-active')).isHidden());
  assert.equal(await page.getAttribute(tid('demo'), 'data-state'), 'idle');
}));

test('files in missions/ and kb/ folders keep their folder; loose files are sorted by content', () => suite.inPage(async ({ page }) => {
  // A folder pick (webkitRelativePath) or a folder drop (entry paths) names the folders.
  const names = await page.evaluate(async ({ mission, kb, lexicon }) => {
    const { engineName } = await import('./app/packs.js');
    return [
      engineName('password-lockout/missions/01_account_lockout.json', mission),
      engineName('password-lockout/kb/articles.json', kb),
      engineName('password-lockout/lexicon/lockout.json', lexicon),
      engineName('articles.json', kb),
      engineName('lockout.json', mission),
      engineName('words.json', lexicon),
      engineName('broken.json', '{'),
    ];
  }, { mission: MISSION, kb: KB, lexicon: LEXICON });
  assert.deepEqual(names, ['missions/01_account_lockout.json', 'kb/articles.json', 'lexicon/lockout.json', 'kb/articles.json',
    'missions/lockout.json', 'lexicon/words.json', 'missions/broken.json']);

  // Loose files with other names load the same pack.
  await page.setInputFiles(tid('pack-files'), [file('lockout.json', MISSION), file('policies.json', KB), file('words.json', LEXICON)]);
  await page.locator(tid('pack-active')).waitFor();
  assert.deepEqual(await cards(page), ['account_lockout']);

  // A drop on the drop zone, folders and all.
  await page.click(tid('pack-reset'));
  await page.evaluate(({ mission, kb, lexicon }) => {
    const data = new DataTransfer();
    data.items.add(new File([mission], '01_account_lockout.json', { type: 'application/json' }));
    data.items.add(new File([kb], 'articles.json', { type: 'application/json' }));
    data.items.add(new File([lexicon], 'lockout.json', { type: 'application/json' }));
    document.querySelector('[data-testid="pack-drop"]').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, { mission: MISSION, kb: KB, lexicon: LEXICON });
  await page.locator(tid('pack-active')).waitFor();
  assert.deepEqual(await cards(page), ['account_lockout']);
}));

test('a hostile pack: its HTML and script are shown as text and never run', () => suite.inPage(async ({ page }) => {
  const mission = JSON.parse(MISSION);
  mission.title = `Locked out ${HOSTILE}`;
  mission.summary = HOSTILE;
  mission.variants[0].subject = HOSTILE;
  mission.variants[0].ticket_text = `My account shows an error: locked. ${HOSTILE}`;
  await page.setInputFiles(tid('pack-files'), [file('01_account_lockout.json', JSON.stringify(mission)), file('articles.json', KB), file('lockout.json', LEXICON)]);
  await page.locator(tid('pack-active')).waitFor();
  const card = page.locator(tid('mission-card-account_lockout'));
  assert.equal(await card.textContent(), mission.title);
  await card.click();
  await page.locator(`${tid('conversation')} .msg-text`).first().waitFor();
  assert.equal(await page.locator(`${tid('conversation')} .msg-text`).first().textContent(), mission.variants[0].ticket_text);
  assert.match(await text(page, 'ticket-mission'), /Locked out <script>/);
  await playAs(page, 'reference', 'account_lockout', 0);
  await waitDone(page);
  await page.waitForTimeout(100);
  const created = await page.evaluate(() => ({
    pwned: window.__pwned,
    img: document.querySelectorAll('img').length,
    scripts: [...document.scripts].map((s) => s.getAttribute('src')),
  }));
  assert.deepEqual(created, { pwned: undefined, img: 0, scripts: ['./app/main.js'] });
}));

test('a broken pack shows "<file>: $.<path>: problem" and keeps the missions', () => suite.inPage(async ({ page }) => {
  const mission = JSON.parse(MISSION);
  mission.patience = 99;
  await page.setInputFiles(tid('pack-files'), [file('01_account_lockout.json', JSON.stringify(mission)), file('articles.json', KB), file('lockout.json', LEXICON)]);
  const error = page.locator(tid('pack-error'));
  await error.waitFor();
  assert.equal(await error.getAttribute('role'), 'alert');
  assert.match(await error.textContent(), /missions\/01_account_lockout\.json: \$\.patience: /);
  assert.deepEqual(await cards(page), TASKS, 'the built-in missions stay');
  assert.ok(await page.locator(tid('pack-active')).isHidden());

  // Not JSON at all, and a file that is no pack: each named.
  await page.setInputFiles(tid('pack-files'), [file('01_account_lockout.json', '{"task_id": "x",'), file('articles.json', KB), file('lockout.json', LEXICON)]);
  await page.waitForFunction(() => /missions\/01_account_lockout\.json: /.test(document.querySelector('[data-testid="pack-error"]').textContent)
    && !/patience/.test(document.querySelector('[data-testid="pack-error"]').textContent));
  await page.setInputFiles(tid('pack-files'), [file('notes.txt', 'hello')]);
  await page.waitForFunction(() => /No \.json files/.test(document.querySelector('[data-testid="pack-error"]').textContent));
  // The demo still plays the built-in missions.
  await playAs(page, 'reference', 'billing_receipt', 0);
  await waitDone(page);
  assert.equal(await page.locator(tid('outcome')).getAttribute('data-success'), 'true');
}));
