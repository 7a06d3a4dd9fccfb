// The dashboard as a device (examples/dashboard.c): the fan and the
// settings are stores, persisted under --state; the details panel is each
// tab's own. Three tabs see one device; toggles survive network cuts,
// reloads and kill -9 exactly once (docs/guide/shared-state.md, "Exactly
// once"): the fan always has the parity of the toggles made, and after any
// kill -9 every tab agrees with a freshly opened one.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { useBrowser } from './lib/suite.mjs';
import { gotoApp, MOUNT, realErrors, text, waitText } from './lib/page.mjs';
import { startProxy } from './lib/proxy.mjs';
import { startExample, stateDir } from './lib/server.mjs';
import { handledStart, handledToken, HANDLED, onMessages, until } from './lib/wire.mjs';

const SECRET = 'b64:' + randomBytes(32).toString('base64');
const browser = useBrowser({ timeout: 60000 });

/** The dashboard behind a proxy, with its own state directory; restart()
 * starts the next process on the same port and directory (a reboot). */
async function device(t, extra = []) {
  const dir = stateDir();
  const args = ['--state', dir, ...extra];
  const env = { REACTC_SECRET: SECRET };
  const first = await startExample('dashboard', { args, env });
  const app = { server: first, servers: [first], dir };
  t.after(async () => {
    for (const s of app.servers) await s.kill();
    await app.proxy?.close();
  });
  app.proxy = await startProxy(first.port);
  app.restart = async () => {
    const s = await startExample('dashboard', { args, env, port: app.server.port });
    app.servers.push(s);
    app.server = s;
    return s;
  };
  app.stderr = () => app.servers.map((s, i) => `--- dashboard #${i + 1} ---\n${s.stderr()}`).join('\n');
  return app;
}

/** A tab on the device; `tab.seq` is the last event it sent. */
async function openTab(t, app) {
  const { page, errors } = await browser.openPage(t);
  page.setDefaultTimeout(15000);
  await page.addInitScript(HANDLED);
  const tab = { page, errors, seq: 0, starts: [] };
  onMessages(page, () => ({
    received(m) {
      if (m.type === 'layout-update' && m.start) tab.starts.push(m.start);
    },
    sent(m) {
      // An event goes alone, or in a hello's resume.events when it was
      // made while the connection was down.
      for (const e of m.type === 'hello' ? m.resume?.events || [] : [m]) {
        if (e.type === 'layout-event' && e.seq > tab.seq) tab.seq = e.seq;
      }
    },
  }));
  await gotoApp(page, `${app.proxy.url}/`, '#fan');
  return tab;
}

const fanOf = (tab) => text(tab.page, '#fan-state');

/** Clicks the fan and waits until the event is on the wire (saved by the
 * client with it, so a reload or a kill cannot lose it). */
async function toggle(tab) {
  const before = tab.seq;
  await tab.page.click('#fan');
  await until(() => tab.seq > before, 'the toggle sent');
}

/** Every tab, and a tab opened now, shows `want`. */
async function allShow(t, app, tabs, want) {
  for (const tab of tabs) await waitText(tab.page, '#fan-state', want);
  const fresh = await openTab(t, app);
  assert.equal(await fanOf(fresh), want, 'a freshly opened tab');
  await fresh.page.close();
}

function scenario(title, fn, extra) {
  test(title, { timeout: 60000 }, async (t) => {
    const app = await device(t, extra);
    try {
      await fn(app, t);
    } catch (e) {
      e.message += '\n' + app.stderr();
      throw e;
    }
  });
}

scenario('three tabs show one fan and one set of settings; the details panel is each tab\'s', async (app, t) => {
  const tabs = [];
  for (let i = 0; i < 3; i++) tabs.push(await openTab(t, app));
  for (const tab of tabs) assert.equal(await fanOf(tab), 'off');
  await tabs[0].page.click('#fan');
  for (const tab of tabs) {
    await waitText(tab.page, '#fan-state', 'on');
    assert.equal(await text(tab.page, '#fan'), 'Turn fan off');
  }
  const later = await openTab(t, app);
  assert.equal(await fanOf(later), 'on');

  await tabs[1].page.selectOption('#unit', 'F');
  for (const tab of [...tabs, later]) {
    await tab.page.waitForFunction(() => /°F$/.test(document.querySelector('#temperature').textContent));
  }
  // The sensor thread publishes into a store: every tab's reading moves.
  for (const tab of tabs) {
    const t0 = await text(tab.page, '#temperature');
    await tab.page.waitForFunction((v) => document.querySelector('#temperature').textContent !== v, t0);
  }
  // Per tab: the panel opened in tab 2 is not open anywhere else.
  await tabs[2].page.click('#details');
  await tabs[2].page.waitForSelector('#note');
  await tabs[2].page.type('#note', 'mine');
  await handledToken(tabs[2].page, tabs[2].seq);
  for (const tab of [tabs[0], tabs[1], later]) {
    assert.equal(await tab.page.$('#details-panel'), null);
  }
  for (const tab of [...tabs, later]) assert.deepEqual(realErrors(tab.errors), []);
});

scenario('toggled N times across network cuts and reloads, the fan has N\'s parity', async (app, t) => {
  const tabs = [];
  for (let i = 0; i < 3; i++) tabs.push(await openTab(t, app));
  const N = 12;
  for (let i = 0; i < N; i++) {
    const tab = tabs[i % 3];
    switch (i % 4) {
      case 0:
        await toggle(tab);
        break;
      case 1: { // made while the network is down: sent with the hello
        const down = app.proxy.down(300);
        const before = tab.seq;
        await tab.page.click('#fan');
        await down;
        await until(() => tab.seq > before, 'the toggle sent after the outage');
        break;
      }
      case 2: // the page reloads right after sending it
        await toggle(tab);
        await tab.page.reload();
        await tab.page.waitForSelector(`${MOUNT}.rc-connected #fan`, { state: 'attached' });
        break;
      case 3: // the connection is cut right after it
        await toggle(tab);
        app.proxy.cut();
        break;
    }
  }
  // The barrier: each tab holds a token past its last event, so the
  // server has applied every toggle and nothing is left to replay.
  for (const tab of tabs) await handledToken(tab.page, tab.seq);
  await allShow(t, app, tabs, N % 2 ? 'on' : 'off');
  // And once more after a reload of every tab (their tokens replay nothing).
  for (const tab of tabs) await tab.page.reload();
  await allShow(t, app, tabs, N % 2 ? 'on' : 'off');
});

// --token-interval 60000: after its first tree a session gets no paced
// token for a minute, so a toggle the file already holds is still held by
// the client when the process dies: its replay must be recognised.
scenario('kill -9 right after a toggle of the persisted fan: every tab shows the file\'s value, no replay applies it twice', async (app, t) => {
  const tabs = [];
  for (let i = 0; i < 3; i++) tabs.push(await openTab(t, app));
  const file = join(app.dir, 'dashboard-fan.store');
  const content = () => (existsSync(file) ? readFileSync(file) : Buffer.alloc(0));
  let on = false;
  for (const [round, when] of ['at once', 'after the file', 'after the file', 'at once'].entries()) {
    const tab = tabs[round % 3];
    const before = content();
    await toggle(tab);
    on = !on;
    // 'after the file': the write is the barrier (value and mark together).
    if (when === 'after the file') await until(() => !content().equals(before), 'the fan file written');
    await app.server.kill();
    const skippedBefore = (app.stderr().match(/replayed event skipped/g) || []).length;
    const starts = tabs.map((x) => x.starts.length);
    await app.restart();
    // Every tab is back, on the new process: the one that clicked has
    // replayed what its token did not hold (before its first tree).
    await until(() => tabs.every((x, i) => x.starts.length > starts[i] && x.starts.at(-1) === 'resumed'),
      'every tab resumed', 15000);
    // Each page has handled that tree (the test sees the frames first): the
    // fan it shows below is the new process's, not the one before the kill.
    for (const x of tabs) await handledStart(x.page, x.starts.length);
    await allShow(t, app, tabs, on ? 'on' : 'off');
    if (when === 'after the file') {
      // The clicking tab replayed its toggle into the new process, which
      // skipped it: the file's mark held its seq.
      await app.server.waitStderr(/replayed event skipped/);
      assert.ok((app.stderr().match(/replayed event skipped/g) || []).length > skippedBefore);
    }
  }
  for (const tab of tabs) assert.deepEqual(realErrors(tab.errors), []);
}, ['--token-interval', '60000', '--log-level', 'info']);

// The client forgets an event once a token holds it. For a write to a
// persisted store that token waits for the file: a kill -9 right after the
// token arrived finds the toggle in the file (with the default pacing a
// token would otherwise come within 250 ms, before the debounced write).
scenario('kill -9 right after the token that holds a toggle: the file has the toggle', async (app, t) => {
  const tabs = [];
  for (let i = 0; i < 2; i++) tabs.push(await openTab(t, app));
  let on = false;
  for (let round = 0; round < 3; round++) {
    const tab = tabs[round % 2];
    await toggle(tab);
    on = !on;
    await handledToken(tab.page, tab.seq);
    await app.server.kill();
    const starts = tabs.map((x) => x.starts.length);
    await app.restart();
    await until(() => tabs.every((x, i) => x.starts.length > starts[i]), 'every tab back', 15000);
    for (const x of tabs) await handledStart(x.page, x.starts.length); // the fan shown is the new process's
    await allShow(t, app, tabs, on ? 'on' : 'off');
  }
});

// A duplicated tab copies its original's session storage: its session id,
// its token and the events that token does not hold yet. It resumes that
// token into a new session id (the original is live) and replays those
// events: the marks of the token's session id come with it, so the toggle
// the original already applied is not applied again. (--token-interval
// 60000 keeps the toggle out of the original's token meanwhile.)
scenario('a duplicated tab resumes into a new session and does not apply its original\'s toggle again', async (app, t) => {
  const a = await openTab(t, app);
  await toggle(a);
  await waitText(a.page, '#fan-state', 'on');
  const storage = await a.page.evaluate(() => JSON.stringify(Object.entries(sessionStorage)));
  assert.match(storage, /layout-event/, 'the original still holds its toggle');
  const { page, errors } = await browser.openPage(t);
  page.setDefaultTimeout(15000);
  await page.addInitScript((d) => {
    if (sessionStorage.getItem('__duplicated')) return;
    for (const [k, v] of JSON.parse(d)) sessionStorage.setItem(k, v);
    sessionStorage.setItem('__duplicated', '1');
  }, storage);
  await gotoApp(page, `${app.proxy.url}/`, '#fan');
  await app.server.waitStderr(/replayed event skipped/);
  assert.equal(await text(page, '#fan-state'), 'on');
  assert.equal(await fanOf(a), 'on');
  await allShow(t, app, [a], 'on');
  // Two sessions now: the copy numbers its own events on from there.
  await page.click('#fan');
  await waitText(a.page, '#fan-state', 'off');
  assert.deepEqual(realErrors(errors), []);
}, ['--token-interval', '60000', '--log-level', 'info']);
