// The dev runner's own 503 page (src/dev/unavailable.c) against raw TCP
// clients, no browser: while nothing serves (here: a build command that
// always fails), connections that never send a request must not delay the
// answer to one that does, must not pile up without bound, and are closed
// once they have stayed silent too long. The page shows compiler output
// (paths, source lines): it answers only a Host that names this server, as
// the app does (DNS rebinding, docs/security.md), and the runner passes its
// --allow-host, --allow-origin and --trusted-proxy on to the app.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { exampleCopy, startDev } from './lib/dev.mjs';
import { until } from './lib/wire.mjs';

const TEST_MS = 60000;
const PENDING_MAX = 32; // DEV_PENDING_MAX in src/dev/runner.h
const SILENT_CLOSE_MS = 20000; // generous: the runner closes them after 5 s

/** A runner whose build always fails: nothing serves, the runner answers. */
async function startFailing(t, runnerArgs = []) {
  const dir = await mkdtemp(join(tmpdir(), 'reactc-dev-503-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const copy = {
    dir,
    bin: join(dir, 'app'), // never built
    build: 'echo "app.c:1:2: error: broken on purpose"; exit 1',
  };
  const dev = await startDev(copy, { ready: /build failed/, runnerArgs });
  t.after(() => dev.kill());
  const { port } = new URL(dev.url);
  return { dev, port: Number(port) };
}

/**
 * Opens `n` connections that send nothing; each one's first sign from the
 * runner (data, its end, a reset) goes to `events` as `silent <i>`.
 * Resolves once all are connected: {closed(i)}.
 */
async function openSilent(port, n, events, from = 0) {
  const closed = new Set();
  await Promise.all(Array.from({ length: n }, (_, k) => new Promise((resolve, reject) => {
    const i = from + k;
    const s = net.connect(port, '127.0.0.1');
    let told = false;
    const tell = () => {
      if (!told) events.push(`silent ${i}`);
      told = true;
      closed.add(i);
    };
    s.on('data', tell);
    s.on('end', tell);
    s.on('close', tell);
    s.on('error', () => { tell(); });
    s.once('connect', resolve);
    s.once('error', reject);
  })));
  return { closed: (i) => closed.has(i), count: () => closed.size };
}

/** A GET sent whole; resolves with the runner's whole answer (to its
 * end), pushing `answer` to events when it is complete. */
function get(port, events) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/html\r\n\r\n`);
    });
    let data = '';
    s.setEncoding('utf8');
    s.on('data', (d) => { data += d; });
    s.on('end', () => {
      events.push('answer');
      resolve(data);
    });
    s.on('error', reject);
  });
}

function assertPage(answer) {
  assert.match(answer, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
  assert.match(answer, /app\.c:1: broken on purpose/);
  const [head, body] = answer.split('\r\n\r\n');
  assert.equal(Buffer.byteLength(body), Number(head.match(/Content-Length: (\d+)/)[1]));
}

test('16 silent connections do not hold up the 503 page; the runner closes them later', { timeout: TEST_MS }, async (t) => {
  const { port } = await startFailing(t);
  const events = [];
  const silent = await openSilent(port, 16, events);
  // Made after the 16 connected: behind them in the listen queue.
  const answer = await get(port, events);
  assertPage(answer);
  // The answer came first: no silent connection was answered or closed
  // (one by one, each after a wait for its request) before it.
  assert.equal(events[0], 'answer', `events: ${events.join(', ')}`);
  // Silent ones are not kept for ever.
  await until(() => silent.count() === 16, 'the runner to close the silent connections', SILENT_CLOSE_MS);
});

test('more silent connections than the runner keeps: the oldest are dropped, a request is still answered', { timeout: TEST_MS }, async (t) => {
  const { port } = await startFailing(t);
  const events = [];
  const n = PENDING_MAX + 8;
  const silent = await openSilent(port, n, events);
  const answer = await get(port, events);
  assertPage(answer);
  // Only the oldest went, to make room (n - PENDING_MAX, and one more for
  // the request): the newest silent connections were still open.
  const before = events.slice(0, events.indexOf('answer')).map((e) => Number(e.split(' ')[1]));
  assert.ok(before.length >= n - PENDING_MAX, `closed before the answer: ${before}`);
  for (const i of before) assert.ok(i <= n - PENDING_MAX, `silent ${i} closed before the answer: ${before}`);
  await until(() => silent.count() === n, 'the runner to close the silent connections', SILENT_CLOSE_MS);
});

test('a request sent in pieces is answered once its headers are complete', { timeout: TEST_MS }, async (t) => {
  const { port } = await startFailing(t);
  const s = net.connect(port, '127.0.0.1');
  await new Promise((r) => s.once('connect', r));
  let data = '';
  s.setEncoding('utf8');
  s.on('data', (d) => { data += d; });
  const ended = new Promise((r) => s.once('end', r));
  s.write('GET / HTTP/1.1\r\nHo');
  // A later, whole request is answered while this one is still open.
  const events = [];
  assertPage(await get(port, events));
  assert.equal(data, '');
  s.write(`st: 127.0.0.1\r\n\r`);
  s.write('\n');
  await ended;
  assertPage(data);
});

/** Sends a request's head (its lines; the empty line is added); resolves
 * with the whole answer, or with its head only when `headOnly` (a 101
 * keeps the connection open). */
function send(port, lines, headOnly = false) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(`${lines.join('\r\n')}\r\n\r\n`));
    let data = '';
    s.setEncoding('utf8');
    s.on('data', (d) => {
      data += d;
      if (headOnly && data.includes('\r\n\r\n')) {
        s.destroy();
        resolve(data);
      }
    });
    s.on('end', () => resolve(data));
    s.on('error', reject);
  });
}

/** A GET of / naming `host` (null: no Host line), with more header lines. */
const getHost = (port, host, more = [], version = '1.1') => send(port, [
  `GET / HTTP/${version}`, ...(host === null ? [] : [`Host: ${host}`]), ...more]);

/** A refusal: the status, and nothing of the build's output. */
function assertRefused(answer, status) {
  assert.match(answer, new RegExp(`^HTTP/1\\.1 ${status} `), answer);
  assert.doesNotMatch(answer, /broken on purpose|app\.c|reactc-dev-error/);
}

test('the 503 page answers only a Host naming this server (DNS rebinding)', { timeout: TEST_MS }, async (t) => {
  const { port } = await startFailing(t);
  for (const host of [`127.0.0.1:${port}`, '127.0.0.1', `localhost:${port}`, 'LocalHost', `[::1]:${port}`]) {
    assertPage(await getHost(port, host));
  }
  // A page on evil.example whose name now resolves to this machine.
  assertRefused(await getHost(port, `evil.example:${port}`), 421);
  assertRefused(await getHost(port, '127.0.0.1.evil.example'), 421);
  assertRefused(await getHost(port, 'dev.localhost'), 421);
  // Its WebSocket too.
  assertRefused(await send(port, ['GET /_reactc/stream HTTP/1.1', `Host: evil.example:${port}`,
    'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', `Origin: http://evil.example:${port}`]), 421);
  // No Host on HTTP/1.1, a bad one, or two: 400.
  assertRefused(await getHost(port, null), 400);
  assertRefused(await getHost(port, 'a b'), 400);
  assertRefused(await getHost(port, '127.0.0.1', ['Host: evil.example']), 400);
  // X-Forwarded-Host counts only from a trusted proxy (none here).
  assertPage(await getHost(port, '127.0.0.1', ['X-Forwarded-Host: evil.example']));
  // A request that stops before its headers end is not guessed at.
  const cut = await new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.end('GET / HTTP/1.1\r\nHost: 127.0.0.1'));
    let data = '';
    s.setEncoding('utf8');
    s.on('data', (d) => { data += d; });
    s.on('end', () => resolve(data));
    s.on('error', reject);
  });
  assertRefused(cut, 400);
});

test('--allow-host and --trusted-proxy: the 503 page follows them', { timeout: TEST_MS }, async (t) => {
  const { port } = await startFailing(t, ['--allow-host', 'dev.example', '--trusted-proxy', '127.0.0.1']);
  assertPage(await getHost(port, `dev.example:${port}`));
  assertPage(await getHost(port, 'DEV.example.'));
  assertRefused(await getHost(port, `other.example:${port}`), 421);
  // From a trusted proxy the forwarded host is the one checked.
  assertPage(await getHost(port, '127.0.0.1', ['X-Forwarded-Host: dev.example']));
  assertRefused(await getHost(port, '127.0.0.1', ['X-Forwarded-Host: evil.example']), 421);
});

test('a bad --allow-host stops the runner with a message naming it', { timeout: TEST_MS }, async (t) => {
  await assert.rejects(startFailing(t, ['--allow-host', 'a/b']), /bad allowed host "a\/b"/);
});

test('the runner passes --allow-host, --allow-origin and --trusted-proxy to the app', { timeout: TEST_MS }, async (t) => {
  const copy = await exampleCopy('counter');
  t.after(() => copy.remove());
  const dev = await startDev(copy, {
    runnerArgs: ['--allow-host', 'dev.example', '--allow-origin', 'http://panel.example:8080',
      '--trusted-proxy', '127.0.0.1'],
  });
  t.after(() => dev.kill());
  const port = Number(new URL(dev.url).port);
  // The app keeps a connection open after its answer: its head is enough.
  const getHead = (host, more = []) => send(port, ['GET / HTTP/1.1', `Host: ${host}`, ...more], true);
  // The app serves the name the runner was given, and still refuses others.
  assert.match(await getHead(`dev.example:${port}`), /^HTTP\/1\.1 200 /);
  assert.match(await getHead(`other.example:${port}`), /^HTTP\/1\.1 421 /);
  // The listed origin may open the WebSocket; another may not.
  const ws = (origin) => send(port, ['GET /_reactc/stream HTTP/1.1', `Host: 127.0.0.1:${port}`,
    'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', `Origin: ${origin}`], true);
  assert.match(await ws('http://panel.example:8080'), /^HTTP\/1\.1 101 /);
  assert.match(await ws('http://other.example:8080'), /^HTTP\/1\.[01] 403 /);
  // The proxy's X-Forwarded-Host is believed: a name not allowed is refused.
  assert.match(await getHead('127.0.0.1', ['X-Forwarded-Host: evil.example']), /^HTTP\/1\.1 421 /);
});
