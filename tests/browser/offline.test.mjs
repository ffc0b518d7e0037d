// Offline play: after one visit the service worker holds the whole site, so
// with the server killed the page reloads and a mission plays to success.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  act, gotoReady, launchBrowser, openPage, startMission, startServer, text, tid, walkthrough,
} from './harness.mjs';

let server;
let browser;
before(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('offline: the service worker serves the page and engine after the server is gone', async () => {
  const { context, page, problems, foreign } = await openPage(browser, server.url);
  try {
    await gotoReady(page, server.url);
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    assert.equal(scope, server.url);
    await page.reload();
    await gotoReady(page, server.url);
    assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'the worker controls the page');

    await server.stop();
    await assert.rejects(fetch(server.url), 'the server is really gone');

    await page.reload();
    await gotoReady(page, server.url);
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
