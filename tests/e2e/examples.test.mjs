// The example apps end to end: the real C servers (build/examples/*), the
// embedded client, Debian's Chromium. The element ids used here are the
// examples' contract (examples/*.c).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useBrowser } from './lib/suite.mjs';
import { gotoApp, MOUNT, text, todoTexts, waitText } from './lib/page.mjs';
import { startExample, withExample } from './lib/server.mjs';
import { handledAll, HANDLED, onMessages, until } from './lib/wire.mjs';

// A hung test fails with its name instead of stalling until CTest's timeout.
const TEST_MS = 30000;

const browser = useBrowser();


const withServer = (t, name, fn) => withExample(t, name, {}, fn);

/**
 * Records the reactc protocol traffic of a page: the highest event seq
 * sent, as the browser reports its frames.
 */
function watchWire(page) {
  const wire = { sent: 0 };
  onMessages(page, () => ({
    sent(m) {
      if (m.type === 'layout-event' && m.seq > wire.sent) wire.sent = m.seq;
    },
  }));
  return wire;
}

/** Waits until the page has handled the server's ack of every event it
 * sent. Counted in the page (HANDLED), not from the frames the browser
 * reports to the test: those of the last keystrokes may still be on their
 * way when the typing returns, and an ack of the earlier ones would then
 * pass for the ack of all. */
const settled = (page) => handledAll(page);

/** Opens `path` on `server` in a new page, once the first tree is shown. */
async function open(t, server, path, ready, init) {
  const { page, errors } = await browser.openPage(t);
  // A render and a round trip, or a page load, on a loaded 2-core machine.
  page.setDefaultTimeout(10000);
  await page.addInitScript(HANDLED);
  if (init) await page.addInitScript(init);
  const wire = watchWire(page);
  await gotoApp(page, server.url + path);
  if (ready) await page.waitForSelector(ready, { state: 'attached' });
  return { page, errors, wire };
}

/** Init script: the page's WebSockets record their close codes. */
function RECORD_CLOSE_CODES() {
  const Native = window.WebSocket;
  window.__closeCodes = [];
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('close', (e) => window.__closeCodes.push(e.code));
    }
  };
}

test('counter: seven clicks show 7, no console errors', { timeout: TEST_MS }, async (t) => {
  await withServer(t, 'counter', async (server) => {
    const { page, errors, wire } = await open(t, server, '/', '#count');
    assert.equal(await text(page, '#count'), '0');
    for (let i = 0; i < 7; i++) await page.click('#increment');
    await waitText(page, '#count', '7');
    // One event per click, each applied once: still 7 once all are acked.
    assert.equal(wire.sent, 7);
    await settled(page);
    assert.equal(await text(page, '#count'), '7');
    assert.deepEqual(errors, []);
    await server.stop();
  });
});

test('counter: a paced state token arrives on its own, and the client takes it without a warning', { timeout: TEST_MS }, async (t) => {
  // One token per second at most: the first click's patch carries one, the
  // next clicks' do not, and the timer sends {"type":"token"} alone.
  const server = await startExample('counter', { args: ['--token-interval', '1000'] });
  t.after(() => server.kill());
  const { page, errors } = await browser.openPage(t);
  const warnings = [];
  page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
  let alone = 0;
  onMessages(page, () => ({ received(m) { if (m.type === 'token') alone++; } }));
  await gotoApp(page, server.url + '/');
  await page.click('#increment');
  await page.click('#increment');
  await waitText(page, '#count', '2');
  await until(() => alone > 0, 'a token message of its own');
  // The page handles a message before the next one: one more click's ack
  // is the barrier after which any warning for the token would be logged.
  await page.click('#increment');
  await waitText(page, '#count', '3');
  assert.deepEqual(warnings.filter((w) => /unknown message/.test(w)), []);
  assert.deepEqual(errors, []);
});

test('todo: add, toggle and delete items; keyed rows keep their DOM nodes', { timeout: TEST_MS }, async (t) => {
  await withServer(t, 'todo', async (server) => {
    const { page, errors } = await open(t, server, '/', '#new-todo');
    const items = ['buy milk', 'walk the dog', 'write tests'];
    for (const [i, item] of items.entries()) {
      await page.type('#new-todo', item);
      await page.click('#add');
      await page.waitForFunction((n) => document.querySelectorAll('#todos li').length === n, i + 1);
      await page.waitForFunction(() => document.querySelector('#new-todo').value === '');
    }
    assert.deepEqual(await todoTexts(page), items);
    assert.equal(await text(page, '#remaining'), '3');

    // Toggle the second item.
    await page.click('#todos li:nth-child(2) input.toggle');
    await waitText(page, '#remaining', '2');
    await page.waitForFunction(() => document.querySelectorAll('#todos li')[1].classList.contains('done'));
    assert.deepEqual(await page.$$eval('#todos li', (ls) => ls.map((l) => l.className)), ['open', 'done', 'open']);
    assert.equal(await page.$eval('#todos li:nth-child(2) input.toggle', (e) => e.checked), true);

    // Tag the rows that stay, then delete the first one.
    await page.$$eval('#todos li', (ls) => {
      ls[1].__mark = 'second';
      ls[2].__mark = 'last';
    });
    await page.click('#todos li:nth-child(1) button.delete');
    await page.waitForFunction(() => document.querySelectorAll('#todos li').length === 2);
    assert.deepEqual(await todoTexts(page), ['walk the dog', 'write tests']);
    assert.deepEqual(await page.$$eval('#todos li', (ls) => ls.map((l) => l.__mark)), ['second', 'last'],
      'the remaining rows must be the same DOM nodes, not re-created ones');
    assert.deepEqual(await page.$$eval('#todos li', (ls) => ls.map((l) => l.className)), ['done', 'open']);
    assert.equal(await text(page, '#remaining'), '1');
    assert.deepEqual(errors, []);
    await server.stop();
  });
});

/**
 * Watches a text field in the page: records every moment (input events and
 * every animation frame) where its value got shorter than before or the
 * caret was not at the end, which a stale server value would cause.
 * Set `__fieldWatch.paused` when the test itself moves the selection; the
 * next input event resumes the checks from there.
 */
function watchField(page, sel) {
  return page.$eval(sel, (el) => {
    const w = (window.__fieldWatch = { max: el.value.length, bad: [] });
    const check = (why) => {
      if (w.paused) return;
      const v = el.value;
      if (v.length < w.max) w.bad.push(`${why}: value shrank to ${JSON.stringify(v)}`);
      w.max = Math.max(w.max, v.length);
      if (document.activeElement === el && (el.selectionStart !== v.length || el.selectionEnd !== v.length)) {
        w.bad.push(`${why}: caret at ${el.selectionStart}-${el.selectionEnd} in ${JSON.stringify(v)}`);
      }
    };
    el.addEventListener('input', () => {
      if (w.paused) Object.assign(w, { paused: false, max: 0 }); // the user typed again
      check('input');
    });
    const frame = () => {
      if (w.stop) return;
      check('frame');
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
}

const fieldState = (page, sel) =>
  page.$eval(sel, (el) => ({ value: el.value, start: el.selectionStart, end: el.selectionEnd, focused: document.activeElement === el }));

test('todo: a controlled input keeps fast typing and the caret; the server has what is shown', { timeout: TEST_MS }, async (t) => {
  await withServer(t, 'todo', async (server) => {
    const { page, errors, wire } = await open(t, server, '/', '#new-todo');
    await page.focus('#new-todo');
    await watchField(page, '#new-todo');
    await page.type('#new-todo', 'hello world', { delay: 0 });
    assert.deepEqual(await fieldState(page, '#new-todo'), { value: 'hello world', start: 11, end: 11, focused: true });
    // Once the server has applied every keystroke, the field is unchanged.
    await settled(page);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    assert.deepEqual(await fieldState(page, '#new-todo'), { value: 'hello world', start: 11, end: 11, focused: true });
    assert.deepEqual(await page.evaluate(() => window.__fieldWatch.bad), []);
    assert.ok(wire.sent >= 11, `one event per keystroke (sent ${wire.sent})`);

    // Select all, type a replacement over it.
    await page.evaluate(() => { window.__fieldWatch.paused = true; });
    await page.keyboard.press('Control+A');
    assert.deepEqual(await fieldState(page, '#new-todo'), { value: 'hello world', start: 0, end: 11, focused: true });
    await page.keyboard.type('goodbye', { delay: 0 });
    assert.deepEqual(await fieldState(page, '#new-todo'), { value: 'goodbye', start: 7, end: 7, focused: true });
    await settled(page);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    assert.deepEqual(await fieldState(page, '#new-todo'), { value: 'goodbye', start: 7, end: 7, focused: true });
    assert.deepEqual(await page.evaluate(() => window.__fieldWatch.bad), []);

    // The server's draft is what the field shows: adding it lists it.
    await page.click('#add');
    await page.waitForFunction(() => document.querySelectorAll('#todos li').length === 1);
    assert.deepEqual(await todoTexts(page), ['goodbye']);
    await page.waitForFunction(() => document.querySelector('#new-todo').value === '');
    assert.deepEqual(errors, []);
    await server.stop();
  });
});

test('dashboard: live values, fan, unit, alerts checkbox, name', { timeout: TEST_MS }, async (t) => {
  await withServer(t, 'dashboard', async (server) => {
    const { page, errors, wire } = await open(t, server, '/', '#temperature');
    // Pushed by the server with no user action: the timer and the sensor thread.
    // (The page's default wait: the uptime's 1 s timer, then a render and a
    // push, may take more than 3 s on a loaded machine.)
    const uptime0 = await text(page, '#uptime');
    const temp0 = await text(page, '#temperature');
    await page.waitForFunction(([u, tmp]) =>
      document.querySelector('#uptime').textContent !== u &&
      document.querySelector('#temperature').textContent !== tmp, [uptime0, temp0]);

    // Fan.
    assert.equal(await text(page, '#fan-state'), 'off');
    await page.click('#fan');
    await waitText(page, '#fan-state', 'on');
    assert.equal(await page.$eval('#fan', (e) => e.getAttribute('aria-pressed')), 'true');

    // Unit.
    assert.match(await text(page, '#temperature'), /°C$/);
    await page.selectOption('#unit', 'F');
    await page.waitForFunction(() => /°F$/.test(document.querySelector('#temperature').textContent));
    assert.equal(await page.$eval('#unit', (e) => e.value), 'F');

    // Alerts: the checkbox stays checked through the server's later updates
    // (the temperature re-renders every 100 ms: a stale value must not win).
    assert.equal(await page.$eval('#alerts', (e) => e.checked), false);
    await page.check('#alerts');
    await settled(page);
    for (let i = 0; i < 2; i++) {
      const before = await text(page, '#temperature');
      await page.waitForFunction((b) => document.querySelector('#temperature').textContent !== b, before);
      assert.equal(await page.$eval('#alerts', (e) => e.checked), true, `after server update ${i + 1}`);
    }
    assert.equal(await page.$eval('#unit', (e) => e.value), 'F');

    // Name: typed while the temperature keeps re-rendering.
    await page.focus('#name');
    await watchField(page, '#name');
    await page.evaluate(() => { window.__fieldWatch.paused = true; });
    await page.keyboard.press('Control+A');
    await page.type('#name', 'lab-7');
    await waitText(page, 'h1', 'Device lab-7');
    await settled(page);
    assert.deepEqual(await fieldState(page, '#name'), { value: 'lab-7', start: 5, end: 5, focused: true });
    assert.deepEqual(await page.evaluate(() => window.__fieldWatch.bad), []);
    assert.equal(await text(page, '#fan-state'), 'on');
    assert.deepEqual(errors, []);
    await server.stop();
  });
});

test('counter: the page reloads, renders and works again', { timeout: TEST_MS }, async (t) => {
  await withServer(t, 'counter', async (server) => {
    const { page, errors } = await open(t, server, '/', '#count');
    for (let i = 0; i < 3; i++) await page.click('#increment');
    await waitText(page, '#count', '3');
    await page.reload();
    await page.waitForSelector(`${MOUNT}.rc-connected #count`, { state: 'attached' });
    const n = Number(await text(page, '#count'));
    // A reload resumes the session (sessionStorage keeps its token).
    assert.equal(n, 3, `count after reload: ${n}`);
    await page.click('#increment');
    await page.click('#increment');
    await waitText(page, '#count', String(n + 2));
    assert.deepEqual(errors, []);
    await server.stop();
  });
});

test('server shutdown: SIGTERM exits 0 at once and the page notices the close', { timeout: TEST_MS }, async (t) => {
  await withServer(t, 'counter', async (server) => {
    const { page } = await open(t, server, '/', '#count', RECORD_CLOSE_CODES);
    await page.click('#increment');
    await waitText(page, '#count', '1');
    await page.evaluate(() => {
      window.__events = [];
      document.querySelector('#reactc-root').addEventListener('reactc:reconnecting', () => window.__events.push('reactc:reconnecting'));
    });
    const { code, ms } = await server.stop(1500);
    assert.equal(code, 0);
    assert.ok(ms <= 1500, `exit took ${ms} ms`);
    t.diagnostic(`SIGTERM to exit: ${ms} ms`);
    await page.waitForFunction(() => {
      const c = document.querySelector('#reactc-root').classList;
      return c.contains('rc-reconnecting') || c.contains('rc-connecting');
    });
    assert.equal(await page.$eval(MOUNT, (m) => m.classList.contains('rc-connected')), false);
    assert.deepEqual(await page.evaluate(() => window.__events), ['reactc:reconnecting']);
    // docs/protocol.md: close code 1001 when the server shuts down.
    assert.equal(await page.evaluate(() => window.__closeCodes[0]), 1001);
    // The rendered page stays on screen while the client retries.
    assert.equal(await text(page, '#count'), '1');
  });
});

test('gallery: /todo, /dashboard and /form render their example, with the nav', { timeout: TEST_MS }, async (t) => {
  await withServer(t, 'gallery', async (server) => {
    const nav = (page) => page.$$eval('nav.gallery a', (as) =>
      as.map((a) => [a.getAttribute('href'), a.textContent, a.className]));

    const todo = await open(t, server, '/todo', '#new-todo');
    assert.deepEqual(await nav(todo.page), [
      ['/counter', 'Counter', ''], ['/todo', 'Todo', 'current'], ['/dashboard', 'Dashboard', ''],
      ['/form', 'Form', ''], ['/topics', 'Topics', ''],
    ]);
    assert.equal(await todo.page.$eval('main h1', (e) => e.textContent), 'Todo');
    assert.equal(await todo.page.$('#temperature'), null);
    await todo.page.type('#new-todo', 'routed');
    await todo.page.click('#add');
    await todo.page.waitForFunction(() => document.querySelectorAll('#todos li').length === 1);
    assert.deepEqual(await todoTexts(todo.page), ['routed']);

    const dash = await open(t, server, '/dashboard', '#temperature');
    assert.deepEqual(await nav(dash.page), [
      ['/counter', 'Counter', ''], ['/todo', 'Todo', ''], ['/dashboard', 'Dashboard', 'current'],
      ['/form', 'Form', ''], ['/topics', 'Topics', ''],
    ]);
    assert.match(await dash.page.$eval('main h1', (e) => e.textContent), /^Device /);
    assert.equal(await dash.page.$('#new-todo'), null);
    await dash.page.click('#fan');
    await waitText(dash.page, '#fan-state', 'on');

    // The form example (forms.test.mjs tests it in depth) is routed too.
    const form = await open(t, server, '/form', '#signup');
    assert.equal(form.page.url().endsWith('/form'), true);
    await form.page.click('#guests li:nth-child(2) button.more');
    await waitText(form.page, '#guests li:nth-child(2) .count', '1');

    assert.deepEqual([...todo.errors, ...dash.errors, ...form.errors], []);
    await server.stop();
  });
});

test('gallery: following a nav link in the same tab shows the new route', { timeout: TEST_MS }, async (t) => {
  await withServer(t, 'gallery', async (server) => {
    const { page, errors } = await open(t, server, '/dashboard', '#temperature');
    await page.click('#fan');
    await waitText(page, '#fan-state', 'on');
    // An RC_LINK: the client navigates in place (e2e.routing checks that no
    // page load happens); the page at /counter must show the counter.
    await page.click('nav.gallery a[href="/counter"]');
    await page.waitForURL(server.url + '/counter');
    // The client changes the URL at once and the server's render of the new
    // route follows in a later patch: wait for that patch (the counter's
    // button) before looking, since the old route is still on the page until
    // it comes. The patch is applied whole, so nav and main change together.
    await page.waitForSelector(`${MOUNT}.rc-connected #increment`, { state: 'attached' });
    const shown = await page.evaluate(() => ({
      current: document.querySelector('nav.gallery a.current')?.textContent,
      counter: !!document.querySelector('#increment'),
      dashboard: !!document.querySelector('#temperature'),
    }));
    assert.deepEqual(shown, { current: 'Counter', counter: true, dashboard: false },
      'the page at /counter must show the counter, not the previous route');
    await page.click('#increment');
    await waitText(page, '#count', '1');
    assert.deepEqual(errors, []);
    await server.stop();
  });
});
