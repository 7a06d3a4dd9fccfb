// Per-address caps: one client address may hold --max-per-address live
// WebSockets and open --new-per-address per second (twice that at once);
// past either the upgrade gets 429 and other addresses are not affected.
// The address is the one a trusted proxy forwards (X-Forwarded-For from
// --trusted-proxy 127.0.0.1), so the test stands in for clients of many
// machines; loopback itself is exempt by default.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startExample } from './lib/server.mjs';
import { HELLO, connect, wsUrl } from './lib/raw.mjs';

const from = (addr) => ({ headers: { 'X-Forwarded-For': addr } });

/** A started session from addr (its tree received). */
async function session(server, addr) {
  const c = connect(wsUrl(server), addr ? from(addr) : undefined);
  await c.opened;
  c.ws.send(HELLO);
  await c.next((m) => m.type === 'layout-update');
  return c;
}

async function refused(server, addr) {
  const c = connect(wsUrl(server), from(addr));
  await assert.rejects(c.opened, /429/);
}

test('live connections per address', async (t) => {
  const server = await startExample('counter', {
    args: ['--trusted-proxy', '127.0.0.1', '--max-per-address', '2', '--new-per-address', '1000'] });
  t.after(() => server.kill());
  const a = [await session(server, '203.0.113.5'), await session(server, '203.0.113.5')];
  await refused(server, '203.0.113.5');
  const other = await session(server, '203.0.113.6');        // another address: fine
  // Loopback (no forwarded address) is exempt: more than two.
  const local = [await session(server), await session(server), await session(server)];
  // A connection that closes gives its place back (the close seen by the
  // server before the next upgrade: wait for it, then try).
  a[0].ws.close();
  await a[0].closed;
  let back = null;
  for (let tries = 0; tries < 50 && !back; tries++) {
    back = await session(server, '203.0.113.5').catch(() => null);
    if (!back) await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(back, 'the place of a closed connection never came back');
  for (const c of [a[1], other, back, ...local]) c.ws.close();
  const log = server.stderr();
  assert.match(log, /refused a WebSocket from 203\.0\.113\.5: too many connections from this address: 429/);
  await server.stop(2000);
});

test('new connections per second per address', { timeout: 60000 }, async (t) => {
  // One every 100 s, one at once: the second is refused (unless the test
  // took 100 s between them, which its own timeout rules out).
  const server = await startExample('counter', {
    args: ['--trusted-proxy', '127.0.0.1', '--new-per-address', '0.01'] });
  t.after(() => server.kill());
  const ok = [await session(server, '198.51.100.7')];
  await refused(server, '198.51.100.7');
  const other = await session(server, '198.51.100.8');
  for (const c of [...ok, other]) c.ws.close();
  await server.stop(2000);
});
