// Routing end to end (docs/guide/routing.md) on the gallery (examples/gallery.c):
// RC_LINK clicks and Back/Forward navigate without a page load and reach the
// server as numbered "@location" events; deep links, reloads and a kill -9
// with a restart land on the same route with its state; a route with a
// parameter; rc_navigate pushes a history entry and rc_navigate_replace
// does not; navigations made while the server is down are carried in the
// resume hello and applied once; a hostile "@location" over a raw socket is
// refused and the session goes on.
//
// The gallery shows, in #visits, how many locations its session has shown
// (an effect on the location, not run again on a resume's first render):
// a navigation lost or applied twice shows there.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { useBrowser } from './lib/suite.mjs';
import { gotoApp, MOUNT, realErrors, text, todoTexts, waitText } from './lib/page.mjs';
import { connect, HELLO, wsUrl } from './lib/raw.mjs';
import { startExample } from './lib/server.mjs';
import { handledAck, handledAll, handledStart, handledToken, handledTokenOfPage, HANDLED, onMessages, until } from './lib/wire.mjs';

const TEST_MS = 60000;
const SECRET = 'hex:' + randomBytes(32).toString('hex');
const browser = useBrowser();

/** The gallery for test `t` (every process it started killed at the end);
 * `restart()` starts the next one on the same port with the same secret. */
async function gallery(t) {
  const env = { REACTC_SECRET: SECRET };
  const app = { servers: [await startExample('gallery', { env })] };
  app.server = app.servers[0];
  t.after(async () => {
    for (const s of app.servers) await s.kill();
  });
  app.restart = async () => {
    app.server = await startExample('gallery', { port: app.server.port, env });
    app.servers.push(app.server);
  };
  app.stderr = () => app.servers.map((s, i) => `--- gallery #${i + 1} ---\n${s.stderr()}`).join('\n');
  return app;
}

function scenario(title, fn) {
  test(title, { timeout: TEST_MS }, async (t) => {
    const app = await gallery(t);
    try {
      await fn(app, t);
    } catch (e) {
      e.message += '\n' + app.stderr();
      throw e;
    }
  });
}

/** A page's reactc traffic: the "@location" events sent (data and seq),
 * every event's seq, the hellos, the first trees and the navigations. */
function watchWire(page) {
  const wire = { locations: [], seqs: [], hellos: [], trees: [], navigates: [] };
  onMessages(page, () => ({
    sent(m) {
      if (m.type === 'hello') wire.hellos.push(m);
      if (m.type !== 'layout-event') return;
      wire.seqs.push(m.seq);
      if (m.target === '@location') wire.locations.push({ ...m.data[0], seq: m.seq });
    },
    received(m) {
      if (m.type === 'layout-update' && !m.path) wire.trees.push(m);
      if (m.navigate) wire.navigates.push(m.navigate);
    },
  }));
  return wire;
}

async function open(t, app, path, ready) {
  const { page, errors } = await browser.openPage(t);
  page.setDefaultTimeout(10000);
  await page.addInitScript(HANDLED);
  const wire = watchWire(page);
  await gotoApp(page, app.server.url + path, ready);
  return { page, errors, wire };
}

const path = (page) => page.evaluate(() => location.pathname + location.search);
const historyLength = (page) => page.evaluate(() => history.length);
const lastSeq = (wire) => wire.seqs.at(-1);

/** Clicks the nav link to `href` and waits until the server has applied
 * the navigation (the ack of its "@location" event) and `ready` shows. */
async function follow(page, wire, href, ready, where = 'nav.gallery') {
  const before = wire.locations.length;
  await page.click(`${where} a[href="${href}"]`);
  await until(() => wire.locations.length > before, `the "@location" event for ${href}`);
  await handledAck(page, lastSeq(wire));
  await page.waitForSelector(ready, { state: 'attached' });
}

scenario('links navigate without a page load; Back and Forward are acknowledged events', async (app, t) => {
  const { page, errors, wire } = await open(t, app, '/counter', '#increment');
  await page.evaluate(() => { window.__marker = 1; });
  assert.equal(await text(page, '#visits'), '1');
  await page.click('#increment');
  await waitText(page, '#count', '1');
  const length = await historyLength(page);

  await follow(page, wire, '/todo', '#new-todo');
  assert.equal(await path(page), '/todo');
  assert.equal(await page.$('#increment'), null);
  assert.equal(await historyLength(page), length + 1); // pushState
  assert.equal(await page.$eval('nav.gallery a.current', (a) => a.textContent), 'Todo');
  assert.deepEqual(wire.locations.at(-1), { pathname: '/todo', search: '', seq: lastSeq(wire) });
  await waitText(page, '#visits', '2');

  await page.goBack();
  await until(() => wire.locations.length === 2, 'the "@location" event of Back');
  assert.equal(wire.locations[1].pathname, '/counter');
  await handledAck(page, wire.locations[1].seq);
  await page.waitForSelector('#increment', { state: 'attached' });
  assert.equal(await path(page), '/counter');
  await waitText(page, '#visits', '3');

  await page.goForward();
  await until(() => wire.locations.length === 3, 'the "@location" event of Forward');
  await handledAck(page, wire.locations[2].seq);
  await page.waitForSelector('#new-todo', { state: 'attached' });
  assert.equal(await path(page), '/todo');
  await waitText(page, '#visits', '4');

  // A hash-only change is not a navigation: a later event's ack shows the
  // server heard nothing of it.
  await page.evaluate(() => { location.hash = 'x'; });
  await page.type('#new-todo', 'after hash');
  await page.click('#add');
  // The ack of the click itself, counted in the page: the test's record of
  // the frames may not have the click's yet, and an earlier keystroke's ack
  // would come before the server had heard everything.
  await handledAll(page);
  assert.equal(wire.locations.length, 3);

  assert.equal(await page.evaluate(() => window.__marker), 1, 'no page load happened');
  assert.equal(wire.hellos.length, 1, 'one connection: no page load happened');
  assert.deepEqual(wire.navigates, [], 'the browser\'s own navigations are not echoed back');
  assert.deepEqual(realErrors(errors), []);
});

scenario('a deep link opens its route; a reload keeps the route and its state', async (app, t) => {
  const { page, errors, wire } = await open(t, app, '/todo', '#new-todo');
  assert.equal(wire.trees[0].location.pathname, '/todo');
  await page.type('#new-todo', 'kept');
  await page.click('#add');
  await page.waitForFunction(() => document.querySelectorAll('#todos li').length === 1);
  await handledToken(page, lastSeq(wire));
  await page.reload();
  await gotoApp(page, page.url(), '#new-todo');
  assert.equal(await path(page), '/todo');
  assert.deepEqual(await todoTexts(page), ['kept']);
  assert.equal(wire.trees.at(-1).start, 'reattached');

  // A deep link with a parameter, opened in a fresh page.
  const other = await open(t, app, '/topics/resume', '#topic-title');
  assert.equal(await text(other.page, '#topic-title'), 'resume');
  // A path no route matches: the not-found page.
  const lost = await open(t, app, '/no/such/page', '#not-found');
  assert.equal(await text(lost.page, '#not-found'), 'Not found');
  assert.deepEqual(realErrors([...errors, ...other.errors, ...lost.errors]), []);
});

scenario('a tab that holds a session and loads another URL resumes there', async (app, t) => {
  const { page, errors, wire } = await open(t, app, '/todo', '#new-todo');
  await page.type('#new-todo', 'kept');
  await page.click('#add');
  await page.waitForFunction(() => document.querySelectorAll('#todos li').length === 1);
  await handledToken(page, lastSeq(wire));
  // Typed into the address bar: a load of another URL in the same tab.
  await page.goto(app.server.url + '/topics/stores');
  await page.waitForSelector(`${MOUNT}.rc-connected #topic-title`, { state: 'attached' });
  assert.equal(await text(page, '#topic-title'), 'stores');
  assert.equal(await path(page), '/topics/stores');
  // The navigation rode in the hello, ahead of the first tree.
  const hello = wire.hellos.at(-1);
  assert.ok(hello.resume, 'the tab resumed its session');
  assert.deepEqual(hello.resume.events.map((e) => [e.target, e.data[0].pathname]), [['@location', '/topics/stores']]);
  assert.equal(wire.trees.at(-1).location.pathname, '/topics/stores');
  assert.deepEqual(realErrors(errors), []);
});

scenario('a route with a parameter; rc_navigate pushes, rc_navigate_replace replaces', async (app, t) => {
  const { page, errors, wire } = await open(t, app, '/counter', '#increment');
  await follow(page, wire, '/topics', '#topics');
  await follow(page, wire, '/topics/routing', '#topic-title', '#topics');
  assert.equal(await text(page, '#topic-title'), 'routing');
  const length = await historyLength(page);

  // A handler navigates (rc_navigate): the patch carries `navigate`, the
  // address bar follows with a new entry.
  await page.click('#next-topic');
  await waitText(page, '#topic-title', 'resume');
  await until(() => wire.navigates.length === 1, 'the navigate of rc_navigate');
  assert.deepEqual(wire.navigates[0], { pathname: '/topics/resume', search: '', replace: false });
  await page.waitForFunction(() => location.pathname === '/topics/resume');
  assert.equal(await historyLength(page), length + 1);

  // Two parameters, then Back: the first one again.
  await page.goBack();
  await waitText(page, '#topic-title', 'routing');
  assert.equal(await path(page), '/topics/routing');
  await handledAck(page, lastSeq(wire));
  assert.equal(wire.locations.at(-1).pathname, '/topics/routing');

  // rc_navigate_replace: the entry is replaced, the list reads the query.
  const before = await historyLength(page);
  await page.click('#leave-topic');
  await waitText(page, '#from', 'Last read: routing');
  await page.waitForFunction(() => location.search === '?from=routing');
  assert.equal(await path(page), '/topics?from=routing');
  assert.deepEqual(wire.navigates.at(-1), { pathname: '/topics', search: '?from=routing', replace: true });
  assert.equal(await historyLength(page), before);
  assert.deepEqual(realErrors(errors), []);
});

scenario('kill -9 and a restart on the same port: the resume lands on the route with its state', async (app, t) => {
  const { page, errors, wire } = await open(t, app, '/counter', '#increment');
  await follow(page, wire, '/todo', '#new-todo');
  await page.type('#new-todo', 'survives');
  await page.click('#add');
  await page.waitForFunction(() => document.querySelectorAll('#todos li').length === 1);
  await handledToken(page, lastSeq(wire));
  await handledTokenOfPage(page); // and what the visits effect changed (below)
  const visits = await text(page, '#visits');
  await app.server.kill(); // SIGKILL: the session lives on only in the token
  await app.restart();
  await until(() => wire.trees.length === 2, 'the resumed first tree', 20000);
  assert.equal(wire.trees[1].start, 'resumed');
  assert.equal(wire.trees[1].location.pathname, '/todo');
  // Handled by the page (the test sees the frame first): what is read
  // below is the resumed tree, not the page as it was before the kill.
  await handledStart(page, 2);
  await page.waitForSelector(`${MOUNT}.rc-connected #new-todo`, { state: 'attached' });
  assert.equal(await path(page), '/todo');
  assert.deepEqual(await todoTexts(page), ['survives']);
  assert.equal(await text(page, '#visits'), visits);
  assert.deepEqual(realErrors(errors), []);
});

scenario('Back and Forward while the server is down are replayed once after its restart', async (app, t) => {
  const { page, errors, wire } = await open(t, app, '/counter', '#increment');
  await follow(page, wire, '/todo', '#new-todo');
  await follow(page, wire, '/topics', '#topics');
  // #visits moves in the render after the navigation's (an effect), and the
  // token holding the navigation's event may come with the navigation's own
  // patch, before it: the kill must come once a token holds the 3 shown.
  await waitText(page, '#visits', '3');
  await handledToken(page, lastSeq(wire));
  await handledTokenOfPage(page);
  await app.server.kill();
  await page.waitForSelector(`${MOUNT}.rc-reconnecting`, { state: 'attached' });

  await page.goBack(); // /todo
  await page.goBack(); // /counter
  await page.goForward(); // /todo
  assert.equal(await path(page), '/todo');
  // Queued in the client's stored session for the next connection.
  const queued = () => page.evaluate(() => {
    const key = Object.keys(sessionStorage).find((k) => k.startsWith('reactc:'));
    return JSON.parse(sessionStorage.getItem(key)).events.map(([seq, m]) => ({ seq, ...JSON.parse(m) }));
  });
  await until(async () => (await queued()).length === 3, 'three queued "@location" events');
  const held = await queued();
  assert.deepEqual(held.map((e) => [e.target, e.data[0].pathname]),
    [['@location', '/todo'], ['@location', '/counter'], ['@location', '/todo']]);

  await app.restart();
  await until(() => wire.trees.length === 2, 'the resumed first tree', 20000);
  const hello = wire.hellos[1];
  assert.deepEqual(hello.resume.events.map((e) => e.data[0].pathname), ['/todo', '/counter', '/todo']);
  assert.equal(wire.trees[1].start, 'resumed');
  assert.equal(wire.trees[1].ack, held[2].seq, 'every queued navigation applied');
  assert.equal(wire.trees[1].location.pathname, '/todo');
  await page.waitForSelector(`${MOUNT}.rc-connected #new-todo`, { state: 'attached' });
  // The replay renders once, from the last location: one more page shown.
  await waitText(page, '#visits', '4');
  await handledToken(page, held[2].seq);

  // Once: a second kill -9 and restart replays nothing (the token holds
  // them), and the page stays where it is.
  await app.server.kill();
  await app.restart();
  await until(() => wire.trees.length === 3, 'the second resumed first tree', 20000);
  assert.deepEqual(wire.hellos[2].resume.events || [], []);
  await handledStart(page, 3); // the #visits below is the resumed tree's
  await page.waitForSelector(`${MOUNT}.rc-connected #new-todo`, { state: 'attached' });
  assert.equal(await text(page, '#visits'), '4');
  assert.equal(await path(page), '/todo');
  assert.deepEqual(realErrors(errors), []);
});

scenario('a hostile "@location" over a raw WebSocket is refused and the session goes on', async (app) => {
  const c = connect(wsUrl(app.server));
  await c.opened;
  c.ws.send(HELLO);
  const tree = await c.next((m) => m.type === 'layout-update');
  assert.deepEqual(tree.location, { pathname: '/', search: '' });
  const send = (seq, data) => c.ws.send(JSON.stringify({ type: 'layout-event', target: '@location', data, seq }));
  send(1, [{ pathname: '//evil.com', search: '' }]);
  send(2, [{ pathname: '/\\evil.com' }]);
  send(3, [{ pathname: '/' + 'a'.repeat(20000), search: '' }]);
  send(4, [{ pathname: '/x', search: '?' + 'q'.repeat(5000) }]);
  send(5, [{ pathname: 'http://evil.com/' }]);
  send(6, [{ pathname: '/a\u0001b' }]); // (\u0000 is refused by the JSON reader, closing)
  send(7, ['not an object']);
  send(8, []);
  await c.next((m) => m.ack === 8);
  // Refused: nothing rendered, no navigation (the first patch, before any
  // ack, is the gallery's count of pages shown, 1).
  const answers = c.messages.filter((m) => typeof m.ack === 'number' && m.ack >= 1);
  assert.ok(answers.length >= 1);
  assert.equal(answers.some((m) => m.navigate || m.ops.length), false);
  send(9, [{ pathname: '/topics', search: '' }]);
  const patch = await c.next((m) => m.ack === 9);
  assert.ok(patch.ops.length > 0, 'the valid navigation renders');
  assert.equal(patch.navigate, undefined);
  assert.match(JSON.stringify(patch.ops), /Topics/);
  c.ws.close();
  // The server is alive and serves others; a hello at a location it
  // refuses starts at "/".
  const d = connect(wsUrl(app.server));
  await d.opened;
  d.ws.send(JSON.stringify({ ...JSON.parse(HELLO), location: { pathname: '//evil.com/x', search: '' } }));
  const first = await d.next((m) => m.type === 'layout-update');
  assert.deepEqual(first.location, { pathname: '/', search: '' });
  d.ws.close();
  assert.match(app.server.stderr(), /browser navigation refused/);
});
