// Slots: what holds a place in --max-sessions. A socket that says nothing
// is closed after --hello-timeout (1008) and gives its slot back; detached
// sessions (kept for re-attach) have a cap of their own (--max-detached,
// the oldest freed first) and give way to live connections. Raw WebSocket
// clients; every wait is for a protocol event (a close, a tree).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startExample } from './lib/server.mjs';
import { HELLO, connect, wsUrl } from './lib/raw.mjs';

/** A started session: its socket and its first tree. */
async function session(server, resume) {
  const c = connect(wsUrl(server));
  await c.opened;
  c.ws.send(resume ? JSON.stringify({ ...JSON.parse(HELLO), resume }) : HELLO);
  const tree = await c.next((m) => m.type === 'layout-update');
  return { c, tree };
}

/** Closes a started session's socket: the server keeps it, detached.
 * Returns what its tab presents to come back. */
async function leave(s) {
  s.c.ws.close();
  await s.c.closed;
  return { session: s.tree.session, secret: s.tree.secret, token: s.tree.token };
}

test('a socket that says nothing is closed and gives its slot back', { timeout: 60000 }, async (t) => {
  const server = await startExample('counter', { args: ['--max-sessions', '2', '--hello-timeout', '1'] });
  t.after(() => server.kill());
  const silent = [connect(wsUrl(server)), connect(wsUrl(server))];
  await Promise.all(silent.map((c) => c.opened));
  for (const c of silent) {
    const closed = await c.closed;
    assert.equal(closed.code, 1008);
    const err = await c.next((m) => m.type === 'error');
    assert.match(err.message, /nothing received within 1000 ms/);
  }
  const s = await session(server);       // both slots free again
  assert.equal(s.tree.start, 'new');
  s.c.ws.close();
  await s.c.closed;
  await server.stop(2000);
});

test('the base protocol: any message counts, silence is closed', { timeout: 60000 }, async (t) => {
  const server = await startExample('counter', { args: ['--hello-timeout', '1'] });
  t.after(() => server.kill());
  const c = connect(wsUrl(server, '/_reactpy/stream'));
  await c.opened;
  await c.next((m) => m.type === 'layout-update');  // the server speaks first
  assert.equal((await c.closed).code, 1008);
  await server.stop(2000);
});

test('detached sessions: their own cap, oldest freed first', { timeout: 60000 }, async (t) => {
  const server = await startExample('counter', {
    args: ['--max-sessions', '4', '--max-detached', '1', '--grace', '60'] });
  t.after(() => server.kill());
  const a = await leave(await session(server));
  const b = await leave(await session(server));      // A, the older, is freed
  const backB = await session(server, b);
  assert.equal(backB.tree.start, 'reattached');
  const backA = await session(server, a);
  assert.equal(backA.tree.start, 'resumed');          // from its token: nothing lost
  for (const s of [backA, backB]) s.c.ws.close();
  await server.stop(2000);
});

test('live connections take the room of detached sessions', { timeout: 60000 }, async (t) => {
  const server = await startExample('counter', {
    args: ['--max-sessions', '2', '--max-detached', '2', '--grace', '60'] });
  t.after(() => server.kill());
  const a = await leave(await session(server));
  const b = await leave(await session(server));
  const c = await session(server);                    // A gives way
  const d = await session(server);                    // B gives way
  const e = connect(wsUrl(server));                   // two live: full
  await e.opened.catch(() => {});
  assert.equal((await e.closed).code, 1013);
  await leave(c);                                     // C detached: room for one
  const backB = await session(server, b);             // C gives way in turn
  assert.equal(backB.tree.start, 'resumed');          // B was freed for C: from its token
  const backA = connect(wsUrl(server));               // D and B live: full again
  await backA.opened.catch(() => {});
  assert.equal((await backA.closed).code, 1013);
  assert.ok(a.session);
  for (const s of [d, backB]) s.c.ws.close();
  await server.stop(2000);
});
