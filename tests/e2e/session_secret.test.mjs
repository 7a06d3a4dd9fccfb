// Re-attach needs proof of possession (docs/security.md, Sessions): a
// detached session held by the process goes back only to a hello that
// presents its secret and, while the session issues tokens, a token that
// opens for it. An id alone, a garbage or tampered token, or a wrong secret
// get a fresh session (or, with a valid token, a copy under a new id) and
// leave the held session to its tab. Raw WebSocket clients; no browser.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { startExample, testAppBinary } from './lib/server.mjs';
import { HELLO, connect, wsUrl } from './lib/raw.mjs';

const SECRET = 'b64:' + randomBytes(32).toString('base64');

/** Opens a socket, sends `resume` (or none) in its hello, returns the
 * socket, its first tree and the resume-failed before it (if any). */
async function hello(server, resume) {
  const c = connect(wsUrl(server));
  await c.opened;
  c.ws.send(JSON.stringify(resume ? { ...JSON.parse(HELLO), resume } : JSON.parse(HELLO)));
  const tree = await c.next((m) => m.type === 'layout-update');
  const failed = c.messages.find((m) => m.type === 'resume-failed');
  return { c, tree, failed };
}

/** Clicks the counter n times and waits until a token holds the last
 * (token_seq; a session without tokens says so with its ack). */
async function click(c, tree, n) {
  const target = tree.model.children[0].children[0].eventHandlers.onClick.target;
  const from = tree.ack;
  for (let seq = from + 1; seq <= from + n; seq++)
    c.ws.send(JSON.stringify({ type: 'layout-event', target, data: [{}], seq }));
  await c.next((m) => m.token_seq === from + n);
}

const count = (tree) => tree.model.children[0].children[1].children[0];

/** Closes the socket; its 'close' comes after the server's FIN, which lws
 * sends after its close callback: the session is detached by then. */
async function leave(c) {
  c.ws.close();
  await c.closed;
}

/** A hostile hello must start fresh (resume-failed, a new id, count 0). */
async function refused(server, resume, session, what) {
  const { c, tree, failed } = await hello(server, resume);
  assert.equal(tree.start, 'new', what);
  assert.ok(failed, `${what}: resume-failed`);
  assert.notEqual(tree.session, session, what);
  assert.equal(count(tree), '0', what);
  await leave(c);
}

/** The token with one character in its sealed part changed. */
function tampered(token) {
  const at = Math.floor(token.length * 2 / 3);
  return token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
}

test('re-attach needs the secret and a token that opens; the id alone gets a fresh session', async (t) => {
  const server = await startExample('counter', { env: { REACTC_SECRET: SECRET } });
  t.after(() => server.kill());
  const a = await hello(server);
  const { session, secret } = a.tree;
  await click(a.c, a.tree, 3);
  const token = a.c.messages.findLast((m) => typeof m.token === 'string').token;
  await leave(a.c);

  await refused(server, { session }, session, 'id only');
  await refused(server, { session, token: 'garbage' }, session, 'garbage token');
  await refused(server, { session, token: tampered(token) }, session, 'tampered token');
  await refused(server, { session, secret }, session, 'secret but no token');
  await refused(server, { session, secret, token: 'garbage' }, session, 'secret, garbage token');
  await refused(server, { session, secret, token: tampered(token) }, session, 'secret, tampered token');
  await refused(server, { session, secret: secret.slice(1) }, session, 'malformed secret');
  assert.match(secret, /^[A-Za-z0-9_-]{43}$/, '32 random bytes in base64url');

  // A valid token without the secret (a copied token) resumes the state
  // into a new session with its own secret; the held one stays held.
  for (const wrong of [undefined, 'A'.repeat(43)]) {
    const copy = await hello(server, { session, token, ...(wrong ? { secret: wrong } : {}) });
    assert.equal(copy.tree.start, 'resumed');
    assert.notEqual(copy.tree.session, session);
    assert.notEqual(copy.tree.secret, secret);
    assert.equal(count(copy.tree), '3');
    await leave(copy.c);
  }

  // The tab itself: back to its session, which none of the above took.
  const back = await hello(server, { session, secret, token });
  assert.equal(back.tree.start, 'reattached');
  assert.equal(back.tree.session, session);
  assert.equal(back.tree.secret, secret, 'a re-attached session keeps its secret');
  assert.equal(back.tree.ack, 3);
  assert.equal(count(back.tree), '3');

  // A duplicated tab (the same storage) while the first is live: a copy,
  // with a session id and a secret of its own.
  const dup = await hello(server, { session, secret, token });
  assert.equal(dup.tree.start, 'resumed');
  assert.notEqual(dup.tree.session, session);
  assert.notEqual(dup.tree.secret, secret);
  await leave(dup.c);
  await leave(back.c);
  const log = await server.waitStderr(/re-attach refused/);
  assert.ok(!log.includes(secret), 'the secret in the log');
  await server.stop(2000);
});

test('a session too big for a token re-attaches with its secret alone, and not without it', async (t) => {
  const server = await startExample('tokens', { bin: testAppBinary('tokens'),
    env: { REACTC_SECRET: SECRET, TEST_MAX_TOKEN: '1' } });
  t.after(() => server.kill());
  const a = await hello(server);
  const { session, secret } = a.tree;
  assert.equal(a.tree.token, undefined, 'no token fits');
  await click(a.c, a.tree, 2);
  await leave(a.c);

  await refused(server, { session }, session, 'id only');
  await refused(server, { session, secret: 'A'.repeat(43) }, session, 'wrong secret');
  await refused(server, { session, token: 'garbage' }, session, 'garbage token, no secret');
  assert.ok(secret);

  const back = await hello(server, { session, secret });
  assert.equal(back.tree.start, 'reattached');
  assert.equal(back.tree.session, session);
  assert.equal(back.tree.ack, 2);
  assert.equal(count(back.tree), '2');
  await leave(back.c);
  await server.stop(2000);
});

test('a session resumed in another process gets a new secret; the old one re-attaches nothing', async (t) => {
  const env = { REACTC_SECRET: SECRET };
  let server = await startExample('counter', { env });
  t.after(() => server.kill());
  const a = await hello(server);
  const { session, secret, token } = a.tree;
  a.c.ws.terminate();
  const port = server.port;
  await server.kill();
  server = await startExample('counter', { env, port });

  const moved = await hello(server, { session, secret, token });
  assert.equal(moved.tree.start, 'resumed');
  assert.equal(moved.tree.session, session, 'the id is free here: kept');
  assert.notEqual(moved.tree.secret, secret, 'a new process, a new secret');
  await leave(moved.c);

  // The old secret proves nothing here: the token resumes a copy instead.
  const old = await hello(server, { session, secret, token: moved.tree.token });
  assert.equal(old.tree.start, 'resumed');
  assert.notEqual(old.tree.session, session);
  await leave(old.c);
  const back = await hello(server, { session, secret: moved.tree.secret, token: moved.tree.token });
  assert.equal(back.tree.start, 'reattached');
  await leave(back.c);
  await server.stop(2000);
});
