// Resume end to end (docs/protocol.md, Resume): the example servers behind
// a TCP proxy (lib/proxy.mjs) that cuts connections, servers killed with
// SIGKILL and started again with the same secret, page reloads. The page
// must come back with exactly the state it had, in place (the same DOM
// nodes, focus and caret), and apply the events made meanwhile exactly once.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { useBrowser } from './lib/suite.mjs';
import { gotoApp, MOUNT, realErrors, text, todoTexts, waitText } from './lib/page.mjs';
import { startProxy } from './lib/proxy.mjs';
import { startExample, stateDir } from './lib/server.mjs';
import { handledAck, HANDLED, onMessages, until } from './lib/wire.mjs';

const SECRET = 'b64:' + randomBytes(32).toString('base64');

const browser = useBrowser();

/**
 * An example server behind a proxy for test `t`; every process and the
 * proxy are stopped when the test ends, whatever happens. `app.server` is
 * the current server; `restart()` starts the next one with the same secret
 * (or `secret`), on the same port or, with `otherPort`, on another one that
 * the proxy then forwards to.
 */
async function setup(t, name, args = []) {
  // The dashboard's device state (its persisted stores) is on the device's
  // disk: every restart of this app finds the same files.
  if (name === 'dashboard') args = [...args, '--state', stateDir()];
  const first = await startExample(name, { args, env: { REACTC_SECRET: SECRET } });
  const app = { server: first, servers: [first] };
  t.after(async () => {
    for (const s of app.servers) await s.kill();
    await app.proxy?.close();
  });
  app.proxy = await startProxy(first.port);
  app.restart = async ({ otherPort = false, secret = SECRET } = {}) => {
    const s = await startExample(name, { args, port: otherPort ? undefined : app.server.port, env: { REACTC_SECRET: secret } });
    app.servers.push(s);
    app.server = s;
    app.proxy.target(s.port);
    return s;
  };
  app.stderr = () => app.servers.map((s, i) => `--- ${name} #${i + 1} (port ${s.port}) stderr ---\n${s.stderr()}`).join('\n');
  return app;
}

/** Runs a test against a fresh example server (started with `args`); a
 * failure carries the servers' stderr. */
function scenario(title, name, fn, args) {
  test(title, { timeout: 30000 }, async (t) => {
    const app = await setup(t, name, args);
    try {
      await fn(app, t);
    } catch (e) {
      e.message += '\n' + app.stderr();
      throw e;
    }
  });
}

/** Init script: records the client's DOM events with a snapshot of the page
 * at that moment, and helpers to check that DOM nodes survive. */
function WATCH() {
  window.__rc = [];
  // What the user sees: the markup (minus the live readings of the
  // dashboard, which change by themselves), field values, focus and caret.
  window.__snap = () => {
    const root = document.querySelector('#reactc-root');
    const copy = root.cloneNode(true);
    for (const el of copy.querySelectorAll('#uptime, #temperature')) {
      el.textContent = '*';
      el.removeAttribute('class');
    }
    const fields = [...root.querySelectorAll('input, select, textarea')].map((f) => [f.id || f.className, f.value, f.checked === true]);
    const a = document.activeElement;
    const focus = a && a !== root && root.contains(a) ? [a.id, a.selectionStart ?? null, a.selectionEnd ?? null] : null;
    return { html: copy.innerHTML, fields, focus };
  };
  for (const type of ['reactc:reconnected', 'reactc:resume-failed']) {
    document.addEventListener(type, (e) => window.__rc.push({ type, detail: e.detail, snap: window.__snap() }));
  }
  // Every value the counter shows, from __mark on: a page that showed the
  // token's older state before the replayed events would record it here.
  window.__counts = [];
  window.__mark = () => {
    const root = document.querySelector('#reactc-root');
    const count = () => document.querySelector('#count')?.textContent;
    if (count() !== undefined) window.__counts.push(count());
    new MutationObserver(() => {
      const c = count();
      if (c !== undefined && c !== window.__counts.at(-1)) window.__counts.push(c);
    }).observe(root, { childList: true, subtree: true, characterData: true });
    window.__nodes = [...root.querySelectorAll('*')];
    window.__removed = 0;
    window.__obs = new MutationObserver((ms) => { for (const m of ms) window.__removed += m.removedNodes.length; });
    window.__obs.observe(root, { childList: true, subtree: true });
  };
  window.__same = () => {
    for (const m of window.__obs.takeRecords()) window.__removed += m.removedNodes.length;
    const now = [...document.querySelectorAll('#reactc-root *')];
    return { removed: window.__removed, same: now.length === window.__nodes.length && now.every((n, i) => n === window.__nodes[i]) };
  };
}

/** The reactc traffic of a page: hellos and events sent (`sent`: seqs of
 * layout-event frames; `carried`: seqs of the events a resume hello
 * carried), the `start` and `session` of each first tree, the last ack
 * received. */
function watchWire(page) {
  const wire = { hellos: [], sent: [], carried: [], starts: [], sessions: [], acked: 0, tokenSeq: 0 };
  onMessages(page, () => ({
    sent(m) {
      if (m.type === 'hello') {
        wire.hellos.push(m);
        for (const e of m.resume?.events || []) wire.carried.push(e.seq);
      } else if (m.type === 'layout-event') wire.sent.push(m.seq);
    },
    received(m) {
      if (m.type === 'layout-update' && m.start) {
        wire.starts.push(m.start);
        wire.sessions.push(m.session);
      }
      if (typeof m.ack === 'number') wire.acked = m.ack;
      if (typeof m.token === 'string') wire.tokenSeq = m.token_seq ?? m.ack ?? wire.tokenSeq;
    },
  }));
  return wire;
}

/** Waits until the server has acknowledged the last event the page sent. */
const settled = (wire) =>
  until(() => wire.acked >= Math.max(0, ...wire.sent, ...wire.carried), 'the server to ack every event');

/** Opens the app through the proxy in a new page, once its tree is shown. */
async function open(t, app, ready, { storage } = {}) {
  const { page, errors } = await browser.openPage(t);
  // A reconnect after a restart waits out the client's backoff (250 ms
  // doubling, full jitter), which grows while a loaded machine starts the
  // next process: 5 s could run out.
  page.setDefaultTimeout(10000);
  await page.addInitScript(HANDLED);
  await page.addInitScript(WATCH);
  if (storage) await page.addInitScript(SET_STORAGE, storage);
  const wire = watchWire(page);
  await gotoApp(page, app.proxy.url + '/', ready);
  return { page, errors, wire };
}

const snap = (page) => page.evaluate(() => window.__snap());
/** Clicks `sel` and waits until the page has handled the server's answer
 * to that click (its ack): a barrier for "nothing else was applied", since
 * the server applies events in order and that answer shows them all. */
async function clickAnswered(page, wire, sel) {
  const sent = wire.sent.length;
  await page.click(sel);
  await until(() => wire.sent.length > sent, `the click on ${sel} to be sent`);
  await handledAck(page, wire.sent.at(-1));
}
/** The n-th client DOM event (1-based), once it has fired. */
async function clientEvent(page, n) {
  await page.waitForFunction((k) => window.__rc.length >= k, n, { timeout: 10000 });
  return page.evaluate((k) => window.__rc[k - 1], n);
}

/* ---- the examples: what to do before, during and after an outage ------- */

const TODOS = ['buy milk', 'walk the dog', 'write tests'];

const EXAMPLES = {
  counter: {
    ready: '#count',
    focus: ['increment', null, null], // the button just clicked
    async prepare(page) {
      for (let i = 0; i < 7; i++) await page.click('#increment');
      await waitText(page, '#count', '7');
    },
    // Three clicks during every outage: queued, carried by the resume hello
    // and replayed before the server's first tree, which so shows 10.
    outageEvents: 3,
    backHtml: (html) => html.replace('<span id="count">7</span>', '<span id="count">10</span>'),
    async outage(page) {
      for (let i = 0; i < 3; i++) await page.click('#increment');
    },
    async after(page, kind, wire) {
      const n = kind === 'reload' ? 7 : 10;
      await waitText(page, '#count', String(n));
      // No event applied twice: the answer to one more click shows one more.
      await clickAnswered(page, wire, '#increment');
      assert.equal(await text(page, '#count'), String(n + 1));
    },
  },

  todo: {
    ready: '#new-todo',
    focus: ['new-todo', 2, 5],
    async prepare(page) {
      for (const [i, item] of TODOS.entries()) {
        await page.type('#new-todo', item);
        await page.click('#add');
        await page.waitForFunction((n) => document.querySelectorAll('#todos li').length === n, i + 1);
        await page.waitForFunction(() => document.querySelector('#new-todo').value === '');
      }
      await page.click('#todos li:nth-child(2) input.toggle');
      await waitText(page, '#remaining', '2');
      // A draft typed but not added, focused, part of it selected.
      await page.type('#new-todo', 'draft text');
      await page.$eval('#new-todo', (el) => el.setSelectionRange(2, 5));
    },
    // On another port, the user also types while the server is down.
    async outage(page, kind) {
      if (kind !== 'other-port') return;
      await page.keyboard.press('End');
      await page.keyboard.type(' more');
    },
    async after(page, kind, wire) {
      const draft = kind === 'other-port' ? 'draft text more' : 'draft text';
      await settled(wire);
      assert.equal(await page.$eval('#new-todo', (e) => e.value), draft);
      assert.deepEqual(await todoTexts(page), TODOS);
      assert.deepEqual(await page.$$eval('#todos li', (ls) => ls.map((l) => l.className)), ['open', 'done', 'open']);
      // The server has the draft the field shows: adding it lists it.
      await page.click('#add');
      await page.waitForFunction(() => document.querySelectorAll('#todos li').length === 4);
      assert.deepEqual(await todoTexts(page), [...TODOS, draft]);
      await page.waitForFunction(() => document.querySelector('#new-todo').value === '');
      assert.equal(await text(page, '#remaining'), '3');
    },
  },

  // The fan and the settings are the device's (stores, persisted under
  // --state): after a kill -9 they come back from its files, not from the
  // token. The details panel and its note are this tab's (slots): they
  // come back from the token.
  dashboard: {
    ready: '#temperature',
    focus: ['name', 5, 5],
    async prepare(page) {
      await page.click('#details');
      await page.waitForSelector('#note');
      await page.type('#note', 'half-typed');
      await page.click('#fan');
      await waitText(page, '#fan-state', 'on');
      await page.selectOption('#unit', 'F');
      await page.waitForFunction(() => /°F$/.test(document.querySelector('#temperature').textContent));
      await page.check('#alerts');
      await page.focus('#name');
      await page.keyboard.press('Control+A');
      await page.keyboard.type('lab-7');
      await waitText(page, 'h1', 'Device lab-7');
    },
    async after(page) {
      assert.equal(await page.$eval('#note', (e) => e.value), 'half-typed');
      assert.equal(await page.$eval('#details', (e) => e.getAttribute('aria-expanded')), 'true');
      assert.equal(await text(page, 'h1'), 'Device lab-7');
      assert.equal(await page.$eval('#name', (e) => e.value), 'lab-7');
      assert.equal(await page.$eval('#unit', (e) => e.value), 'F');
      assert.equal(await page.$eval('#alerts', (e) => e.checked), true);
      assert.equal(await text(page, '#fan-state'), 'on');
      // The sensor feeds this session again (its effect ran on resume): a
      // wait for the next sample, not a bound (a loaded machine may be slow).
      const t0 = await text(page, '#temperature');
      await page.waitForFunction((t) => document.querySelector('#temperature').textContent !== t, t0, { timeout: 10000 });
      assert.match(await text(page, '#temperature'), /°F$/);
      await page.click('#fan');
      await waitText(page, '#fan-state', 'off');
    },
  },
};

/**
 * One outage of `kind` for example `name`:
 *   cut         the proxy drops the connection and refuses new ones for a while (re-attach)
 *   same-port   SIGKILL, a new process on the same port (resume from the token)
 *   other-port  SIGKILL, a new process on another port, the proxy follows (resume)
 *   reload      the page reloads (re-attach), then again after a SIGKILL and restart (resume)
 */
async function outage(app, t, name, kind) {
  const ex = EXAMPLES[name];
  const { page, errors, wire } = await open(t, app, ex.ready);
  await ex.prepare(page);
  await settled(wire);
  const before = await snap(page);
  assert.deepEqual(before.focus, ex.focus, 'the field the user is in');

  if (kind === 'reload') {
    for (const how of ['reattached', 'resumed']) {
      const sinceRestart = wire.starts.length;
      if (how === 'resumed') {
        await app.server.kill();
        await app.restart();
      }
      const starts = wire.starts.length;
      await page.reload();
      await until(() => wire.starts.length > starts, 'the tree after the reload');
      if (how === 'resumed') {
        // The page may have reconnected to the new process (resumed) before
        // the reload did (which then re-attaches), and the reload may even
        // cut that connection before its tree arrived. That tree carried the
        // resumed session's new secret (docs/resume.md, "How it works"): a
        // reload that never got it cannot prove possession, so its hello
        // resumes from the token again, into a new id. So: one resume, or a
        // second one right after a re-attach refused for want of the secret.
        const after = wire.starts.slice(sinceRestart);
        const log = app.server.stderr();
        const resumedHere = (log.match(/resumed from its token/g) || []).length;
        const unproven = (log.match(/re-attach refused: no proof of possession/g) || []).length;
        assert.ok(resumedHere === 1 || (resumedHere === 2 && unproven === 1),
          `the new process resumed once (or again after an unproven re-attach); page saw: ${after}\n${log}`);
        assert.ok(after.filter((s) => s === 'resumed').length <= 1, `starts: ${after}`);
        assert.ok(after.every((s) => s === 'resumed' || s === 'reattached'), `starts: ${after}`);
      } else {
        assert.equal(wire.starts.at(-1), how);
      }
      const { resume } = wire.hellos.at(-1);
      assert.equal(resume?.session, wire.sessions[0], 'the hello asks to resume its session');
      assert.equal(typeof resume.token, 'string');
      await page.waitForSelector(`${MOUNT}.rc-connected ${ex.ready}`, { state: 'attached' });
      // Everything but the focus, which a reload loses.
      assert.deepEqual(await snap(page), { ...before, focus: null });
    }
  } else {
    await page.evaluate(() => window.__mark());
    if (kind === 'cut') {
      app.proxy.refuse(true);
      app.proxy.cut();
    } else {
      await app.server.kill();
    }
    await page.waitForSelector(`${MOUNT}.rc-reconnecting`, { state: 'attached' });
    const acked = wire.acked;
    // Events above the newest token's token_seq are kept for a resume (tokens
    // may lag the acks: --token-interval).
    const held = Math.min(wire.tokenSeq, acked);
    await ex.outage?.(page, kind);
    const during = await snap(page);
    const hellos = wire.hellos.length;
    const sentBefore = wire.sent.length;
    const session = wire.sessions.at(-1);
    if (kind === 'cut') app.proxy.refuse(false);
    else await app.restart({ otherPort: kind === 'other-port' });

    const back = await clientEvent(page, 1);
    assert.equal(back.type, 'reactc:reconnected');
    assert.equal(back.detail.start, kind === 'cut' ? 'reattached' : 'resumed');
    assert.ok(back.detail.outageMs > 0 && back.detail.outageMs < 10000, `outageMs ${back.detail.outageMs}`);
    const hello = wire.hellos[hellos];
    assert.equal(hello.resume.session, session, 'asks for its own session');
    assert.equal(typeof hello.resume.token, 'string');
    // It carries every event its newest token does not hold: those made
    // during the outage, and any acknowledged ones the token lags behind.
    // The server replays them (skipping what it applied) before its tree.
    const carried = (hello.resume.events || []).map((e) => e.seq);
    assert.ok(carried.every((q, i) => q === held + 1 + i), `carried ${carried} after token_seq ${held}`);
    if (ex.outageEvents) assert.equal(carried.filter((q) => q > acked).length, ex.outageEvents);
    assert.ok((hello.resume.events || []).every((e) => e.type === 'layout-event' && typeof e.target === 'string'));
    assert.equal(wire.sessions.at(-1), session, 'and gets it back');
    // The tree the server sent back is the page as it was (plus the outage's
    // events, already applied): nothing moved, nothing was rebuilt, focus
    // and caret stayed.
    const want = ex.backHtml ? { ...during, html: ex.backHtml(during.html) } : during;
    if (ex.backHtml) assert.notEqual(want.html, during.html);
    assert.deepEqual(back.snap, want);
    assert.deepEqual(await page.evaluate(() => window.__same()), { removed: 0, same: true });
    await settled(wire);
    // The carried events were not sent again on their own.
    assert.ok(wire.sent.slice(sentBefore).every((q) => !carried.includes(q)), `sent again: ${wire.sent.slice(sentBefore)}`);
    if (name === 'counter') {
      // No rollback flash: never below what the page showed before.
      const counts = await page.evaluate(() => window.__counts);
      assert.deepEqual(counts, ['7', '10'], 'the counts shown across the outage');
    }
  }
  await ex.after(page, kind, wire);
  assert.deepEqual(realErrors(errors), []);
}

for (const name of Object.keys(EXAMPLES)) {
  for (const kind of ['cut', 'same-port', 'other-port', 'reload']) {
    scenario(`${name}: ${kind}`, name, (app, t) => outage(app, t, name, kind));
  }
}

scenario('counter: each event is applied exactly once, whichever message the outage lost', 'counter', async (app, t) => {
  const { page, errors, wire } = await open(t, app, '#count');
  const click = () => page.click('#increment');
  // Sent on its own, or carried by a resume hello.
  const framesSent = (seq) => wire.sent.filter((s) => s === seq).length;
  const timesCarried = (seq) => wire.carried.filter((s) => s === seq).length;
  const timesSent = (seq) => framesSent(seq) + timesCarried(seq);
  await click();
  await click();
  await waitText(page, '#count', '2');
  await settled(wire);

  // The server's answer shows it applied the event; the page never sees it.
  const clickUnanswered = async () => {
    const dropped = app.proxy.dropped;
    app.proxy.mute();
    await click();
    await until(() => app.proxy.dropped > dropped, 'the server to answer the click');
  };

  // Applied, but the ack never arrived; the same process takes the page
  // back: the hello carries the event, the server skips it (applied
  // already) and its first message acknowledges it; never sent again.
  await clickUnanswered(); // seq 3
  assert.equal(await text(page, '#count'), '2');
  app.proxy.cut();
  assert.equal((await clientEvent(page, 1)).detail.start, 'reattached');
  await waitText(page, '#count', '3');
  assert.deepEqual([framesSent(3), timesCarried(3)], [1, 1]);

  // Applied, but its ack and token were lost with the server: the token the
  // page holds predates it, so it is sent again and applied once on that state.
  await clickUnanswered(); // seq 4
  await app.server.kill();
  await app.restart();
  assert.equal((await clientEvent(page, 2)).detail.start, 'resumed');
  await waitText(page, '#count', '4');
  assert.deepEqual([framesSent(4), timesCarried(4)], [1, 1]);

  // Sent to a server that never read it (stopped, then killed): sent again.
  app.server.proc.kill('SIGSTOP');
  await click(); // seq 5
  await until(() => timesSent(5) === 1, 'event 5 to be sent');
  await app.server.kill();
  await app.restart({ otherPort: true });
  assert.equal((await clientEvent(page, 3)).detail.start, 'resumed');
  await waitText(page, '#count', '5');
  assert.deepEqual([framesSent(5), timesCarried(5)], [1, 1]);

  // None applied twice: the answer to one more click shows one more.
  await clickAnswered(page, wire, '#increment');
  assert.equal(await text(page, '#count'), '6');
  assert.deepEqual(realErrors(errors), []);
});

scenario('counter: tokens lag the events (--token-interval 60000): the hello carries the rest, no older state shown', 'counter', async (app, t) => {
  const { page, errors, wire } = await open(t, app, '#count');
  await page.evaluate(() => window.__mark());
  for (let i = 0; i < 5; i++) await page.click('#increment');
  await waitText(page, '#count', '5');
  await settled(wire);
  // The server applied all five, but its latest token holds fewer.
  const tokenSeq = wire.tokenSeq;
  assert.ok(tokenSeq < 5, `token_seq ${tokenSeq}`);
  const hellos = wire.hellos.length;
  await app.server.kill(); // SIGKILL: the session survives only in the token
  await page.waitForSelector(`${MOUNT}.rc-reconnecting`, { state: 'attached' });
  await app.restart();

  const back = await clientEvent(page, 1);
  assert.deepEqual([back.type, back.detail.start], ['reactc:reconnected', 'resumed']);
  // The hello carried exactly the events above the token's token_seq ...
  const hello = wire.hellos[hellos];
  assert.deepEqual(hello.resume.events.map((e) => e.seq), [1, 2, 3, 4, 5].filter((q) => q > tokenSeq));
  // ... so the server's first tree already showed 5: never a lower count.
  assert.match(back.snap.html, /<span id="count">5<\/span>/);
  // Nothing replayed twice, no older state shown later: the answer to one
  // more click shows 6, and every count shown on the way went up (clicks
  // read by the server in one loop pass render once, so a count may be
  // skipped, never shown lower than one shown before).
  await clickAnswered(page, wire, '#increment');
  assert.equal(await text(page, '#count'), '6');
  const shown = (await page.evaluate(() => window.__counts)).map(Number);
  assert.ok(shown.every((n, i) => i === 0 || n > shown[i - 1]), `the counts shown: ${shown}`);
  assert.deepEqual([shown[0], shown.at(-1)], [0, 6], `the counts shown: ${shown}`);
  assert.ok(shown.includes(5), `the counts shown: ${shown}`);
  assert.deepEqual(wire.sent, [1, 2, 3, 4, 5, 6], 'no event sent again on its own');
  assert.deepEqual(realErrors(errors), []);
}, ['--token-interval', '60000']);

scenario('counter: a server with another secret starts fresh, says so, and drops the old events', 'counter', async (app, t) => {
  const { page, errors, wire } = await open(t, app, '#count');
  for (let i = 0; i < 3; i++) await page.click('#increment');
  await waitText(page, '#count', '3');
  await settled(wire);
  await app.server.kill();
  await page.waitForSelector(`${MOUNT}.rc-reconnecting`, { state: 'attached' });
  // Clicks meant for the old session: the fresh one must not apply them.
  await page.click('#increment');
  await page.click('#increment');
  await app.restart({ secret: 'b64:' + randomBytes(32).toString('base64') });

  const failed = await clientEvent(page, 1);
  assert.equal(failed.type, 'reactc:resume-failed');
  assert.ok(typeof failed.detail.reason === 'string' && failed.detail.reason.length > 0);
  const back = await clientEvent(page, 2);
  assert.deepEqual([back.type, back.detail.start], ['reactc:reconnected', 'new']);
  await waitText(page, '#count', '0');
  assert.notEqual(wire.sessions.at(-1), wire.sessions[0], 'a new session id');

  // The default notice, next to the mount element (not in the server's tree).
  const notice = await page.$eval('.rc-notice', (n) => ({
    text: n.textContent, inMount: document.querySelector('#reactc-root').contains(n), visible: n.offsetHeight > 0,
  }));
  assert.equal(notice.inMount, false);
  assert.equal(notice.visible, true);
  assert.ok(notice.text.includes('could not be restored') && notice.text.includes(failed.detail.reason), notice.text);

  // Event numbers start again at 1 and the fresh session works; the old
  // clicks were not applied: the answer to this one shows 1, not 3.
  await clickAnswered(page, wire, '#increment');
  assert.equal(await text(page, '#count'), '1');
  assert.equal(wire.sent.at(-1), 1);
  await page.click('.rc-notice button');
  assert.equal(await page.$('.rc-notice'), null);

  // The page now keeps the new session.
  await page.reload();
  await page.waitForSelector(`${MOUNT}.rc-connected #count`, { state: 'attached' });
  await until(() => wire.starts.length === 3, 'the tree after the reload');
  assert.equal(wire.starts.at(-1), 'reattached');
  assert.equal(await text(page, '#count'), '1');
  assert.deepEqual(realErrors(errors), []);
});

/** Init script: data-reactc-storage="kind" on the mount element, set once
 * the page is parsed and before the client (a deferred script) boots. A
 * rewritten page would not do: Chromium then blocks its WebSocket to
 * 127.0.0.1 (local network access checks). */
function SET_STORAGE(kind) {
  document.addEventListener('readystatechange', () => {
    if (document.readyState === 'interactive') document.querySelector('#reactc-root').setAttribute('data-reactc-storage', kind);
  });
}

scenario('storage: per tab by default, memory forgets on reload, local is shared by tabs', 'counter', async (app, t) => {
  // Default (sessionStorage): another tab starts its own session.
  const a = await open(t, app, '#count');
  await a.page.click('#increment');
  await waitText(a.page, '#count', '1');
  const b = await open(t, app, '#count');
  assert.equal(b.wire.hellos[0].resume, undefined);
  assert.equal(await text(b.page, '#count'), '0');

  // memory: a dropped connection re-attaches, a reload starts fresh.
  const m = await open(t, app, '#count', { storage: 'memory' });
  await m.page.click('#increment');
  await waitText(m.page, '#count', '1');
  await settled(m.wire);
  app.proxy.cut();
  assert.equal((await clientEvent(m.page, 1)).detail.start, 'reattached');
  assert.equal(await text(m.page, '#count'), '1');
  await m.page.reload();
  await until(() => m.wire.starts.length === 3, 'the tree after the reload');
  assert.equal(m.wire.hellos.at(-1).resume, undefined);
  assert.equal(m.wire.starts.at(-1), 'new');
  await waitText(m.page, '#count', '0');
  assert.equal(await m.page.evaluate(() => sessionStorage.length + localStorage.length), 0);

  // local: a new tab resumes the state; the first tab's session is live, so
  // the server gives the copy its own session id.
  const l1 = await open(t, app, '#count', { storage: 'local' });
  for (let i = 0; i < 4; i++) await l1.page.click('#increment');
  await waitText(l1.page, '#count', '4');
  await settled(l1.wire);
  const l2 = await open(t, app, '#count', { storage: 'local' });
  assert.equal(l2.wire.hellos[0].resume.session, l1.wire.sessions[0]);
  await until(() => l2.wire.starts.length === 1, 'the first tree');
  assert.equal(l2.wire.starts[0], 'resumed');
  assert.notEqual(l2.wire.sessions[0], l1.wire.sessions[0]);
  assert.equal(await text(l2.page, '#count'), '4');
  await l2.page.click('#increment');
  await waitText(l2.page, '#count', '5');
  assert.equal(await text(l1.page, '#count'), '4');
  for (const p of [a, b, m, l1, l2]) assert.deepEqual(realErrors(p.errors), []);
});

// chaos.browser found this: the whole tree after a resume has no `checked`
// for a box the server now renders unticked; the box must follow it (and a
// field's `value` likewise), not keep the property the server set before.
scenario('a box unticked during an outage is unticked after the resume, as the server renders it', 'todo', async (app, t) => {
  const { page, errors, wire } = await open(t, app, '#new-todo');
  await page.type('#new-todo', 'milk');
  await page.click('#add');
  await page.waitForSelector('#todos li.open');
  await page.click('#todos li input.toggle');
  await page.waitForSelector('#todos li.done');
  await settled(wire);
  await until(() => wire.tokenSeq >= wire.acked, 'a token holding the tick');
  await app.server.kill();
  await page.waitForSelector(`${MOUNT}.rc-reconnecting`, { state: 'attached' });
  await page.click('#todos li input.toggle');            // unticked, offline
  await app.restart();
  // The resume waits out the backoff grown during the restart (as routing's).
  await page.waitForSelector(`${MOUNT}.rc-connected #todos li.open`, { state: 'attached', timeout: 20000 });
  await settled(wire);
  const row = () => page.$eval('#todos li', (li) => [li.className, li.querySelector('input.toggle').checked]);
  assert.deepEqual(await row(), ['open', false]);
  // settle() runs on later messages too: after the answer to a later event
  // (a keystroke in the other field), the box is still unticked.
  const sent = wire.sent.length;
  await page.type('#new-todo', 'x');
  await until(() => wire.sent.length > sent, 'the keystroke to be sent');
  await handledAck(page, wire.sent.at(-1));
  assert.deepEqual(await row(), ['open', false]);
  assert.deepEqual(realErrors(errors), []);
});
