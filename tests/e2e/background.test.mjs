// Background work, against tests/e2e/apps/background.c with raw WebSocket
// clients: a thread's post to a session handle is delivered while the
// session lives and refused (a defined no-op, reported) once it slept and
// went; a tab that stops reading while a store changes 1,000 times a second
// (an app-wide timer) stays connected and converges on the latest value
// instead of filling its output queue; and --workers 2 with stores is
// refused at start unless they are declared process-local.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startExample, testAppBinary } from './lib/server.mjs';
import { HELLO, connect, handlerTarget as target, wsUrl } from './lib/raw.mjs';

const start = (args = []) => startExample('background', { bin: testAppBinary('background'), args });

/** Resolves with the first message of c whose JSON holds text; unlike
 * raw.mjs' next, its timer is cleared when it resolves (a 30 s wait would
 * otherwise keep the test process alive). */
function says(c, text, ms) {
  const has = (m) => JSON.stringify(m).includes(text);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message with ${text} within ${ms} ms`)), ms);
    let seen = 0; // each message is looked at once
    const poll = () => {
      for (; seen < c.messages.length; seen++) {
        if (!has(c.messages[seen])) continue;
        clearTimeout(timer);
        resolve(c.messages[seen]);
        return true;
      }
      return false;
    };
    if (!poll()) c.ws.on('message', function onMessage() { if (poll()) c.ws.off('message', onMessage); });
  });
}

/** A started raw client: its socket, its first tree, and click(id). */
async function open(server) {
  const c = connect(wsUrl(server));
  await c.opened;
  c.ws.send(HELLO);
  const tree = await c.next((m) => m.type === 'layout-update');
  let seq = 0;
  c.click = (id) => {
    seq++;
    c.ws.send(JSON.stringify({ type: 'layout-event', target: target(tree.model, id), data: [{}], seq }));
    return seq;
  };
  c.says = (text, ms = 5000) => says(c, text, ms);
  return c;
}

test('a post to a live session is delivered; to a session gone asleep it is refused', async (t) => {
  const server = await start();
  t.after(() => server.kill());

  // Tab A starts job 1, then goes to sleep (idle): its session is freed
  // at close, its state living only in its token.
  const a = await open(server);
  const seq = a.click('job');
  await a.next((m) => m.ack === seq);
  a.ws.send(JSON.stringify({ type: 'sleep' }));
  a.ws.close();
  await a.closed;

  // Tab B releases job 1: the thread's post finds no session and says so.
  const b = await open(server);
  b.click('release');
  await b.says('1:gone');

  // Tab B's own job 2: delivered, and the post set B's slot.
  b.click('job');
  b.click('release');
  await b.says('job 2 done');
  await b.says('2:delivered');
  b.ws.close();
  await b.closed;
  await server.stop(3000);
});

test('a tab that stops reading under a store changing 1,000 times a second stays connected and converges', async (t) => {
  // A small output-queue cap: every one of the 3,000 patches (4 KB each)
  // queued for the stalled tab would pass it many times over.
  const server = await start(['--max-queued', '262144']);
  t.after(() => server.kill());
  const fast = await open(server);
  const slow = await open(server);
  let slowClosed = false;
  slow.closed.then(() => { slowClosed = true; });
  const from = slow.messages.length;
  slow.ws._socket.pause(); // stops reading: the kernel buffers fill, then ours would

  fast.click('burst');
  await fast.says('n=3000 ', 30000); // the server made every change meanwhile

  slow.ws._socket.resume();
  await slow.says('n=3000 ', 15000); // the latest state arrives
  // And the connection is still the same one: a ping is answered on it.
  slow.ws.send(JSON.stringify({ type: 'ping' }));
  await slow.next((m) => m.type === 'pong', 5000);
  assert.equal(slowClosed, false);
  const patches = slow.messages.slice(from).filter((m) => m.type === 'patch').length;
  assert.ok(patches < 3000, `the slow tab got ${patches} patches for 3,000 changes`);
  t.diagnostic(`slow tab: ${patches} patches for 3,000 changes`);
  assert.doesNotMatch(server.stderr(), /output queue full/);
  fast.ws.close();
  slow.ws.close();
  await server.stop(3000);
});

test('a store changing 1,000 times a second renders a watching tab at most once per --render-interval', async (t) => {
  const INTERVAL = 50;
  const server = await start(['--render-interval', String(INTERVAL)]);
  t.after(() => server.kill());
  const clicker = await open(server);
  const watcher = await open(server);
  const from = watcher.messages.length;
  const began = performance.now();
  clicker.click('burst');
  await watcher.says('n=3000 ', 30000); // converges on the latest state
  const elapsed = performance.now() - began;
  // Renders not owed to the tab's own events are spaced by the interval on
  // the server; every one the watcher got was sent between the click and
  // the last one's arrival, so at most elapsed / interval + 1 of them (+1
  // for the render the click itself may cause on every tab).
  const patches = watcher.messages.slice(from).filter((m) => m.type === 'patch').length;
  t.diagnostic(`watcher: ${patches} patches for 3,000 changes in ${Math.round(elapsed)} ms`);
  assert.ok(patches <= Math.floor(elapsed / INTERVAL) + 2,
    `${patches} patches in ${Math.round(elapsed)} ms: more than one per ${INTERVAL} ms`);
  clicker.ws.close();
  watcher.ws.close();
  await server.stop(3000);
});

test('--workers 2 with stores is refused at start, naming the fix; process-local stores start', async (t) => {
  await assert.rejects(start(['--workers', '2']), (e) => {
    assert.match(e.message, /exited \(code 1/);
    assert.match(e.message, /refusing to start 2 workers: store "\w+" would not be shared/);
    assert.match(e.message, /--workers 1/);
    assert.match(e.message, /rc_store_set_local\(store, true\)/);
    return true;
  });
  const server = await start(['--workers', '2', '--local-stores']);
  t.after(() => server.kill());
  const c = await open(server);
  c.click('burst');
  await c.says('n=1 '); // the app-wide timer runs in the worker
  c.ws.close();
  await server.stop(5000);
});
