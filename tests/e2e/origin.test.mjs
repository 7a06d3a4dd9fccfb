// The network edge (docs/security.md): cross-site WebSocket hijacking and
// DNS rebinding, against a real server, with raw HTTP and WebSocket
// clients (npm ws) that set Host, Origin and X-Forwarded-* as a browser or
// an attacker's page would. No browser needed: what a browser sends is
// exactly these headers.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import WebSocket from 'ws';
import { httpRequest } from './lib/http.mjs';
import { startExample } from './lib/server.mjs';

const HELLO = JSON.stringify({ type: 'hello', version: 1, extensions: ['patch', 'seq'],
                               location: { pathname: '/', search: '' } });
const STREAMS = ['/_reactc/stream', '/_reactpy/stream'];

/**
 * Opens a WebSocket to `path` with extra headers. Resolves with
 * {status, body} when the handshake is refused, or {ws, messages, next}
 * once it is open. Every socket is closed when the test ends.
 */
function upgrade(t, server, path, headers = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, { headers });
    t.after(() => ws.terminate());
    const messages = [];
    let waiters = [];
    ws.on('message', (d) => {
      messages.push(JSON.parse(d.toString()));
      waiters = waiters.filter((w) => !w());
    });
    /** The first message matching pred (within 10 s: a server's answer on
     * a loaded machine, as lib/raw.mjs waits). */
    const next = (pred) => new Promise((res, rej) => {
      let timer;
      const check = () => {
        const m = messages.find(pred);
        if (m) {
          clearTimeout(timer); // a pending 10 s timer would keep the process alive
          res(m);
        }
        return !!m;
      };
      if (check()) return;
      waiters.push(check);
      timer = setTimeout(() => rej(new Error('no such message within 10 s')), 10000);
    });
    ws.on('unexpected-response', (req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => {
        ws.terminate();
        resolve({ status: res.statusCode, body });
      });
    });
    ws.on('open', () => resolve({ ws, messages, next }));
    ws.on('error', (e) => reject(e));
  });
}

/** Raw request text; resolves with the status line's code. */
function raw(server, text) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(server.port, '127.0.0.1', () => sock.write(text));
    let got = '';
    sock.setEncoding('utf8');
    sock.on('data', (c) => {
      got += c;
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(got);
      if (m) {
        sock.destroy();
        resolve(Number(m[1]));
      }
    });
    sock.on('error', reject);
    sock.on('close', () => reject(new Error(`closed without a status line: ${JSON.stringify(got)}`)));
  });
}

const own = (server) => `http://127.0.0.1:${server.port}`;

/** The counter's click target and count in a layout-update's model. */
function counterOf(model) {
  let target = null;
  let count = null;
  const walk = (n) => {
    if (!n || typeof n !== 'object') return;
    if (n.eventHandlers?.onClick) target = n.eventHandlers.onClick.target;
    if (n.attributes?.id === 'count') count = n.children[0];
    (n.children || []).forEach(walk);
  };
  walk(model);
  return { target, count };
}

/** A same-origin reactc session on the counter: clicks once, returns the count shown. */
async function clickOnce(t, server) {
  const c = await upgrade(t, server, '/_reactc/stream', { Origin: own(server) });
  assert.ok(c.ws, `same-origin WebSocket refused: ${c.status} ${c.body}`);
  c.ws.send(HELLO);
  const tree = await c.next((m) => m.type === 'layout-update' && m.model);
  const { target, count } = counterOf(tree.model);
  assert.equal(count, '0');
  c.ws.send(JSON.stringify({ type: 'layout-event', target, data: [{}], seq: 1 }));
  const acked = await c.next((m) => m.ack === 1);
  c.ws.close();
  return acked;
}

test('a WebSocket from a foreign Origin gets 403 on both endpoints and no session', async (t) => {
  // One session at most: a session made by a refused handshake would take
  // the only place and the same-origin client below would get 1013.
  const server = await startExample('counter', { args: ['--max-sessions', '1'] });
  t.after(() => server.kill());
  // A backslash of a header reaches the log escaped (checked first: the
  // log keeps 20 lines of one kind per 10 s).
  assert.equal(await raw(server, `GET /_reactc/stream HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n` +
    'Origin: http://q"uote\\.example\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
    'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'), 403);
  await server.waitStderr(/Origin "http:\/\/q"uote\\\\\.example"\): 403/);
  for (const path of STREAMS) {
    for (const origin of ['http://evil.example', 'null', `https://127.0.0.1:${server.port}`,
      `http://127.0.0.1:${server.port + 1}`]) {
      const r = await upgrade(t, server, path, { Origin: origin });
      assert.equal(r.status, 403, `${path} with Origin ${JSON.stringify(origin)}: ${JSON.stringify(r.messages?.[0])}`);
      assert.match(r.body, /foreign Origin/);
    }
  }
  // The refusals are logged.
  await server.waitStderr(/refused a WebSocket from 127\.0\.0\.1: foreign Origin \(Host "127\.0\.0\.1:\d+", Origin "http:\/\/evil\.example"\): 403/);
  // An Origin too long to copy is refused, not taken for a missing one.
  assert.equal(await raw(server, `GET /_reactc/stream HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n` +
    `Origin: http://${'a'.repeat(1000)}.example\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
    'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'), 403);
  // No session was made: the one place is free, and its clicks count from 0.
  const acked = await clickOnce(t, server);
  assert.match(JSON.stringify(acked), /"1"/, JSON.stringify(acked));
  await server.stop(2000);
});

test('--allow-origin lets a listed origin in (both endpoints); others stay out', async (t) => {
  const server = await startExample('counter', { args: ['--allow-origin', 'http://Panel.Example:3000/',
    '--allow-origin', 'https://other.example'] });
  t.after(() => server.kill());
  for (const path of STREAMS) {
    for (const origin of ['http://panel.example:3000', 'https://other.example', own(server)]) {
      const r = await upgrade(t, server, path, { Origin: origin });
      assert.ok(r.ws, `${path} from ${origin}: ${r.status} ${r.body}`);
      r.ws.close();
    }
    const r = await upgrade(t, server, path, { Origin: 'http://panel.example:3001' });
    assert.equal(r.status, 403);
  }
  // No Origin (a load tool, a script): allowed.
  const r = await upgrade(t, server, '/_reactc/stream');
  assert.ok(r.ws);
  r.ws.send(HELLO);
  await r.next((m) => m.type === 'layout-update');
  await server.stop(2000);
});

test('a bad --allow-origin, --allow-host or --trusted-proxy stops the start with a clear error', async () => {
  for (const [opt, val] of [['--allow-origin', 'null'], ['--allow-origin', 'evil.example'],
    ['--allow-host', 'a b'], ['--trusted-proxy', 'proxy.example']]) {
    const e = await startExample('counter', { args: [opt, val], readyMs: 3000 }).then(
      (s) => { s.kill(); return null; }, (err) => err);
    assert.ok(e, `${opt} ${val} was accepted`);
    assert.match(e.message, new RegExp(`${opt}: bad`), e.message);
  }
});

test('a rebound Host gets 421 for the page, the bundle, static files and the upgrade', async (t) => {
  const server = await startExample('counter');
  t.after(() => server.kill());
  const evil = `attacker.rebind.example:${server.port}`;
  for (const path of ['/', '/some/route', '/_reactc/client.js', '/static/x.css']) {
    const r = await httpRequest(server.port, path, { headers: { Host: evil } });
    assert.equal(r.status, 421, `${path}: ${r.status}`);
    assert.doesNotMatch(r.body, /reactc-root|<script/);
  }
  for (const path of STREAMS) {
    const r = await upgrade(t, server, path, { Host: evil, Origin: `http://${evil}` });
    assert.equal(r.status, 421, path);
    // Without an Origin too: the Host alone decides.
    assert.equal((await upgrade(t, server, path, { Host: evil })).status, 421);
  }
  await server.waitStderr(/refused a request from 127\.0\.0\.1: Host not allowed \(Host "attacker\.rebind\.example:\d+"/);
  // No Host, or a malformed one: 400.
  assert.equal(await raw(server, 'GET / HTTP/1.1\r\n\r\n'), 400);
  // HTTP/1.0 has no Host to check (a health check): served.
  assert.equal(await raw(server, 'GET / HTTP/1.0\r\n\r\n'), 200);
  assert.equal(await raw(server, 'GET / HTTP/1.0\r\nHost: evil.example\r\n\r\n'), 421);
  assert.equal(await raw(server, 'GET / HTTP/1.1\r\nHost: a b\r\n\r\n'), 400);
  assert.equal(await raw(server, 'GET / HTTP/1.1\r\nHost: ::1\r\n\r\n'), 400);
  assert.equal(await raw(server, `GET /_reactc/stream HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
    'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'), 400);
  await server.stop(2000);
});

test('IP literals, localhost and --allow-host names are served', async (t) => {
  const server = await startExample('counter', { args: ['--allow-host', 'panel.example'] });
  t.after(() => server.kill());
  const p = server.port;
  for (const host of [`127.0.0.1:${p}`, `localhost:${p}`, `LOCALHOST:${p}`, `[::1]:${p}`, '192.168.1.20',
    `panel.example:${p}`, 'panel.example', 'Panel.Example.']) {
    const r = await httpRequest(server.port, '/', { headers: { Host: host } });
    assert.equal(r.status, 200, host);
    assert.match(r.body, /reactc-root/);
    const origin = `http://${host.toLowerCase().replace(/\.$/, '')}`;
    const w = await upgrade(t, server, '/_reactc/stream', { Host: host, Origin: origin });
    assert.ok(w.ws, `${host} from ${origin}: ${w.status} ${w.body}`);
    w.ws.close();
  }
  assert.equal((await httpRequest(server.port, '/', { headers: { Host: 'sub.panel.example' } })).status, 421);
  await server.stop(2000);
});

test('X-Forwarded-* are ignored from an untrusted peer', async (t) => {
  const server = await startExample('counter');
  t.after(() => server.kill());
  const p = server.port;
  // A forged X-Forwarded-Host neither bypasses nor trips the Host check...
  assert.equal((await httpRequest(server.port, '/', { headers: { 'X-Forwarded-Host': 'evil.example' } })).status, 200);
  assert.equal((await httpRequest(server.port, '/', { headers: { Host: 'evil.example', 'X-Forwarded-Host': `127.0.0.1:${p}` } })).status, 421);
  // ...and a forged X-Forwarded-Proto does not make https the page's origin.
  const r = await upgrade(t, server, '/_reactc/stream', { Origin: `https://127.0.0.1:${p}`,
    'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': `127.0.0.1:${p}`, 'X-Forwarded-For': '203.0.113.7' });
  assert.equal(r.status, 403);
  await server.waitStderr(/refused a WebSocket from 127\.0\.0\.1: foreign Origin/);
  await server.stop(2000);
});

test('X-Forwarded-* are honoured from a --trusted-proxy', async (t) => {
  const server = await startExample('counter', { args: ['--trusted-proxy', '127.0.0.1', '--allow-host', 'app.example'] });
  t.after(() => server.kill());
  const p = server.port;
  // The browser's view: https://app.example (the proxy terminated TLS).
  const fwd = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'app.example', 'X-Forwarded-For': '198.51.100.1, 203.0.113.7' };
  const ok = await upgrade(t, server, '/_reactc/stream', { ...fwd, Origin: 'https://app.example' });
  assert.ok(ok.ws, `${ok.status} ${ok.body}`);
  ok.ws.send(HELLO);
  await ok.next((m) => m.type === 'layout-update');
  // The connection's own origin is not the browser's then.
  const own_ = await upgrade(t, server, '/_reactc/stream', { ...fwd, Origin: `http://127.0.0.1:${p}` });
  assert.equal(own_.status, 403);
  // The log names the client the proxy saw (the last X-Forwarded-For entry).
  await server.waitStderr(/refused a WebSocket from 203\.0\.113\.7: foreign Origin/);
  // A forwarded Host is checked like a Host.
  assert.equal((await httpRequest(server.port, '/', { headers: { 'X-Forwarded-Host': 'attacker.rebind.example' } })).status, 421);
  assert.equal((await httpRequest(server.port, '/', { headers: { ...fwd } })).status, 200);
  await server.stop(2000);
});
