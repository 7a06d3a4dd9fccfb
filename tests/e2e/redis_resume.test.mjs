// The newest snapshot in Redis (docs/resume.md, "With Redis: the newest
// snapshot"): two server processes of one app (same secret, same app id)
// and one Redis. A resume takes the newer of the client's token and the
// snapshot in Redis, so an old token put back cannot roll the session back
// and a token lost in transit does not strand the tab; a session too big
// for a token (--max-token) keeps its state in Redis and the client holds a
// reference token that resumes on any process. Each test runs its own
// redis-server in the foreground.
//
// "Another process" is the same tab navigated to the other server's port:
// sessionStorage is per origin, so an init script copies the client's
// saved session (or an older copy of it) to the new origin's key before
// the client loads. The first server is killed (SIGKILL) first, so the
// session exists only in the client and in Redis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { scrapeMetrics } from './lib/http.mjs';
import { startRedis } from './lib/redis.mjs';
import { gotoApp, todoTexts, waitText } from './lib/page.mjs';
import { freePort, startExample } from './lib/server.mjs';
import { useBrowser } from './lib/suite.mjs';
import { HELLO, connect, wsUrl } from './lib/raw.mjs';
import { HANDLED, handledToken, onMessages, until } from './lib/wire.mjs';

const SECRET = 'b64:' + randomBytes(32).toString('base64');
const browser = useBrowser();


/** One Redis and two servers of `name` (same secret, app id = the
 * program's name), each with /metrics; all stopped when `t` ends. */
async function setup(t, name, { redis = true, args = [] } = {}) {
  const rport = await freePort();
  const r = redis ? await startRedis(rport) : null;
  if (r) t.after(() => r.kill());
  const servers = [];
  for (let i = 0; i < 2; i++) {
    const mport = await freePort();
    const a = [...args, '--metrics', `127.0.0.1:${mport}`];
    if (r) a.push('--redis', `redis://127.0.0.1:${rport}`);
    const s = await startExample(name, { args: a, env: { REACTC_SECRET: SECRET } });
    s.mport = mport;
    t.after(() => s.kill());
    if (r) await s.waitStderr(/redis: up/);
    servers.push(s);
  }
  return { redis: r, a: servers[0], b: servers[1] };
}

const url = (s) => `http://127.0.0.1:${s.port}/`;
const storageKey = (s) => `reactc:127.0.0.1:${s.port}#reactc-root`;

/** A page with the wire barrier (HANDLED) and the layout-events it sent,
 * as the client keeps them ([seq, message text]). */
async function openPage(t, server, ready) {
  const { page, errors } = await browser.openPage(t);
  await page.addInitScript(HANDLED);
  const sent = [];
  const starts = [];
  onMessages(page, () => ({
    sent(m) { if (m.type === 'layout-event') sent.push([m.seq, JSON.stringify(m)]); },
    received(m) { if (m.type === 'layout-update' && m.start) starts.push(m.start); },
  }));
  await gotoApp(page, url(server), ready);
  return { page, errors, sent, starts };
}

/** The client's saved session (session, secret, token, seq, events). */
const saved = (page, server) => page.evaluate((k) => JSON.parse(sessionStorage.getItem(k)), storageKey(server));

/** The version in a token's clear header (docs/resume.md, token.h): after
 * format, key id, app tag, build tag and session id, a varint. */
function tokenVersion(token) {
  const raw = Buffer.from(token, 'base64url');
  let v = 0, shift = 0;
  for (let i = 1 + 2 + 4 + 4 + 16; ; i++) {
    v += (raw[i] & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(raw[i] & 0x80)) return { version: v, flags: raw[i + 1] };
  }
}

/** Waits until Redis holds a snapshot of `session` at least at `version`. */
const snapshotAt = (redis, app, session, version) =>
  until(() => Number(redis.cli('HGET', `reactc:${app}:snap:${session}`, 'v') || 0) >= version,
    `redis to hold version ${version} of the session`);

/** Kills `from` (SIGKILL) and moves the tab to `to` with `save` as its
 * sessionStorage there; resolves once the page is connected. */
async function moveTab(page, from, to, save, ready) {
  await from.kill();
  await page.addInitScript(([k, v]) => {
    if (!sessionStorage.getItem(k)) sessionStorage.setItem(k, v);
  }, [storageKey(to), JSON.stringify(save)]);
  const t0 = Date.now();
  await gotoApp(page, url(to), ready);
  return Date.now() - t0;
}

async function counterTo(page, n) {
  const before = Number(await page.$eval('#count', (e) => e.textContent));
  for (let i = before; i < n; i++) await page.click('#increment');
  await waitText(page, '#count', String(n));
}

test('rollback: an old token put back resumes at the newest snapshot in Redis (4, not 1)', { timeout: 60000 }, async (t) => {
  const { redis, a, b } = await setup(t, 'counter');
  const { page, starts } = await openPage(t, a, '#count');
  await counterTo(page, 1);
  await handledToken(page, 1);
  const old = await saved(page, a);
  await counterTo(page, 4);
  await handledToken(page, 4); // the client holds a token of click 4
  const now = await saved(page, a);
  await snapshotAt(redis, 'counter', now.session, tokenVersion(now.token).version);
  assert.ok(tokenVersion(old.token).version < tokenVersion(now.token).version);

  const ms = await moveTab(page, a, b, old, '#count');
  await waitText(page, '#count', '4');
  assert.equal(starts.at(-1), 'resumed');
  const m = await scrapeMetrics(b.mport);
  assert.equal(m.get('reactc_resume_sources_total{source="redis"}'), 1);
  assert.equal(m.get('reactc_snapshot_fetches_total{outcome="found"}'), 1);
  assert.match(b.stderr(), /resumed from the snapshot in redis, newer than its token/);
  // The next click goes on from 4, and its snapshot is stored by b.
  await page.click('#increment');
  await waitText(page, '#count', '5');
  t.diagnostic(`move to the other process and resume with the Redis GET: ${ms} ms`);
});

test('lost in transit: the newest token never reached the client; the events the snapshot holds are not applied twice', { timeout: 60000 }, async (t) => {
  const { redis, a, b } = await setup(t, 'counter');
  const { page, sent, starts } = await openPage(t, a, '#count');
  await counterTo(page, 1);
  await handledToken(page, 1);
  const old = await saved(page, a);
  await counterTo(page, 4);
  await handledToken(page, 4);
  const now = await saved(page, a);
  await snapshotAt(redis, 'counter', now.session, tokenVersion(now.token).version);
  // What the client would hold had the tokens after click 1 been lost: the
  // token of click 1 and the events 2..4 it does not hold.
  const lost = { ...old, seq: 4, events: sent.filter(([q]) => q > 1 && q <= 4) };
  assert.deepEqual(lost.events.map(([q]) => q), [2, 3, 4]);
  await moveTab(page, a, b, lost, '#count');
  // The snapshot holds events up to 4: the replay skips 2..4 (7 if applied again).
  await waitText(page, '#count', '4');
  assert.equal(starts.at(-1), 'resumed');
  await page.click('#increment');
  await waitText(page, '#count', '5');
});

test('a snapshot swapped in Redis from another session is refused: the client token resumes', { timeout: 60000 }, async (t) => {
  const { redis, a, b } = await setup(t, 'counter');
  const one = await openPage(t, a, '#count');
  await counterTo(one.page, 2);
  await handledToken(one.page, 2);
  const s1 = await saved(one.page, a);
  const two = await openPage(t, a, '#count');
  await counterTo(two.page, 7);
  await handledToken(two.page, 7);
  const s2 = await saved(two.page, a);
  await snapshotAt(redis, 'counter', s2.session, tokenVersion(s2.token).version);
  await snapshotAt(redis, 'counter', s1.session, tokenVersion(s1.token).version);
  // Session 2's snapshot (newer, valid, sealed with the same key) copied
  // over session 1's, with a version above anything session 1 sent.
  const t2 = redis.cli('HGET', `reactc:counter:snap:${s2.session}`, 't');
  redis.cli('HSET', `reactc:counter:snap:${s1.session}`, 'v', '1000', 't', t2);
  await moveTab(one.page, a, b, s1, '#count');
  await waitText(one.page, '#count', '2');
  assert.equal(one.starts.at(-1), 'resumed');
  assert.match(b.stderr(), /snapshot refused \(token belongs to another session\)/);
  const m = await scrapeMetrics(b.mport);
  assert.equal(m.get('reactc_snapshot_fetches_total{outcome="refused"}'), 1);
  assert.equal(m.get('reactc_resume_sources_total{source="token"}'), 1);
});

test('newer only: a snapshot Redis holds at a higher version stays; one stored beside a version not its own is refused', { timeout: 60000 }, async (t) => {
  const { redis, a, b } = await setup(t, 'counter');
  const { page, starts } = await openPage(t, a, '#count');
  await counterTo(page, 1);
  await handledToken(page, 1);
  let now = await saved(page, a);
  const key = `reactc:counter:snap:${now.session}`;
  await snapshotAt(redis, 'counter', now.session, tokenVersion(now.token).version);
  redis.cli('HSET', key, 'v', '1000');
  await counterTo(page, 3);
  await handledToken(page, 3);
  await until(async () => (await scrapeMetrics(a.mport)).get('reactc_snapshots_total{outcome="kept_newer"}') >= 1,
    'a write kept out by the newer version');
  assert.equal(redis.cli('HGET', key, 'v'), '1000');
  assert.ok(Number(redis.cli('TTL', key)) > 0, 'the key expires');
  now = await saved(page, a);
  await moveTab(page, a, b, now, '#count');
  await waitText(page, '#count', '3');
  assert.equal(starts.at(-1), 'resumed');
  assert.match(b.stderr(), /snapshot refused \(its stored version is not the token's\)/);
});

/** Adds n items of 64 random characters each (hard to compress: the
 * session outgrows a 2 KiB token well before 40). */
async function addItems(page, n) {
  const texts = [];
  for (let i = 0; i < n; i++) {
    const item = `${i} ${randomBytes(48).toString('base64')}`;
    texts.push(item);
    await page.fill('#new-todo', item);
    await page.click('#add');
    await page.waitForFunction((k) => document.querySelectorAll('#todos li').length === k, i + 1);
  }
  return texts;
}

test('oversize: todo with --max-token 2048 and 40 items resumes on the other process from a reference token', { timeout: 120000 }, async (t) => {
  const { a, b } = await setup(t, 'todo', { args: ['--max-token', '2048'] });
  const { page, sent, starts } = await openPage(t, a, '#new-todo');
  const texts = await addItems(page, 40);
  // Every event is held by a reference the client got once Redis had it.
  await handledToken(page, Math.max(...sent.map(([q]) => q)), 20000);
  const now = await saved(page, a);
  assert.equal(now.events.length, 0);
  assert.ok(now.token.length < 400, `reference token of ${now.token.length} characters`);
  t.diagnostic(`reference token: ${now.token.length} characters`);
  assert.equal(tokenVersion(now.token).flags & 2, 2, 'a reference token');
  assert.match(a.stderr(), /its state goes to Redis, the client holds a reference/);
  await moveTab(page, a, b, now, '#new-todo');
  await page.waitForFunction(() => document.querySelectorAll('#todos li').length === 40);
  assert.deepEqual(await todoTexts(page), texts);
  assert.equal(starts.at(-1), 'resumed');
  const m = await scrapeMetrics(b.mport);
  assert.equal(m.get('reactc_resume_sources_total{source="reference"}'), 1);
});

test('a reference token whose snapshot is gone, or on a server without Redis: refused by name (no snapshot), a fresh session', { timeout: 120000 }, async (t) => {
  const { redis, a, b } = await setup(t, 'todo', { args: ['--max-token', '2048'] });
  const { page, sent } = await openPage(t, a, '#new-todo');
  await addItems(page, 30);
  await handledToken(page, Math.max(...sent.map(([q]) => q)), 20000);
  const now = await saved(page, a);
  assert.equal(tokenVersion(now.token).flags & 2, 2, 'a reference token');
  const hello = JSON.stringify({ ...JSON.parse(HELLO), resume: { session: now.session, token: now.token } });
  const refused = async (server) => {
    const c = connect(wsUrl(server));
    await c.opened;
    c.ws.send(hello);
    const r = await c.next((m) => m.type === 'resume-failed');
    assert.equal((await c.next((m) => m.type === 'layout-update')).start, 'new');
    c.ws.close();
    await c.closed;
    return r.reason;
  };
  const plain = await startExample('todo', { args: ['--max-token', '2048'], env: { REACTC_SECRET: SECRET } });
  t.after(() => plain.kill());
  assert.equal(await refused(plain), 'reference token, and this server has no redis');
  redis.cli('DEL', `reactc:todo:snap:${now.session}`);
  assert.equal(await refused(b), 'reference token, and redis holds no snapshot of its version');
  const m = await scrapeMetrics(b.mport);
  assert.equal(m.get('reactc_resume_refusals_total{reason="no_snapshot"}'), 1);
  assert.equal(m.get('reactc_snapshot_fetches_total{outcome="missing"}'), 1);
});

test('oversize without Redis (existing behaviour): re-attach on the same process, a fresh session elsewhere', { timeout: 120000 }, async (t) => {
  const { a, b } = await setup(t, 'todo', { redis: false, args: ['--max-token', '2048'] });
  const { page, starts } = await openPage(t, a, '#new-todo');
  await addItems(page, 40);
  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll('#todos li').length === 40);
  assert.equal(starts.at(-1), 'reattached');
  const now = await saved(page, a);
  assert.equal(now.token, undefined);
  await moveTab(page, a, b, now, '#new-todo');
  assert.equal(starts.at(-1), 'new');
  assert.equal(await page.$$eval('#todos li', (l) => l.length), 0);
});

test('Redis not answering: the client token resumes (degraded, even an old one); the life that goes on then wins once Redis is back', { timeout: 120000 }, async (t) => {
  const { redis, a, b } = await setup(t, 'counter');
  const { page, starts } = await openPage(t, a, '#count');
  await counterTo(page, 1);
  await handledToken(page, 1);
  const old = await saved(page, a);
  await counterTo(page, 4);
  await handledToken(page, 4);
  let now = await saved(page, a);
  await snapshotAt(redis, 'counter', now.session, tokenVersion(now.token).version);
  const before = tokenVersion(now.token).version;
  redis.proc.kill('SIGSTOP'); // no answer: found by the fetch's deadline, or the PING's
  t.after(() => redis.proc.kill('SIGCONT'));
  // An old token during the outage: the rollback protection is gone.
  await moveTab(page, a, b, old, '#count');
  await waitText(page, '#count', '1');
  assert.equal(starts.at(-1), 'resumed');
  let m = await scrapeMetrics(b.mport);
  assert.equal(m.get('reactc_snapshot_fetches_total{outcome="unavailable"}'), 1);
  assert.equal(m.get('reactc_resume_sources_total{source="token"}'), 1);
  redis.proc.kill('SIGCONT');
  await until(async () => (await scrapeMetrics(b.mport)).get('reactc_redis_up') === 1, 'redis up again', 15000);
  // The user goes on from 1; its versions jumped past what Redis holds,
  // so the next snapshot replaces the pre-outage one.
  await counterTo(page, 2);
  await handledToken(page, 2);
  now = await saved(page, b);
  assert.ok(tokenVersion(now.token).version > before + 2 ** 20 - 10, `version ${tokenVersion(now.token).version}`);
  await snapshotAt(redis, 'counter', now.session, tokenVersion(now.token).version);
  // A third process resumes that life (2), not the snapshot of 4.
  const c = await startExample('counter', { args: ['--redis', `redis://127.0.0.1:${redis.port}`], env: { REACTC_SECRET: SECRET } });
  t.after(() => c.kill());
  await c.waitStderr(/redis: up/);
  await moveTab(page, b, c, now, '#count');
  await waitText(page, '#count', '2');
  assert.equal(starts.at(-1), 'resumed');
});

test('Redis unavailable and a reference token: the client keeps retrying, and resumes once Redis answers', { timeout: 120000 }, async (t) => {
  const { redis, a, b } = await setup(t, 'todo', { args: ['--max-token', '2048'] });
  const { page, sent, starts } = await openPage(t, a, '#new-todo');
  const texts = await addItems(page, 30);
  await handledToken(page, Math.max(...sent.map(([q]) => q)), 20000);
  const now = await saved(page, a);
  assert.equal(tokenVersion(now.token).flags & 2, 2, 'a reference token');
  redis.proc.kill('SIGSTOP');
  t.after(() => redis.proc.kill('SIGCONT'));
  await a.kill();
  await page.addInitScript(([k, v]) => {
    if (!sessionStorage.getItem(k)) sessionStorage.setItem(k, v);
  }, [storageKey(b), JSON.stringify(now)]);
  await page.goto(url(b));
  await b.waitStderr(/resume waits: a reference token and redis unavailable/, 20000);
  assert.equal(starts.length, 1, 'no fresh session while Redis is away');
  redis.proc.kill('SIGCONT');
  await page.waitForFunction(() => document.querySelectorAll('#todos li').length === 30, null, { timeout: 30000 });
  assert.deepEqual(await todoTexts(page), texts);
  assert.equal(starts.at(-1), 'resumed');
});

test('parked hellos: an event or a second hello while waiting closes; a close, the late answer and a shutdown find nothing to touch', { timeout: 60000 }, async (t) => {
  const { redis, a } = await setup(t, 'counter');
  t.after(() => redis.proc.kill('SIGCONT'));
  const c = connect(wsUrl(a));
  await c.opened;
  c.ws.send(HELLO);
  const tree = await c.next((m) => m.type === 'layout-update');
  const resume = JSON.stringify({ ...JSON.parse(HELLO), resume: { session: tree.session, token: tree.token } });
  c.ws.close();
  await c.closed;
  /** A connection whose resume hello waits for Redis: a ping sent after
   * it is answered first (the barrier), and no tree has come. */
  const parked = async () => {
    const d = connect(wsUrl(a));
    await d.opened;
    d.ws.send(resume);
    d.ws.send('{"type":"ping"}');
    await d.next((m) => m.type === 'pong');
    assert.ok(!d.messages.some((m) => m.type === 'layout-update'), 'parked: no tree before the pong');
    return d;
  };
  // Redis stops answering (its socket stays open): each hello parks until
  // its 1 s deadline, or until the PING deadline (2 s) drops the connection.
  redis.proc.kill('SIGSTOP');
  const d1 = await parked();
  d1.ws.send(JSON.stringify({ type: 'layout-event', target: 'x', data: [{}], seq: 1 }));
  assert.equal((await d1.closed).code, 1008);
  const d2 = await parked();
  d2.ws.send(resume);
  assert.equal((await d2.closed).code, 1008);
  const d3 = await parked();
  d3.ws.close(); // the session goes; its deadline and its answer find nothing
  await d3.closed;
  redis.proc.kill('SIGCONT');
  await until(async () => (await scrapeMetrics(a.mport)).get('reactc_redis_up') === 1, 'redis up again', 15000);
  const e = connect(wsUrl(a)); // still serving
  await e.opened;
  e.ws.send(resume);
  assert.equal((await e.next((m) => m.type === 'layout-update')).start, 'resumed');
  e.ws.close();
  await e.closed;
  // A shutdown while a hello is parked exits promptly and cleanly.
  redis.proc.kill('SIGSTOP');
  await parked();
  const stopped = await a.stop(3000);
  assert.equal(stopped.code, 0);
});
