// Shared state (stores): a click in one tab changes a store value shown in
// every tab, and in a tab opened later; a reload shows the store's current
// value; and a page resumed by a new process (same secret) shows that
// process's value, not the one it showed before: store values never travel
// in a session's token (its own state does). Against tests/e2e/apps/shared.c.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { startExample, testAppBinary } from './lib/server.mjs';
import { useBrowser } from './lib/suite.mjs';
import { gotoApp, text, waitText } from './lib/page.mjs';
import { HANDLED, handledToken } from './lib/wire.mjs';

const SECRET = 'b64:' + randomBytes(32).toString('base64');
const browser = useBrowser();

async function openTab(t, server) {
  const { page } = await browser.openPage(t);
  page.setDefaultTimeout(10000);
  await page.addInitScript(HANDLED);
  await gotoApp(page, `http://127.0.0.1:${server.port}/`, '#fan');
  return page;
}

const start = (port) =>
  startExample('shared', { bin: testAppBinary('shared'), port, env: { REACTC_SECRET: SECRET } });

test('one click shows in every tab, later tabs, reloads; a resume shows the current value', async (t) => {
  let server = await start();
  t.after(() => server.kill());
  const tabs = [];
  for (let i = 0; i < 3; i++) tabs.push(await openTab(t, server));
  for (const p of tabs) assert.equal(await text(p, '#fan'), 'off');

  await tabs[0].click('#toggle');
  for (const p of tabs) await waitText(p, '#fan', 'on');
  const later = await openTab(t, server);
  assert.equal(await text(later, '#fan'), 'on');

  // Tab 2's own state, held in its token once the token covers both events.
  await tabs[1].click('#increment');
  await tabs[1].click('#increment');
  await waitText(tabs[1], '#count', '2');
  await handledToken(tabs[1], 2);

  // Changed elsewhere while tab 2 reloads: the reload shows the change.
  await tabs[2].click('#toggle');
  await waitText(tabs[1], '#fan', 'off');
  await tabs[0].click('#toggle');
  await waitText(tabs[1], '#fan', 'on');
  await tabs[1].reload();
  await tabs[1].waitForSelector('#reactc-root.rc-connected #fan', { state: 'attached' });
  assert.equal(await text(tabs[1], '#fan'), 'on');
  assert.equal(await text(tabs[1], '#count'), '2');

  // A new process (same secret and port) holds the store's initial value:
  // the resumed page shows it and its own count, not the "on" it showed.
  // The tabs that toggled resume too: their toggles changed only the store,
  // yet a token holding them came (else they would be replayed into the
  // new process's store on resume).
  await handledToken(tabs[0], 2);
  await handledToken(tabs[2], 1);
  const port = server.port;
  await server.kill();
  server = await start(port);
  await tabs[1].reload();
  await tabs[1].waitForSelector('#reactc-root.rc-connected #fan', { state: 'attached' });
  await waitText(tabs[1], '#count', '2');
  assert.equal(await text(tabs[1], '#fan'), 'off');
  for (const p of [tabs[0], tabs[2], later]) await waitText(p, '#fan', 'off');
  assert.match(server.stderr(), /resumed from its token/);
  await server.stop(3000);
});
