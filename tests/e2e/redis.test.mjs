// The Redis connection (issue 16, part 1; docs/deploy.md "Redis"): a server
// started with --redis reports "redis: up"; when Redis dies it reports
// "redis: down" once (however many retries follow) and "redis: up" again
// once Redis is back on the same port (a Redis that stops answering is
// found by the PING deadline), while the counter keeps serving
// clicks throughout. A wrong password is named as such, never shown; the
// URL given in REACTC_REDIS leaves the environment; a host name is refused
// at start. Each test runs its own redis-server in the foreground.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scrapeMetrics } from './lib/http.mjs';
import { startRedis as startRedisAt } from './lib/redis.mjs';
import { exampleBinary, freePort, startExample } from './lib/server.mjs';
import { HELLO, connect, handlerTarget, wsUrl } from './lib/raw.mjs';

/** redis-server on 127.0.0.1:port (lib/redis.mjs), with a password if given. */
const startRedis = (port, password, extra = []) => startRedisAt(port, { password, extra });

const count = (text, re) => (text.match(new RegExp(re.source, 'g')) || []).length;

/** Waits until the server's stderr holds the n-th match of re. */
function waitNth(server, re, n, ms = 10000) {
  return server.waitStderr({ test: (s) => count(s, re) >= n, toString: () => `${re} x${n}` }, ms);
}

/** A raw client on the counter: click() resolves at the server's ack. */
async function openCounter(server) {
  const c = connect(wsUrl(server));
  await c.opened;
  c.ws.send(HELLO);
  const tree = await c.next((m) => m.type === 'layout-update');
  const target = handlerTarget(tree.model, 'increment');
  let seq = 0;
  c.click = async () => {
    const s = ++seq;
    c.ws.send(JSON.stringify({ type: 'layout-event', target, data: [{}], seq: s }));
    await c.next((m) => m.ack === s);
  };
  return c;
}

test('redis: up, down once when Redis dies, up again when it is back; clicks served throughout', async (t) => {
  const port = await freePort();
  const password = 'pw-' + Math.random().toString(36).slice(2);
  let redis = await startRedis(port, password);
  t.after(() => redis.kill());
  const server = await startExample('counter', { args: ['--redis', `redis://:${password}@127.0.0.1:${port}/2`] });
  t.after(() => server.kill());
  await server.waitStderr(/redis: up/);
  const c = await openCounter(server);
  await c.click();

  await redis.kill();
  await waitNth(server, /redis: down/, 1);
  await c.click();
  await c.click();

  redis = await startRedis(port, password);
  const log = await waitNth(server, /redis: up/, 2);
  // The retries while Redis was away were silent: one line per change.
  assert.equal(count(log, /redis: down/), 1, log);
  await c.click();
  assert.ok(!server.stderr().includes(password), 'the password is in the log');
  c.ws.close();
  await c.closed;
  await server.stop(3000);
});

test('a Redis that stops answering (SIGSTOP: the socket stays open) is down by the PING deadline', { skip: process.env.REACTC_WITHOUT_METRICS && 'built without RC_WITH_METRICS' }, async (t) => {
  const port = await freePort();
  const redis = await startRedis(port);
  t.after(async () => { redis.proc.kill('SIGCONT'); await redis.kill(); });
  const mport = await freePort();
  const server = await startExample('counter',
    { args: ['--redis', `redis://127.0.0.1:${port}`, '--metrics', `127.0.0.1:${mport}`] });
  t.after(() => server.kill());
  await server.waitStderr(/redis: up/);
  let g = await scrapeMetrics(mport); // /metrics reads the connection at the scrape
  assert.equal(g.get('reactc_redis_up'), 1);
  assert.ok(g.get('reactc_redis_ping_seconds') >= 0, `ping ${g.get('reactc_redis_ping_seconds')}`);
  redis.proc.kill('SIGSTOP');
  // hiredis 0.14 has no timers: only our PING deadline (2 s) can see this.
  await server.waitStderr(/redis: down \(no PING reply within/, 10000);
  g = await scrapeMetrics(mport);
  assert.equal(g.get('reactc_redis_up'), 0);
  const c = await openCounter(server);
  await c.click();
  redis.proc.kill('SIGCONT');
  await waitNth(server, /redis: up/, 2, 15000);
  c.ws.close();
  await c.closed;
  await server.stop(3000);
});

test('a wrong password: "redis: down (auth failed ...)" without it; REACTC_REDIS leaves the environment', async (t) => {
  const port = await freePort();
  const redis = await startRedis(port, 'right-one');
  t.after(() => redis.kill());
  const wrong = 'wrong-' + Math.random().toString(36).slice(2);
  const server = await startExample('counter', { env: { REACTC_REDIS: `redis://:${wrong}@127.0.0.1:${port}` } });
  t.after(() => server.kill());
  const log = await server.waitStderr(/redis: down \(auth failed/);
  assert.ok(!log.includes(wrong), log);
  const environ = readFileSync(`/proc/${server.proc.pid}/environ`, 'latin1');
  assert.ok(!environ.includes('REACTC_REDIS='), 'REACTC_REDIS is still in the environment');
  const c = await openCounter(server);
  await c.click();
  c.ws.close();
  await c.closed;
  await server.stop(3000);
});

test('a Unix socket with a database and a password in the query', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'reactc-redis-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const sock = join(dir, 'redis.sock');
  const redis = await startRedis(0, 'sock-pw', ['--unixsocket', sock]);
  t.after(() => redis.kill());
  const server = await startExample('counter', { args: ['--redis', `unix://${sock}?db=3&password=sock-pw`] });
  t.after(() => server.kill());
  const log = await server.waitStderr(/redis: up/);
  assert.match(log, /password=\*\*\*/);
  assert.ok(!log.includes('sock-pw'), log);
  await server.stop(3000);
});

test('a host name or a mistyped URL stops the start with a clear message', async () => {
  for (const [url, words] of [['redis://:secret-pw@redis.example:6379', /must be an IP address/],
                              ['rediss://127.0.0.1', /TLS/], ['redis://127.0.0.1:99999', /port/]]) {
    const p = spawn(exampleBinary('counter'), ['--host', '127.0.0.1', '--port', '0', '--redis', url],
                    { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    const code = await new Promise((resolve) => p.once('close', resolve));
    assert.notEqual(code, 0, url);
    assert.match(err, words, url);
    assert.ok(!err.includes('secret-pw'), err);
  }
});
