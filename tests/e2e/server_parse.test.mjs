// Hostile message shapes against a real server (protocol level, npm ws): a
// message the review found quadratic (a 40,000-key object in a
// layout-event's data) and one over the value cap must not hold up another
// connection's clicks. Ordering, not time: B's click is answered, and A's
// message is either applied (acknowledged) or refused (error, close 1008),
// with the server alive for a third connection. Linear cost itself is
// checked by tests/unit/test_message_limits.c (work counted) and measured
// by bench/parse.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startExample } from './lib/server.mjs';
import { HELLO, connect, wsUrl } from './lib/raw.mjs';

/** Opens a socket, says hello and resolves once the first tree arrived.
 * next() waits up to 30 s: a barrier, bounded only so a hang fails. */
async function session(server) {
  const c = connect(wsUrl(server), { maxPayload: 0 });
  await c.opened;
  c.ws.send(HELLO);
  const next = (pred) => c.next(pred, 30000);
  const first = await next((m) => m.type === 'layout-update');
  return { ws: c.ws, closed: c.closed, next, click: clickTarget(first.model) };
}

/** The first onClick handler id in a model. */
function clickTarget(model) {
  if (!model || typeof model !== 'object') return null;
  if (model.eventHandlers && model.eventHandlers.onClick) return model.eventHandlers.onClick.target;
  for (const c of model.children || []) {
    const t = clickTarget(c);
    if (t) return t;
  }
  return null;
}

/** A's outcome: its event acknowledged, or an error and close 1008. */
function outcome(a, seq) {
  return Promise.race([
    a.next((m) => m.type === 'patch' && m.ack === seq).then(() => 'applied'),
    a.next((m) => m.type === 'error').then(async (e) => {
      assert.equal((await a.closed).code, 1008);
      return `refused: ${e.message}`;
    }),
  ]);
}

for (const [what, data, expected] of [
  ['a 40,000-key object', () => {
    const o = {};
    for (let i = 0; i < 40000; i++) o[`k${String(i).padStart(5, '0')}`] = i;
    return [o];
  }, /^applied$/],
  ['100,001 values (over the cap)', () => new Array(100001 - 5).fill(0),
   /^refused: message has more than 100000 values$/],
]) {
  test(`${what} on one connection does not hold up another's clicks`, async (t) => {
    const server = await startExample('counter', { args: ['--max-message', String(4 << 20)] });
    t.after(() => server.kill());
    const a = await session(server);
    const b = await session(server);
    assert.ok(a.click && b.click, 'the counter renders a button with onClick');
    a.ws.send(JSON.stringify({ type: 'layout-event', target: a.click, data: data(), seq: 1 }));
    b.ws.send(JSON.stringify({ type: 'layout-event', target: b.click, data: [{}], seq: 1 }));
    const ackB = await b.next((m) => m.type === 'patch' && m.ack === 1);
    assert.ok(ackB.ops.length > 0, 'B\'s click changed its counter');
    assert.match(await outcome(a, 1), expected);
    // A later click of B's is answered too, and a new connection is served.
    b.ws.send(JSON.stringify({ type: 'layout-event', target: b.click, data: [{}], seq: 2 }));
    await b.next((m) => m.type === 'patch' && m.ack === 2);
    const c = await session(server);
    assert.ok(c.click);
    for (const s of [a, b, c]) s.ws.close();
    await server.stop(2000);
  });
}
