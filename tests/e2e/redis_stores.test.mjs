// Stores across processes through Redis (issue 16; docs/guide/shared-state.md,
// "Across processes (Redis)"). Two dashboard processes share one
// redis-server (append-only, fsync always), a tab on each behind its own
// proxy: a toggle in one shows in the other; N quick toggles then kill -9
// of that process: the tab resumes on the other and shows N's parity
// (exactly once through the marks in Redis); kill -9 of Redis: pages show
// "offline", keep their values, and a toggle waits for Redis; Redis back
// with its data, then back empty: both processes converge. Also todo
// --shared over two processes, and --workers 2 with --redis.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { execFile } from 'node:child_process';
import { useBrowser } from './lib/suite.mjs';
import { gotoApp, MOUNT, text, todoTexts, waitText } from './lib/page.mjs';
import { startProxy } from './lib/proxy.mjs';
import { startRedis } from './lib/redis.mjs';
import { freePort, startExample, stateDir } from './lib/server.mjs';
import { handledStart, HANDLED, onMessages, until } from './lib/wire.mjs';
import { HELLO, connect, handlerTarget, wsUrl } from './lib/raw.mjs';
import { scrapeMetrics } from './lib/http.mjs';

const SECRET = 'b64:' + randomBytes(32).toString('base64');
const browser = useBrowser({ timeout: 90000 });

/** A Redis on a fixed port whose data directory the test picks. */
async function redisFixture(t) {
  const port = await freePort();
  const dirs = [];
  const fx = { port, url: `redis://127.0.0.1:${port}` };
  fx.start = async (fresh) => {
    if (fresh || !dirs.length) dirs.push(mkdtempSync(join(tmpdir(), 'rc-redis-')));
    fx.server = await startRedis(port, { dir: dirs.at(-1) });
    return fx.server;
  };
  t.after(async () => {
    await fx.server?.kill();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  await fx.start(true);
  return fx;
}

// --token-interval 60000: after its first tree a tab gets no paced token
// for a minute, so it still holds every event it sent when its process is
// killed, and replays them all on the next one: the marks in Redis must
// skip every one that committed.
async function startDashboard(t, redis, port, extra = []) {
  const s = await startExample('dashboard', {
    args: ['--redis', redis.url, '--state', stateDir(), '--log-level', 'info', '--token-interval', '60000',
      ...extra],
    env: { REACTC_SECRET: SECRET },
    port,
  });
  t.after(() => s.kill());
  return s;
}

/** A tab behind `proxy`; `tab.seq` is the last event it sent. */
async function openTab(t, proxy) {
  const { page } = await browser.openPage(t);
  page.setDefaultTimeout(20000);
  await page.addInitScript(HANDLED);
  const tab = { page, seq: 0, starts: [] };
  onMessages(page, () => ({
    received(m) {
      if (m.type === 'layout-update' && m.start) tab.starts.push(m.start);
    },
    sent(m) {
      for (const e of m.type === 'hello' ? m.resume?.events || [] : [m]) {
        if (e.type === 'layout-event' && e.seq > tab.seq) tab.seq = e.seq;
      }
    },
  }));
  await gotoApp(page, `${proxy.url}/`, '#fan');
  return tab;
}

async function toggle(tab) {
  const before = tab.seq;
  await tab.page.click('#fan');
  await until(() => tab.seq > before, 'the toggle sent');
}

/** The tab is connected and has handled every first tree it received: the
 * class alone comes when the socket opens, before the tree (a resume's
 * state, its replayed events' effects), with the old page still shown. */
const connected = async (tab) => {
  await tab.page.waitForSelector(`${MOUNT}.rc-connected #fan`, { state: 'attached' });
  await handledStart(tab.page, tab.starts.length);
};
const offline = (tab, on) => tab.page.waitForSelector('#offline', { state: on ? 'attached' : 'detached' });

test('two dashboards over one Redis: propagation, kill -9 of a process, Redis outages', { timeout: 120000 }, async (t) => {
  const redis = await redisFixture(t);
  const s1 = await startDashboard(t, redis);
  const s2 = await startDashboard(t, redis);
  const p1 = await startProxy(s1.port);
  const p2 = await startProxy(s2.port);
  t.after(async () => { await p1.close(); await p2.close(); });
  const logs = () => `--- 1 ---\n${s1.stderr()}\n--- 2 ---\n${s2.stderr()}`;
  try {
    const a = await openTab(t, p1);
    const b = await openTab(t, p2);
    assert.equal(await text(a.page, '#fan-state'), 'off');

    // A toggle in one process shows in the other: propagation, measured.
    const times = [];
    let on = false;
    for (let i = 0; i < 6; i++) {
      const t0 = Date.now();
      await toggle(i % 2 ? b : a);
      on = !on;
      await waitText((i % 2 ? a : b).page, '#fan-state', on ? 'on' : 'off');
      times.push(Date.now() - t0);
    }
    times.sort((x, y) => x - y);
    t.diagnostic(`click to the other process's page: median ${times[3]} ms, max ${times.at(-1)} ms`);

    // N quick toggles on A, then kill -9 of A's process: A's tab resumes on
    // B's process (its proxy now leads there) and replays what its token did
    // not hold; the marks in Redis skip what had committed: N's parity.
    const N = 7;
    for (let i = 0; i < N; i++) await toggle(a);
    on = N % 2 ? !on : on;
    await s1.kill();
    p1.target(s2.port);
    await until(() => a.starts.at(-1) === 'resumed' && a.starts.length > 1, 'A resumed on process 2', 20000);
    await connected(a);
    await waitText(a.page, '#fan-state', on ? 'on' : 'off');
    await waitText(b.page, '#fan-state', on ? 'on' : 'off');
    // Every toggle A made was replayed into process 2 and skipped there (its
    // mark in Redis), and the first tree's token (which the client takes in
    // place of its events) waited for those batches to be decided.
    await s2.waitStderr(/replayed event skipped/);
    await s2.waitStderr(/first tree waits for its store batches at Redis/);

    // A second process again (the first one's port), A's tab moved there.
    const s3 = await startDashboard(t, redis, s1.port);
    p1.target(s3.port);
    const startsA = a.starts.length;
    p1.cut();
    await until(() => a.starts.length > startsA, 'A back on process 3', 20000);
    await connected(a);
    const logs3 = () => `${logs()}\n--- 3 ---\n${s3.stderr()}`;
    try {
      // Redis killed: both pages say offline and keep their values; a
      // toggle (an event) is not refused: it waits for Redis, in order, its
      // render (the ack) with it, and changes nothing meanwhile.
      await redis.server.kill();
      await offline(a, true);
      await offline(b, true);
      assert.equal(await text(a.page, '#fan-state'), on ? 'on' : 'off');
      await toggle(b);
      assert.equal(await text(b.page, '#fan-state'), on ? 'on' : 'off');

      // Redis back with its data: both converge (no offline, same fan) within
      // a second of Redis accepting (measured; the bound here is generous),
      // and the toggle that waited is applied, once.
      let t0 = Date.now();
      await redis.start(false);
      await offline(a, false);
      await offline(b, false);
      t.diagnostic(`Redis back with its data: pages online after ${Date.now() - t0} ms`);
      on = !on;
      await waitText(a.page, '#fan-state', on ? 'on' : 'off');
      await waitText(b.page, '#fan-state', on ? 'on' : 'off');
      assert.equal(await b.page.$('#fan-refused'), null, 'the waiting toggle was not refused');
      await toggle(a);
      on = !on;
      await waitText(b.page, '#fan-state', on ? 'on' : 'off');

      // Redis back EMPTY (a new data directory): the processes seed it with
      // their values (the first one's seed wins, the other reads it) and
      // converge; writes work again.
      await redis.server.kill();
      await offline(a, true);
      t0 = Date.now();
      await redis.start(true);
      await offline(a, false);
      await offline(b, false);
      t.diagnostic(`Redis back empty: pages online after ${Date.now() - t0} ms`);
      await waitText(a.page, '#fan-state', on ? 'on' : 'off');
      await waitText(b.page, '#fan-state', on ? 'on' : 'off');
      await toggle(b);
      on = !on;
      await waitText(a.page, '#fan-state', on ? 'on' : 'off');
      await waitText(b.page, '#fan-state', on ? 'on' : 'off');
    } catch (e) {
      e.message += '\n' + logs3();
      throw e;
    }
  } catch (e) {
    if (!/--- 3 ---/.test(e.message)) e.message += '\n' + logs();
    throw e;
  }
});

async function openTodo(t, url) {
  const { page } = await browser.openPage(t);
  page.setDefaultTimeout(20000);
  await gotoApp(page, url + '/', '#new-todo');
  return page;
}

async function add(page, what) {
  await page.fill('#new-todo', what);
  await page.click('#add');
  await page.waitForFunction(() => document.querySelector('#new-todo').value === '');
}

const rows = (page, n) => page.waitForFunction((k) => document.querySelectorAll('#todos li').length === k, n);

test('todo --shared over two processes: one list, in one order', { timeout: 90000 }, async (t) => {
  const redis = await redisFixture(t);
  const args = ['--shared', '--redis', redis.url];
  const env = { REACTC_SECRET: SECRET };
  const s1 = await startExample('todo', { args, env });
  const s2 = await startExample('todo', { args, env });
  t.after(async () => { await s1.kill(); await s2.kill(); });
  try {
    const a = await openTodo(t, s1.url);
    const b = await openTodo(t, s2.url);
    await add(a, 'milk');
    await rows(b, 1);
    await add(b, 'eggs');
    await rows(a, 2);
    await add(a, 'bread');
    await rows(b, 3);
    assert.deepEqual(await todoTexts(a), ['milk', 'eggs', 'bread']);
    assert.deepEqual(await todoTexts(b), ['milk', 'eggs', 'bread']);
    await b.click('#todos li:nth-child(1) input.toggle');
    await a.waitForFunction(() => document.querySelector('#todos li').classList.contains('done'));
    await a.click('#todos li:nth-child(2) button.delete');
    await rows(b, 2);
    assert.deepEqual(await todoTexts(b), ['milk', 'bread']);
    // A third process started now reads the list as it is.
    const s3 = await startExample('todo', { args, env });
    t.after(() => s3.kill());
    const c = await openTodo(t, s3.url);
    assert.deepEqual(await todoTexts(c), ['milk', 'bread']);
  } catch (e) {
    e.message += `\n--- 1 ---\n${s1.stderr()}\n--- 2 ---\n${s2.stderr()}`;
    throw e;
  }
});

test('--workers 2 with --redis and a shared store: every tab sees every write', { timeout: 90000 }, async (t) => {
  const redis = await redisFixture(t);
  const server = await startExample('todo', {
    args: ['--shared', '--redis', redis.url, '--workers', '2'],
    env: { REACTC_SECRET: SECRET },
  });
  t.after(() => server.kill());
  try {
    const tabs = [];
    for (let i = 0; i < 4; i++) tabs.push(await openTodo(t, server.url));
    for (let i = 0; i < tabs.length; i++) {
      await add(tabs[i], `item ${i}`);
      for (const tab of tabs) await rows(tab, i + 1);
    }
    for (const tab of tabs) assert.deepEqual(await todoTexts(tab), ['item 0', 'item 1', 'item 2', 'item 3']);
  } catch (e) {
    e.message += `\n${server.stderr()}`;
    throw e;
  }
});

/** redis-cli against the test's Redis; resolves with its output lines. */
function redisCli(port, ...args) {
  return new Promise((resolve, reject) => {
    execFile('redis-cli', ['-p', String(port), '--raw', ...args], (err, out) => (err ? reject(err) : resolve(out.split('\n').filter((l) => l !== ''))));
  });
}

test('an update whose value moved in Redis is refused, and the page shows Redis\' value', { timeout: 60000 }, async (t) => {
  const redis = await redisFixture(t);
  const s1 = await startExample('todo', {
    args: ['--shared', '--redis', redis.url, '--log-level', 'info'],
    env: { REACTC_SECRET: SECRET },
  });
  t.after(() => s1.kill());
  try {
    const a = await openTodo(t, s1.url);
    await add(a, 'milk');
    const hash = 'reactc:todo:s:todos';
    const all = await redisCli(redis.port, 'HGETALL', hash);
    const i = all.findIndex((f) => f.startsWith('i:'));
    const [ver, order] = all[i + 1].split(' ');
    // Another writer's change, not published: this process still holds the
    // old version, so the tick (rc_store_update_item, a compare-and-set on
    // the version it read) is refused, and the refusal re-reads the store.
    await redisCli(redis.port, 'HSET', hash, all[i], `${Number(ver) + 10} ${order} {"text":"MILK","done":false}`);
    await redisCli(redis.port, 'HINCRBY', hash, '#', '10');
    await a.click('#todos li:nth-child(1) input.toggle');
    await waitText(a, '#todos li:nth-child(1) span.text', 'MILK');
    await s1.waitStderr(/store batch refused: a value it read/);
    assert.equal(await a.$eval('#todos li', (e) => e.classList.contains('done')), false);
    // Ticked again, on the fresh version: committed.
    await a.click('#todos li:nth-child(1) input.toggle');
    await a.waitForFunction(() => document.querySelector('#todos li').classList.contains('done'));
    const rec = await redisCli(redis.port, 'HGET', hash, all[i]);
    assert.match(rec[0], /"done":true/);
  } catch (e) {
    e.message += `\n${s1.stderr()}`;
    throw e;
  }
});

// A batch whose reply is lost: Redis stops answering (SIGSTOP) with the
// toggle's script in its socket buffer; the PING deadline drops both
// connections, the batch is kept (outcome unknown) and its tab waits.
// SIGCONT: Redis runs the buffered script (the toggle commits) and the
// process, reconnected, sends the batch again with the same identity: the
// mark makes it a no-op (its first send committed). The fan was toggled
// exactly once.
test('a batch in flight when Redis stops answering is sent again after the reconnect, exactly once', { timeout: 60000 }, async (t) => {
  const redis = await redisFixture(t);
  const s1 = await startDashboard(t, redis);
  const p1 = await startProxy(s1.port);
  t.after(() => p1.close());
  try {
    const a = await openTab(t, p1);
    assert.equal(await text(a.page, '#fan-state'), 'off');
    redis.server.proc.kill('SIGSTOP');
    t.after(() => { try { redis.server.proc.kill('SIGCONT'); } catch { /* gone */ } });
    await toggle(a);
    await s1.waitStderr(/redis: down/, 10000);
    assert.equal(await text(a.page, '#fan-state'), 'off', 'applied before Redis confirmed it');
    redis.server.proc.kill('SIGCONT');
    await s1.waitStderr(/sent again after a lost reply: its first send had committed/, 10000);
    await waitText(a.page, '#fan-state', 'on');
    await offline(a, false);
    // A later toggle commits normally: off again.
    await toggle(a);
    await waitText(a.page, '#fan-state', 'off');
    const fresh = await openTab(t, p1);
    assert.equal(await text(fresh.page, '#fan-state'), 'off');
  } catch (e) {
    e.message += `\n${s1.stderr()}`;
    throw e;
  }
});

// A duplicated tab copies its original's session storage (its session id,
// token and the events that token does not hold yet) and resumes into a
// new session id, replaying those events: the original's mark is copied in
// Redis (mark:<from> to mark:<to>) before the replay, which is skipped.
test('a duplicated tab does not apply its original\'s toggle again (marks copied in Redis)', { timeout: 60000, skip: process.env.REACTC_WITHOUT_METRICS && 'built without RC_WITH_METRICS' }, async (t) => {
  const redis = await redisFixture(t);
  const s1 = await startDashboard(t, redis, undefined, ['--metrics', '0']);
  const listening = /metrics on http:\/\/127\.0\.0\.1:(\d+)\/metrics/;
  const mport = Number((await s1.waitStderr(listening)).match(listening)[1]);
  const p1 = await startProxy(s1.port);
  t.after(() => p1.close());
  try {
    const a = await openTab(t, p1);
    await toggle(a);
    await waitText(a.page, '#fan-state', 'on');
    const storage = await a.page.evaluate(() => JSON.stringify(Object.entries(sessionStorage)));
    assert.match(storage, /layout-event/, 'the original still holds its toggle');
    const { page } = await browser.openPage(t);
    page.setDefaultTimeout(20000);
    await page.addInitScript((d) => {
      if (sessionStorage.getItem('__duplicated')) return;
      for (const [k, v] of JSON.parse(d)) sessionStorage.setItem(k, v);
      sessionStorage.setItem('__duplicated', '1');
    }, storage);
    await gotoApp(page, `${p1.url}/`, '#fan');
    await s1.waitStderr(/replayed event skipped/);
    // Counted per write the replay skipped (the fan and its toggle count).
    assert.ok((await scrapeMetrics(mport)).get('reactc_store_writes_replayed_total') >= 1,
      'the skipped writes are counted in /metrics');
    assert.equal(await text(page, '#fan-state'), 'on');
    assert.equal(await text(a.page, '#fan-state'), 'on');
    await page.click('#fan');
    await waitText(a.page, '#fan-state', 'off');
  } catch (e) {
    e.message += `\n${s1.stderr()}`;
    throw e;
  }
});

// rc_store_add_int through Redis: the dashboard counts toggles with an
// atomic add, so two processes toggling at once (each batch also sets the
// fan, last writer wins) never lose a count: K toggles from a client on
// each process, sent without waiting, make 2K on both and in Redis.
test('atomic adds from two processes at once: no count lost', { timeout: 60000 }, async (t) => {
  const redis = await redisFixture(t);
  const s1 = await startDashboard(t, redis);
  const s2 = await startDashboard(t, redis);
  const K = 60;
  const open = async (s) => {
    const c = connect(wsUrl(s));
    await c.opened;
    c.ws.send(HELLO);
    const tree = await c.next((m) => m.type === 'layout-update');
    c.target = handlerTarget(tree.model, 'fan');
    return c;
  };
  try {
    const [a, b] = [await open(s1), await open(s2)];
    for (let i = 1; i <= K; i++) {
      for (const c of [a, b]) c.ws.send(JSON.stringify({ type: 'layout-event', target: c.target, data: [{}], seq: i }));
    }
    await Promise.all([a, b].map((c) => c.next((m) => m.ack === K, 20000)));
    const rec = await redisCli(redis.port, 'HGET', 'reactc:dashboard:s:fan-toggles', 'v');
    assert.match(rec[0], new RegExp(` ${2 * K}$`), rec[0]);
    for (const s of [s1, s2]) {
      const { page } = await browser.openPage(t);
      await gotoApp(page, s.url + '/', '#fan-toggles');
      await waitText(page, '#fan-toggles', String(2 * K));
    }
    a.ws.close();
    b.ws.close();
  } catch (e) {
    e.message += `\n--- 1 ---\n${s1.stderr()}\n--- 2 ---\n${s2.stderr()}`;
    throw e;
  }
});

// Bug 1 of chaos.redis (docs/guide/shared-state.md, "Exactly once"): a
// toggle committed on process 1, which is killed before any token holds it
// (--token-interval 60000); Redis goes down; the tab resumes on process 2
// and replays the toggle there while Redis is away. Refusing it at once
// would tell the app "not saved" although Redis holds it: instead it waits
// for Redis (and the first tree with it), and the mark says it committed.
test('a replayed event committed before a kill -9 is not reported refused while Redis is down', { timeout: 90000 }, async (t) => {
  const redis = await redisFixture(t);
  const s1 = await startDashboard(t, redis);
  const s2 = await startDashboard(t, redis);
  const p1 = await startProxy(s1.port);
  t.after(() => p1.close());
  const logs = () => `--- 1 ---\n${s1.stderr()}\n--- 2 ---\n${s2.stderr()}`;
  try {
    const a = await openTab(t, p1);
    await toggle(a);
    await waitText(a.page, '#fan-state', 'on');
    await s1.kill();
    await redis.server.kill();
    await s2.waitStderr(/redis: down/, 10000);
    const starts = a.starts.length;
    p1.target(s2.port);
    // The barrier: process 2 took the resume and replayed the toggle.
    await s2.waitStderr(/resumed from its token/, 20000);
    await redis.start(false);
    await until(() => a.starts.length > starts, 'A resumed on process 2', 20000);
    await connected(a);
    await offline(a, false);
    await s2.waitStderr(/replayed event skipped \(seq 1,/);
    await waitText(a.page, '#fan-state', 'on');
    assert.equal(await a.page.$('#fan-refused'), null, 'a committed toggle was reported refused');
    const rec = await redisCli(redis.port, 'HGET', 'reactc:dashboard:s:fan-toggles', 'v');
    assert.match(rec[0], / 1$/, `toggled once: ${rec[0]}`);
  } catch (e) {
    e.message += '\n' + logs();
    throw e;
  }
});

// Bug 2 of chaos.redis: event N refused inside the commit script (a tick
// whose base moved), event N+1 committed, the process killed before a
// token: the tab replays both on the other process. N's seq is below the
// mark, but the script recorded its refusal (refused:<session>): N is a
// new attempt there and its write happens, once; N+1 is skipped.
test('an event refused for a moved base, then a later one committed: the replay applies the refused one', { timeout: 90000 }, async (t) => {
  const redis = await redisFixture(t);
  const args = ['--shared', '--redis', redis.url, '--log-level', 'info', '--token-interval', '60000'];
  const s1 = await startExample('todo', { args, env: { REACTC_SECRET: SECRET } });
  t.after(() => s1.kill());
  const s2 = await startExample('todo', { args, env: { REACTC_SECRET: SECRET } });
  t.after(() => s2.kill());
  const p1 = await startProxy(s1.port);
  t.after(() => p1.close());
  const logs = () => `--- 1 ---\n${s1.stderr()}\n--- 2 ---\n${s2.stderr()}`;
  try {
    const { page: a } = await browser.openPage(t);
    a.setDefaultTimeout(20000);
    await a.addInitScript(HANDLED);
    const starts = [];
    onMessages(a, () => ({
      received(m) {
        if (m.type === 'layout-update' && m.start) starts.push(m.start);
      },
    }));
    await gotoApp(a, `${p1.url}/`, '#new-todo');
    await add(a, 'milk');
    const hash = 'reactc:todo:s:todos';
    const all = await redisCli(redis.port, 'HGETALL', hash);
    const i = all.findIndex((f) => f.startsWith('i:'));
    const [ver, order] = all[i + 1].split(' ');
    // Another writer's change, not published: the tick (a compare-and-set
    // on the version process 1 holds) is refused inside the script.
    await redisCli(redis.port, 'HSET', hash, all[i], `${Number(ver) + 10} ${order} {"text":"MILK","done":false}`);
    await redisCli(redis.port, 'HINCRBY', hash, '#', '10');
    await a.click('#todos li:nth-child(1) input.toggle');
    await s1.waitStderr(/store batch refused: a value it read/);
    await waitText(a, '#todos li:nth-child(1) span.text', 'MILK');
    // The next tick commits: done, and the session's mark moves past the
    // refused seq.
    await a.click('#todos li:nth-child(1) input.toggle');
    await a.waitForFunction(() => document.querySelector('#todos li').classList.contains('done'));
    const counter = Number((await redisCli(redis.port, 'HGET', hash, '#'))[0]);
    await s1.kill();
    p1.target(s2.port);
    await until(() => starts.length > 1 && starts.at(-1) === 'resumed', 'resumed on process 2', 20000);
    // The refused tick applies now (a new attempt), the committed one is
    // skipped: ticked twice in all, so not done, and one more version.
    await s2.waitStderr(/replayed event skipped/);
    await a.waitForFunction(() => !document.querySelector('#todos li').classList.contains('done'));
    const rec = await redisCli(redis.port, 'HGET', hash, all[i]);
    assert.match(rec[0], /"done":false/);
    assert.equal(Number((await redisCli(redis.port, 'HGET', hash, '#'))[0]), counter + 1, 'one write more, once');
  } catch (e) {
    e.message += '\n' + logs();
    throw e;
  }
});
