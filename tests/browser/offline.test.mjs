// Offline play: after one visit the service worker holds the whole site, so
// with the server killed the page reloads and a mission plays to success.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { act, gotoReady, openPage, startMission, text, tid, useBrowser, walkthrough } from './harness.mjs';

const suite = useBrowser();

test('offline: the service worker serves the page and engine after the server is gone', async () => {
  const { context, page, problems, foreign } = await openPage(suite.browser, suite.url);
  try {
    await gotoReady(page, suite.url);
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    assert.equal(scope, suite.url);
    await page.reload();
    await gotoReady(page, suite.url);
    assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'the worker controls the page');

    await suite.server.stop();
    await assert.rejects(fetch(suite.url), 'the server is really gone');

    await page.reload();
    await gotoReady(page, suite.url);
    await startMission(page, 'dashboard_404', 0);
    for (const action of walkthrough('dashboard_404')) await act(page, action);
    assert.equal(await text(page, 'status-badge'), 'DONE');
    assert.equal(await page.locator(tid('outcome')).getAttribute('data-success'), 'true');
    assert.ok(['+0.98', '+0.99'].includes(await text(page, 'reward-total')));
    assert.equal(await page.evaluate(() => document.fonts.check('800 16px "Barlow Condensed"')), true, 'fonts come from the cache too');
    assert.deepEqual(problems, []);
    assert.deepEqual(foreign(), []);
  } finally {
    await context.close();
  }
});
