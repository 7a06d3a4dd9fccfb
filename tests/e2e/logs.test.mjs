// What the server logs about hostile clients, read from its stderr: client
// text cannot forge a line (control characters are escaped), logs hold no
// heap pointers and no session ids (a short hash names a session), and a
// line a client can repeat at will (an event for a stale handler) is
// rate-limited. Raw WebSocket clients; no browser needed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startExample } from './lib/server.mjs';
import { HELLO, connect, wsUrl } from './lib/raw.mjs';

test('client text is escaped, repeats are limited, no pointers or session ids', async (t) => {
  const server = await startExample('counter');
  t.after(() => server.kill());
  const c = connect(wsUrl(server));
  await c.opened;
  c.ws.send(HELLO);
  const tree = await c.next((m) => m.type === 'layout-update');
  const session = tree.session;
  assert.ok(session && session.length >= 16);

  // A forged line inside a handler id, and 60 events for a stale handler
  // (a well-formed id that no element has), each numbered: the ack of the
  // last one says the server has handled them all.
  let seq = 0;
  const event = (target) => c.ws.send(JSON.stringify({ type: 'layout-event', target,
                                                        data: [{}], seq: ++seq }));
  event('x\nFAKE-LINE error: forged\u001b[2J');
  for (let i = 0; i < 60; i++) event('AAAAAAAAAAA');
  await c.next((m) => m.ack === seq);

  // Re-attach from another socket (logs "re-attached" with the session's
  // name), then a message over the size limit closes it (logs its reason).
  c.ws.close();
  await c.closed;
  const d = connect(wsUrl(server));
  await d.opened;
  d.ws.send(JSON.stringify({ ...JSON.parse(HELLO), resume: { session, secret: tree.secret, token: tree.token } }));
  await d.next((m) => m.type === 'layout-update' && m.start === 'reattached');
  d.ws.send('x'.repeat((1 << 20) + 10));
  assert.equal((await d.closed).code, 1009);
  const log = await server.waitStderr(/message too large/);

  const lines = log.split('\n');
  assert.ok(log.includes('x\\nFAKE-LINE error: forged\\x1b[2J'), log);
  assert.equal(lines.filter((l) => l.startsWith('FAKE-LINE')).length, 0, 'a forged line');
  assert.ok(!log.includes('\u001b'), 'a raw escape character reached the log');
  const stale = lines.filter((l) => l.includes('stale handler'));
  assert.ok(stale.length >= 1 && stale.length <= 20, `${stale.length} stale-handler lines`);
  assert.doesNotMatch(log, /0x[0-9a-f]{6,}/, 'a heap pointer in the log');
  assert.ok(!log.includes(session), 'the session id in the log');
  assert.ok(!log.includes(tree.secret), 'the session secret in the log');
  const reattached = lines.find((l) => l.includes('re-attached'));
  assert.match(reattached, /session [0-9a-f]{8}: re-attached/);
  assert.match(log, /session [0-9a-f]{8}: message too large/);
  await server.stop(2000);
});
