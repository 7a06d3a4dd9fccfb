// Bad input and hostile clients, against a real server: every case ends in a
// clear error or a clean close, never a crash or unbounded memory. Raw
// WebSocket clients (npm ws); no browser needed.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startExample } from './lib/server.mjs';
import { HELLO, connect, wsUrl } from './lib/raw.mjs';

function rssKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
}

test('malformed JSON gets an error message and close 1008', async (t) => {
  const server = await startExample('counter');
  t.after(() => server.kill());
  const c = connect(wsUrl(server));
  await c.opened;
  c.ws.send(HELLO);
  await c.next((m) => m.type === 'layout-update');
  c.ws.send('{"type":"layout-event","target":');
  const err = await c.next((m) => m.type === 'error');
  assert.match(err.message, /invalid JSON/);
  assert.equal((await c.closed).code, 1008);
  // The server is still fine for everyone else.
  const d = connect(wsUrl(server));
  await d.opened;
  d.ws.send(HELLO);
  await d.next((m) => m.type === 'layout-update');
  d.ws.close();
  await server.stop(2000);
});

test('duplicate keys, wrong types and events before hello are refused', async (t) => {
  const server = await startExample('counter');
  t.after(() => server.kill());
  for (const [bad, pattern] of [
    ['{"type":"hello","version":1,"version":2}', /invalid JSON/],
    ['{"type":"layout-event","target":5,"data":[]}', /target/],
    ['{"type":"layout-event","target":"AAAAAAAAAAA","data":{}}', /data/],
    ['[1,2,3]', /object/],
  ]) {
    const c = connect(wsUrl(server));
    await c.opened;
    c.ws.send(HELLO);
    await c.next((m) => m.type === 'layout-update');
    c.ws.send(bad);
    assert.match((await c.next((m) => m.type === 'error')).message, pattern);
    assert.equal((await c.closed).code, 1008);
  }
  const early = connect(wsUrl(server));
  await early.opened;
  early.ws.send('{"type":"layout-event","target":"AAAAAAAAAAA","data":[{}],"seq":1}');
  assert.match((await early.next((m) => m.type === 'error')).message, /before hello/);
  assert.equal((await early.closed).code, 1008);
  await server.stop(2000);
});

test('an event for an unknown handler is ignored and acknowledged', async (t) => {
  const server = await startExample('counter');
  t.after(() => server.kill());
  const c = connect(wsUrl(server));
  await c.opened;
  c.ws.send(HELLO);
  await c.next((m) => m.type === 'layout-update');
  c.ws.send(JSON.stringify({ type: 'layout-event', target: 'zzzzzzzzzzz', data: [{}], seq: 1 }));
  const ack = await c.next((m) => m.type === 'patch' && m.ack === 1);
  assert.deepEqual(ack.ops, []);
  c.ws.close();
  await server.stop(2000);
});

test('a message over the size limit closes with 1009', async (t) => {
  const server = await startExample('counter', { args: ['--max-message', '4096'] });
  t.after(() => server.kill());
  const c = connect(wsUrl(server));
  await c.opened;
  c.ws.send(HELLO);
  await c.next((m) => m.type === 'layout-update');
  c.ws.send(JSON.stringify({ type: 'layout-event', target: 'x', data: ['y'.repeat(10000)] }));
  assert.match((await c.next((m) => m.type === 'error')).message, /too large/);
  assert.equal((await c.closed).code, 1009);
  await server.stop(2000);
});

test('the session limit refuses the next connection with 1013', async (t) => {
  const server = await startExample('counter', { args: ['--max-sessions', '2', '--grace', '0'] });
  t.after(() => server.kill());
  const a = connect(wsUrl(server));
  const b = connect(wsUrl(server));
  await Promise.all([a.opened, b.opened]);
  const c = connect(wsUrl(server));
  assert.equal((await c.closed).code, 1013);
  // A slot frees when a session ends (no grace period here).
  a.ws.close();
  await a.closed;
  const d = connect(wsUrl(server));
  await d.opened;
  d.ws.send(HELLO);
  await d.next((m) => m.type === 'layout-update');
  b.ws.close();
  d.ws.close();
  await server.stop(2000);
});

/** The first element in a model with attribute id == id. */
function findById(model, id) {
  if (!model || typeof model !== 'object') return null;
  if (model.attributes && model.attributes.id === id) return model;
  for (const c of model.children || []) {
    const f = findById(c, id);
    if (f) return f;
  }
  return null;
}

test('a client that stops reading gets no pile of patches: renders wait, memory stays bounded, it converges', async (t) => {
  // Backpressure (docs/guide/shared-state.md, "Slow tabs"): while its
  // socket has not taken its last message, a session's renders are held,
  // not queued, so a stalled client neither reaches the output-queue cap
  // (and a close/reconnect loop) nor makes the server hold its patches.
  const server = await startExample('todo', { args: ['--max-queued', '65536'] });
  t.after(() => server.kill());
  const c = connect(wsUrl(server));
  await c.opened;
  c.ws.send(HELLO);
  const first = await c.next((m) => m.type === 'layout-update');
  const draft = findById(first.model, 'new-todo').eventHandlers.onChange.target;
  const submit = findById(first.model, 'new-todo-form').eventHandlers.onSubmit.target;
  const before = rssKiB(server.proc.pid);
  let closed = false;
  c.closed.then(() => { closed = true; });
  // Stop reading, add 240 items of 32 KB in batches a few ms apart (so
  // they render as separate patches): ~7.7 MB of patches, far more than
  // the socket buffers hold, would have to be queued.
  c.ws._socket.pause();
  let seq = 0;
  const text = 'x'.repeat(32000);
  for (let batch = 0; batch < 30; batch++) {
    for (let i = 0; i < 8; i++) {
      c.ws.send(JSON.stringify({ type: 'layout-event', target: draft, data: [{ value: text + seq }], seq: ++seq }));
      c.ws.send(JSON.stringify({ type: 'layout-event', target: submit, data: [{}], seq: ++seq }));
    }
    await new Promise((r) => setTimeout(r, 10)); // pacing only: nothing is asserted on time
  }
  const last = text + (seq - 2); // the last draft's value: the seq before its own
  // Every event is applied: the acks come once it reads again, with the
  // latest state (the last item) and no close.
  const resumed = Date.now();
  c.ws._socket.resume();
  await c.next((m) => m.ack === seq, 30000);
  await c.next((m) => JSON.stringify(m).includes(last), 5000);
  c.ws.send(JSON.stringify({ type: 'ping' }));
  await c.next((m) => m.type === 'pong', 5000);
  assert.equal(closed, false);
  assert.doesNotMatch(server.stderr(), /client not reading/);
  const after = rssKiB(server.proc.pid);
  // The list itself is 7.7 MB of text, kept in state and in the tree.
  assert.ok(after - before < 64 * 1024, `server grew by ${after - before} KiB`);
  t.diagnostic(`${c.messages.length} messages for ${seq} events; read back in ${Date.now() - resumed} ms`);
  c.ws.close();
  await server.stop(2000);
});

test('SIGTERM closes every session with 1001 and exits promptly', async (t) => {
  const server = await startExample('counter');
  t.after(() => server.kill());
  const clients = [connect(wsUrl(server)), connect(wsUrl(server)), connect(wsUrl(server, '/_reactpy/stream'))];
  await Promise.all(clients.map((c) => c.opened));
  clients[0].ws.send(HELLO);
  await clients[0].next((m) => m.type === 'layout-update');
  await server.stop(1500);
  for (const c of clients) assert.equal((await c.closed).code, 1001);
});

test('the base protocol serves /_reactpy/stream with the route as location', async (t) => {
  const server = await startExample('gallery');
  t.after(() => server.kill());
  const c = connect(wsUrl(server, '/_reactpy/stream/todo?x=1'));
  await c.opened;
  const m = await c.next((x) => x.type === 'layout-update');
  assert.equal(m.path, '');
  assert.equal(m.session, undefined, 'no reactc extensions in the base protocol');
  const text = JSON.stringify(m.model);
  assert.match(text, /"id":"new-todo"/);
  assert.match(text, /"className":"todo"/, 'React attribute names');
  c.ws.close();
  await server.stop(2000);
});

test('a resume hello may carry the events its token does not hold: replayed before the tree', async (t) => {
  const env = { REACTC_SECRET: 'b64:cmVwbGF5IHRlc3Qgc2VjcmV0LCAzMiBieXRlcyBvayE=' };
  let server = await startExample('counter', { env, args: ['--token-interval', '60000'] });
  t.after(() => server.kill());
  const c = connect(wsUrl(server));
  await c.opened;
  c.ws.send(HELLO);
  const first = await c.next((m) => m.type === 'layout-update');
  const target = first.model.children[0].children[0].eventHandlers.onClick.target;
  const events = [1, 2, 3].map((seq) => ({ type: 'layout-event', target, data: [{}], seq }));
  for (const e of events) c.ws.send(JSON.stringify(e));
  const last = await c.next((m) => m.type === 'patch' && m.ack === 3);
  // The interval holds tokens back: the newest one still holds no event.
  assert.equal(last.token_seq, 0);
  assert.equal(last.token, undefined);
  c.ws.terminate();
  const port = server.port;
  await server.kill();
  server = await startExample('counter', { env, port });
  const d = connect(wsUrl(server));
  await d.opened;
  d.ws.send(JSON.stringify({ ...JSON.parse(HELLO),
    resume: { session: first.session, token: first.token, events } }));
  const tree = await d.next((m) => m.type === 'layout-update');
  assert.equal(tree.start, 'resumed');
  assert.equal(tree.ack, 3);
  assert.equal(tree.token_seq, 3);
  assert.deepEqual(tree.model.children[0].children[1].children, ['3'], 'the first tree already holds them');
  // Sent again after the tree, they are acknowledged and not applied twice.
  d.ws.send(JSON.stringify(events[2]));
  const ack = await d.next((m) => m.type === 'patch' && m.ack === 3);
  assert.deepEqual(ack.ops, []);
  d.ws.close();
  await server.stop(2000);
});

/** Resolves true when a TCP connection to host:port opens, false when refused. */
function reachable(host, port) {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: 2000 });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
    s.once('timeout', () => { s.destroy(); resolve(false); });
  });
}

test('--host 127.0.0.1 listens on that address only (not [::], not the LAN address)', async (t) => {
  const server = await startExample('counter');             // lib/server.mjs passes --host 127.0.0.1
  t.after(() => server.kill());
  assert.equal(await reachable('127.0.0.1', server.port), true);
  const others = ['::1', ...Object.values(networkInterfaces()).flat()
    .filter((a) => !a.internal && a.family === 'IPv4').map((a) => a.address)];
  for (const host of others) assert.equal(await reachable(host, server.port), false, `reachable on ${host}`);
  t.diagnostic(`refused on ${others.join(', ')}`);
});

test('--static: two files on one keep-alive connection both arrive whole', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'reactc-static-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'a.css'), 'h1{color:red}\n');
  writeFileSync(join(dir, 'b.js'), 'console.log(1);\n'.repeat(100));
  const server = await startExample('counter', { args: ['--static', dir] });
  t.after(() => server.kill());
  const sock = net.connect({ host: '127.0.0.1', port: server.port });
  t.after(() => sock.destroy());
  let buf = Buffer.alloc(0);
  sock.on('data', (d) => { buf = Buffer.concat([buf, d]); });
  // Resolves with the body of the next whole response (by content-length).
  const response = () => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no whole response within 3 s; got ${JSON.stringify(buf.toString())}`)), 3000);
    const check = () => {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.subarray(0, end).toString();
      const len = Number(/content-length: *(\d+)/i.exec(head)?.[1]);
      if (buf.length < end + 4 + len) return;
      const body = buf.subarray(end + 4, end + 4 + len).toString();
      buf = buf.subarray(end + 4 + len);
      clearTimeout(timer);
      sock.off('data', check);
      resolve({ head, body });
    };
    sock.on('data', check);
    check();
  });
  await new Promise((r) => sock.once('connect', r));
  for (const [path, want] of [['/static/a.css', 'h1{color:red}\n'], ['/static/b.js?x=1', 'console.log(1);\n'.repeat(100)], ['/static/a.css', 'h1{color:red}\n']]) {
    sock.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    const { head, body } = await response();
    assert.match(head, /^HTTP\/1\.1 200/);
    assert.equal(body, want, path);
  }
});
