// Unfinished messages: a client that sends the first frames of a message and
// never the last one. Each connection's message is bounded by --max-message;
// together they are bounded by the process's --max-partial (the connection
// that would pass it is closed with 1009, the others keep working), and a
// message begun must end within --message-timeout (else 1008). Raw
// WebSocket clients (npm ws sends non-final frames with {fin: false}).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { startExample } from './lib/server.mjs';
import { HELLO, connect, wsUrl } from './lib/raw.mjs';

function rssKiB(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
}

/** A started reactc session (its first tree received). */
async function session(server) {
  const c = connect(wsUrl(server));
  await c.opened;
  c.ws.send(HELLO);
  await c.next((m) => m.type === 'layout-update');
  return c;
}

/** Sends a non-final frame and waits until the server has taken it: a
 * ping's pong comes back after the server read everything sent before. */
async function sendPartial(c, bytes) {
  await new Promise((resolve, reject) => c.ws.send(bytes, { fin: false }, (e) => (e ? reject(e) : resolve())));
  await new Promise((resolve) => { c.ws.once('pong', resolve); c.ws.ping(); });
}

test('unfinished messages of many connections stay within --max-partial', { timeout: 60000 }, async (t) => {
  const server = await startExample('counter', {
    args: ['--max-message', '1000000', '--max-partial', '2000000', '--message-timeout', '60'] });
  t.after(() => server.kill());
  const rssBefore = rssKiB(server.proc.pid);
  const chunk = Buffer.alloc(300000, 'x');
  const held = [];
  // Six connections of 300 KB each fit in 2,000,000 bytes; the seventh does not.
  for (let i = 0; i < 6; i++) {
    const c = await session(server);
    await sendPartial(c, chunk);
    held.push(c);
  }
  const over = await session(server);
  over.ws.send(chunk, { fin: false });
  const closed = await over.closed;
  assert.equal(closed.code, 1009);
  const err = await over.next((m) => m.type === 'error');
  assert.match(err.message, /unfinished messages over 2000000 bytes/);
  // Those within the budget are still open, and new sessions are served.
  const fresh = await session(server);
  fresh.ws.close();
  await fresh.closed;
  for (const c of held) assert.equal(c.ws.readyState, 1, 'a connection within the budget was closed');
  // A connection that goes away gives its share back: the next one fits.
  held[0].ws.terminate();
  await held[0].closed;
  let fits = null;
  for (let tries = 0; tries < 50 && !fits; tries++) {
    const c = await session(server);
    c.ws.send(chunk, { fin: false });
    const r = await Promise.race([c.closed, new Promise((res) => {
      c.ws.once('pong', () => res('pong'));
      c.ws.ping();
    })]);
    if (r === 'pong') fits = c;
    else await new Promise((res) => setTimeout(res, 20)); // the close of held[0] not yet seen
  }
  assert.ok(fits, 'the share of a closed connection never came back');
  const grew = rssKiB(server.proc.pid) - rssBefore;
  assert.ok(grew < 16 * 1024, `server grew by ${grew} KiB`);
  for (const c of [...held.slice(1), fits]) c.ws.terminate();
  await server.stop(2000);
});

test('a message begun must end within --message-timeout', { timeout: 60000 }, async (t) => {
  const server = await startExample('counter', { args: ['--message-timeout', '1'] });
  t.after(() => server.kill());
  const c = await session(server);
  await sendPartial(c, Buffer.from('{"type":"layout-event",'));
  const closed = await c.closed;
  assert.equal(closed.code, 1008);
  const err = await c.next((m) => m.type === 'error');
  assert.match(err.message, /message not finished within 1000 ms/);
  // The server is fine for everyone else.
  const d = await session(server);
  d.ws.close();
  await d.closed;
  await server.stop(2000);
});
