// A component that fails shows an error element in place, and the rest of
// the page keeps working. What the browser is told about the failure: by
// default a generic message (the expression and file:line would show a
// stranger the app's source); the details always go to the server log, and
// to the page only with --show-errors yes (or under reactc-dev). Raw
// WebSocket client against tests/e2e/apps/faulty.c.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startExample, testAppBinary } from './lib/server.mjs';
import { HELLO, connect, handlerTarget as target, wsUrl } from './lib/raw.mjs';

const GENERIC = 'This part of the page failed to render.';

/** Breaks the part, then clicks +1: returns every message text after the
 * break and the server's log once the +1 is acknowledged. */
async function breakThePart(server) {
  const c = connect(wsUrl(server));
  await c.opened;
  c.ws.send(HELLO);
  const tree = await c.next((m) => m.type === 'layout-update');
  const from = c.messages.length;
  c.ws.send(JSON.stringify({ type: 'layout-event', target: target(tree.model, 'break'), data: [{}], seq: 1 }));
  c.ws.send(JSON.stringify({ type: 'layout-event', target: target(tree.model, 'increment'), data: [{}], seq: 2 }));
  await c.next((m) => m.ack === 2);
  const text = c.messages.slice(from).map((m) => JSON.stringify(m)).join('\n');
  c.ws.close();
  await c.closed;
  return text;
}

test('by default the page gets a generic message; the log gets the details', async (t) => {
  const server = await startExample('faulty', { bin: testAppBinary('faulty') });
  t.after(() => server.kill());
  const sent = await breakThePart(server);
  assert.ok(sent.includes(GENERIC), sent);
  assert.doesNotMatch(sent, /assertion failed|faulty\.c|p->broken/);
  assert.match(sent, /"1"/);                                        // +1 still applied
  await server.waitStderr(/assertion failed: !p->broken \(.*faulty\.c:\d+\)/);
  await server.stop(2000);
});

test('--show-errors yes: the page gets the details', async (t) => {
  const server = await startExample('faulty', { bin: testAppBinary('faulty'), args: ['--show-errors', 'yes'] });
  t.after(() => server.kill());
  const sent = await breakThePart(server);
  assert.match(sent, /assertion failed: !p->broken \(.*faulty\.c:\d+\)/);
  assert.ok(!sent.includes(GENERIC));
  await server.stop(2000);
});
