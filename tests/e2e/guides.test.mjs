// The guides' apps (examples/guide/*.c, docs/guide/) do in a browser what
// their guides say:
// - lists-and-keys.md: a keyed row keeps its own state when a row above it
//   is removed and when it moves to the top (handlers with bound values),
//   and after a kill -9 and a restart the resumed page gives each row its
//   state back by its address;
// - svg-and-charts.md: the chart is in the SVG namespace, with viewBox's
//   case kept, and its line follows the store (the points change while
//   the page is open, through patches, without a reload);
// - background-work.md: a component's interval and timeout fire, a
//   thread's publishes and rc_app_post callbacks reach the page;
// - resume-and-deploy.md: after a kill -9 and a restart, restorable slots
//   (a string, a struct) come back, a server-only slot starts from its
//   initial value, and the effect flagged RC_EFFECT_SKIP_ON_RESUME does
//   not run while the one flagged RC_EFFECT_ONLY_ON_RESUME does.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { useBrowser } from './lib/suite.mjs';
import { gotoApp, realErrors, waitText } from './lib/page.mjs';
import { buildDir } from './lib/paths.mjs';
import { startExample } from './lib/server.mjs';
import { HANDLED, until } from './lib/wire.mjs';

const TEST_MS = 60000;
const SECRET = 'hex:' + randomBytes(32).toString('hex');
const browser = useBrowser();
const guideApp = (name) => join(buildDir, 'examples', 'guide', name);

/** The rows as the page shows them: [name, hits] in order. */
const rows = (page) =>
  page.$$eval('#rows li', (lis) => lis.map((li) => [li.querySelector('.name').textContent, li.querySelector('.hit').textContent]));

/** Waits until the page holds a token with every event the server acked. */
const tokenHoldsAll = (page) =>
  page.waitForFunction(() => window.__handled.ack > 0 && window.__handled.tokenSeq >= window.__handled.ack);

test('lists: keyed rows keep their state through removal, reordering and a resume', { timeout: TEST_MS }, async (t) => {
  const env = { REACTC_SECRET: SECRET };
  const servers = [await startExample('lists', { bin: guideApp('lists'), env })];
  t.after(async () => {
    for (const s of servers) await s.kill();
  });
  const { page, errors } = await browser.openPage(t);
  await page.addInitScript(HANDLED);
  await gotoApp(page, servers[0].url, '#add');
  for (let i = 1; i <= 3; i++) {
    await page.click('#add');
    await page.waitForSelector(`#rows li:nth-child(${i})`);
  }
  const row = (name) => page.locator('#rows li', { hasText: name });
  await row('sensor 3').locator('.hit').click();
  await waitText(page, '#rows li:nth-child(3) .hit', 'hits: 1');
  await row('sensor 3').locator('.hit').click();
  await waitText(page, '#rows li:nth-child(3) .hit', 'hits: 2');
  await row('sensor 1').locator('.hit').click();
  await waitText(page, '#rows li:nth-child(1) .hit', 'hits: 1');

  // Removing row 2 (RC_ON_KEY): row 3 keeps its own hits, not row 2's.
  await row('sensor 2').locator('.remove').click();
  await page.waitForFunction(() => document.querySelectorAll('#rows li').length === 2);
  assert.deepEqual(await rows(page), [['sensor 1', 'hits: 1'], ['sensor 3', 'hits: 2']]);

  // Moving row 3 to the top (RC_ON_INT): its state follows it.
  await row('sensor 3').locator('.top').click();
  await waitText(page, '#rows li:nth-child(1) .name', 'sensor 3');
  assert.deepEqual(await rows(page), [['sensor 3', 'hits: 2'], ['sensor 1', 'hits: 1']]);

  // A kill -9 and a restart: the page resumes from its token, each row's
  // hits restored by its address (/list/row[3]@hits), not by position.
  await tokenHoldsAll(page);
  await servers[0].kill();
  servers.push(await startExample('lists', { bin: guideApp('lists'), env, port: servers[0].port }));
  await page.reload();
  await gotoApp(page, servers[1].url, '#rows li');
  assert.deepEqual(await rows(page), [['sensor 3', 'hits: 2'], ['sensor 1', 'hits: 1']]);
  await row('sensor 1').locator('.hit').click();
  await waitText(page, '#rows li:nth-child(2) .hit', 'hits: 2');
  assert.deepEqual(realErrors(errors), []);
});

// A build without stores has no svg or background app (examples/CMakeLists.txt).
const NO_STORES = process.env.REACTC_WITHOUT_STORES && 'built without stores (RC_WITH_STORES=OFF)';

test('svg: the sparkline is SVG and follows its store', { timeout: TEST_MS, skip: NO_STORES }, async (t) => {
  const server = await startExample('svg', { bin: guideApp('svg') });
  t.after(() => server.kill());
  const { page, errors } = await browser.openPage(t);
  await gotoApp(page, server.url, '#chart');
  const shape = await page.evaluate(() => ({
    svg: document.querySelector('#chart').namespaceURI,
    line: document.querySelector('#line').namespaceURI,
    viewBox: document.querySelector('#chart').getAttribute('viewBox'),
    box: document.querySelector('#chart').viewBox.baseVal.width,
    circle: document.querySelector('#icon circle').namespaceURI,
  }));
  assert.deepEqual(shape, {
    svg: 'http://www.w3.org/2000/svg',
    line: 'http://www.w3.org/2000/svg',
    viewBox: '0 0 320 80',
    box: 320,
    circle: 'http://www.w3.org/2000/svg',
  });
  // The same <polyline> node gets new points: patched, not rebuilt.
  await page.evaluate(() => {
    window.__line = document.querySelector('#line');
    window.__first = window.__line.getAttribute('points');
  });
  await page.waitForFunction(
    () => window.__line.getAttribute('points') !== window.__first && window.__line.points.numberOfItems >= 3,
    null,
    { timeout: 10000 },
  );
  const after = await page.evaluate(() => ({
    same: document.querySelector('#line') === window.__line,
    points: window.__line.points.numberOfItems,
  }));
  assert.equal(after.same, true);
  assert.ok(after.points >= 3, `a line of ${after.points} points`);
  assert.deepEqual(realErrors(errors), []);
});

test('resume: restorable slots come back, server-only ones do not, effects by their flags', { timeout: TEST_MS }, async (t) => {
  const env = { REACTC_SECRET: SECRET };
  const servers = [await startExample('resume', { bin: guideApp('resume'), env })];
  t.after(async () => {
    for (const s of servers) await s.kill();
  });
  const { page, errors } = await browser.openPage(t);
  await page.addInitScript(HANDLED);
  await gotoApp(page, servers[0].url, '#draft-input');
  await page.fill('#draft-input', 'hello');
  await page.press('#draft-input', 'Tab'); // "change"
  await waitText(page, '#draft', 'draft: hello');
  await page.click('#warm');
  await waitText(page, '#cache', 'cache warm');
  // Last, a restorable change: a server-only one alone seals no new token,
  // so the token barrier below waits for one holding this event.
  await page.click('#dark');
  await waitText(page, '#prefs', '20 rows, dark');
  assert.equal(await page.textContent('#resumed'), 'fresh');
  assert.match(servers[0].stderr(), /a new visitor/);

  await tokenHoldsAll(page);
  await servers[0].kill();
  servers.push(await startExample('resume', { bin: guideApp('resume'), env, port: servers[0].port }));
  await page.reload();
  await gotoApp(page, servers[1].url, '#resumed');
  assert.deepEqual(
    await page.evaluate(() => ['#draft', '#prefs', '#cache', '#resumed'].map((s) => document.querySelector(s).textContent)),
    ['draft: hello', '20 rows, dark', 'cache cold', 'resumed'],
  );
  // Both effects run after the same commit: once the resume-only one has
  // written its line, the other one would have written its own.
  await until(() => /a session came back from its token/.test(servers[1].stderr()), 'the resume-only effect');
  assert.doesNotMatch(servers[1].stderr(), /a new visitor/);
  assert.deepEqual(realErrors(errors), []);
});

test('background: timers, a publishing thread and rc_app_post reach the page', { timeout: TEST_MS, skip: NO_STORES }, async (t) => {
  const server = await startExample('background', { bin: guideApp('background') });
  t.after(() => server.kill());
  const { page, errors } = await browser.openPage(t);
  await gotoApp(page, server.url, '#temperature');
  const first = await page.textContent('#temperature');
  await page.waitForFunction((f) => document.querySelector('#temperature').textContent !== f, first, { timeout: 10000 });
  // Two ticks or more, not exactly "2 s": the text shows 2 for a second
  // only, and a loaded server whose loop runs late may fire a late tick and
  // the next one in one pass (libev catches up) and render 1 s, then 3 s,
  // which an exact wait would never see.
  await page.waitForFunction(() => {
    const m = /^(\d+) s on this page$/.exec(document.querySelector('#seconds').textContent);
    return m && Number(m[1]) >= 2;
  }, null, { timeout: 10000 });
  await page.waitForFunction(() => /^[1-9]\d* alarms$/.test(document.querySelector('#alarms').textContent), null, { timeout: 10000 });
  await page.waitForSelector('#welcome', { state: 'detached', timeout: 10000 });
  assert.match(server.stderr(), /alarms: subscribed/);
  assert.deepEqual(realErrors(errors), []);
});
