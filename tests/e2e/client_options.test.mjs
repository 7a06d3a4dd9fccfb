// rc_app.client (--idle, --storage) and heartbeat_s reach the browser
// client through the page: what the user sees follows the server's options.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useBrowser } from './lib/suite.mjs';
import { gotoApp, MOUNT } from './lib/page.mjs';
import { startExample } from './lib/server.mjs';

const TEST_MS = 30000;

const browser = useBrowser();

async function withPage(t, name, args, fn) {
  const server = await startExample(name, { args });
  t.after(() => server.kill());
  const { page, errors } = await browser.openPage(t);
  page.setDefaultTimeout(8000);
  try {
    await gotoApp(page, server.url);
    await fn(page, server, errors);
  } catch (e) {
    e.message += `\n--- ${name} stderr ---\n${server.stderr()}`;
    throw e;
  }
}

test('--idle 1 --storage memory: the tab sleeps after a second and keeps nothing in storage', { timeout: TEST_MS }, async (t) => {
  await withPage(t, 'counter', ['--idle', '1', '--storage', 'memory', '--heartbeat', '7'], async (page) => {
    const attrs = await page.$eval(MOUNT, (m) => [m.dataset.reactcIdle, m.dataset.reactcStorage, m.dataset.reactcHeartbeat]);
    assert.deepEqual(attrs, ['1', 'memory', '7']);
    await page.click('#increment');
    await page.waitForFunction(() => document.querySelector('#count').textContent === '1');
    const from = Date.now();
    await page.waitForSelector(`${MOUNT}.rc-asleep`, { state: 'attached' });
    const after = Date.now() - from;
    assert.ok(after < 4000, `asleep after ${after} ms`);
    assert.equal(await page.evaluate(() => sessionStorage.length + localStorage.length), 0);
    // Asleep, not dead: a click wakes it and counts.
    await page.click('#increment');
    await page.waitForFunction(() => document.querySelector('#count').textContent === '2');
  });
});

test('the dashboard never sleeps (idle 0 from its rc_app); --storage local keeps the session in localStorage', { timeout: TEST_MS }, async (t) => {
  await withPage(t, 'dashboard', [], async (page) => {
    assert.equal(await page.$eval(MOUNT, (m) => m.dataset.reactcIdle), '0');
  });
  await withPage(t, 'counter', ['--storage', 'local'], async (page) => {
    await page.click('#increment');
    await page.waitForFunction(() => document.querySelector('#count').textContent === '1');
    await page.waitForFunction(() => Object.keys(localStorage).some((k) => k.startsWith('reactc:')));
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  });
});
