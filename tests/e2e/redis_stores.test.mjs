// Stores across processes through Redis (issue 16; docs/guide/shared-state.md,
// "Across processes (Redis)"). Two dashboard processes share one
// redis-server (append-only, fsync always), a tab on each behind its own
// proxy: a toggle in one shows in the other; N quick toggles then kill -9
// of that process: the tab resumes on the other and shows N's parity
// (exactly once through the marks in Redis); kill -9 of Redis: pages show
// "offline", keep their values, and a toggle is refused visibly; Redis back
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
import { HANDLED, onMessages, until } from './lib/wire.mjs';

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
async function startDashboard(t, redis, port) {
  const s = await startExample('dashboard', {
    args: ['--redis', redis.url, '--state', stateDir(), '--log-level', 'info', '--token-interval', '60000'],
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

const connected = (tab) => tab.page.waitForSelector(`${MOUNT}.rc-connected #fan`, { state: 'attached' });
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
    // mark in Redis), and those batches were confirmed before the first
    // tree's token (which the client takes in place of its events) was sealed.
    await s2.waitStderr(/replayed event skipped/);
    await s2.waitStderr(/batch\(es\) at Redis confirmed before a token/);

    // A second process again (the first one's port), A's tab moved there.
    const s3 = await startDashboard(t, redis, s1.port);
    p1.target(s3.port);
    const startsA = a.starts.length;
    p1.cut();
    await until(() => a.starts.length > startsA, 'A back on process 3', 20000);
    await connected(a);
    const logs3 = () => `${logs()}\n--- 3 ---\n${s3.stderr()}`;
    try {
      // Redis killed: both pages say offline and keep their values; a toggle
      // is refused visibly and changes nothing.
      await redis.server.kill();
      await offline(a, true);
      await offline(b, true);
      assert.equal(await text(a.page, '#fan-state'), on ? 'on' : 'off');
      await toggle(b);
      await b.page.waitForSelector('#fan-refused');
      assert.equal(await text(b.page, '#fan-state'), on ? 'on' : 'off');

      // Redis back with its data: both converge (no offline, same fan) within
      // a second of Redis accepting (measured; the bound here is generous).
      let t0 = Date.now();
      await redis.start(false);
      await offline(a, false);
      await offline(b, false);
      t.diagnostic(`Redis back with its data: pages online after ${Date.now() - t0} ms`);
      await waitText(a.page, '#fan-state', on ? 'on' : 'off');
      await toggle(a);
      on = !on;
      await waitText(b.page, '#fan-state', on ? 'on' : 'off');
      await b.page.waitForSelector('#fan-refused', { state: 'detached' }).catch(() => {});

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
// mark makes it "replayed". The fan was toggled exactly once.
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
    await s1.waitStderr(/replayed event skipped/, 10000);
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
test('a duplicated tab does not apply its original\'s toggle again (marks copied in Redis)', { timeout: 60000 }, async (t) => {
  const redis = await redisFixture(t);
  const s1 = await startExample('dashboard', {
    args: ['--redis', redis.url, '--state', stateDir(), '--log-level', 'info', '--token-interval', '60000'],
    env: { REACTC_SECRET: SECRET },
  });
  t.after(() => s1.kill());
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
    assert.equal(await text(page, '#fan-state'), 'on');
    assert.equal(await text(a.page, '#fan-state'), 'on');
    await page.click('#fan');
    await waitText(a.page, '#fan-state', 'off');
  } catch (e) {
    e.message += `\n${s1.stderr()}`;
    throw e;
  }
});
