// The compact model against a real server (docs/protocol.md "The compact
// model"): a hello with "compact" among its extensions gets its models in
// the compact form, one without gets VDOM JSON as before, and the two say
// the same tree: the first trees and the patches of the same events,
// decoded with lib/compact.mjs (written from the protocol's text), are the
// VDOM JSON ones. The form belongs to the connection: a tab that comes
// back with the other one gets its re-attached tree in that form. Raw
// WebSocket clients; the client's own reading of it is every browser test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { startExample } from './lib/server.mjs';
import { HELLO, connect, handlerTarget, wsUrl } from './lib/raw.mjs';
import { fromCompact } from './lib/compact.mjs';

const SECRET = 'b64:' + randomBytes(32).toString('base64');
const VDOM_HELLO = JSON.parse(HELLO);
const COMPACT_HELLO = { ...VDOM_HELLO, extensions: [...VDOM_HELLO.extensions, 'compact'] };

async function open(server, hello) {
  const c = connect(wsUrl(server));
  await c.opened;
  c.ws.send(JSON.stringify(hello));
  const tree = await c.next((m) => m.type === 'layout-update');
  return { c, tree };
}

/** VDOM JSON writes "children": [] for an element whose components render
 * nothing; the compact form has no children there. */
function normal(m) {
  if (typeof m === 'string') return m;
  const out = { ...m };
  if (out.children) out.children = out.children.map(normal);
  if (out.tagName !== '' && out.children && !out.children.length) delete out.children;
  return out;
}

/** A patch's ops with the models of insert and replace ops decoded. */
const decodeOps = (ops) => ops.map((op) => {
  const at = op[0] === 'i' ? 3 : op[0] === 'p' ? 4 : -1;
  return at < 0 ? op : [...op.slice(0, at), op[at].map(fromCompact)];
});
const normalOps = (ops) => ops.map((op) => {
  const at = op[0] === 'i' ? 3 : op[0] === 'p' ? 4 : -1;
  return at < 0 ? op : [...op.slice(0, at), op[at].map(normal)];
});

test('a hello asking for "compact" gets the same trees and patches in the compact form', async (t) => {
  const server = await startExample('todo', { env: { REACTC_SECRET: SECRET } });
  t.after(() => server.kill());
  const v = await open(server, VDOM_HELLO);
  const k = await open(server, COMPACT_HELLO);
  assert.equal(v.tree.model.tagName, '', 'no "compact": VDOM JSON, as before');
  assert.ok(Array.isArray(k.tree.model), 'compact: an array');
  assert.deepEqual(fromCompact(k.tree.model), normal(v.tree.model));
  const vBytes = JSON.stringify(v.tree.model).length, kBytes = JSON.stringify(k.tree.model).length;
  assert.ok(kBytes < vBytes * 0.75, `compact ${kBytes} bytes, VDOM JSON ${vBytes}`);

  // Three items added, one toggled and one deleted: insert ops with keyed
  // items, handlers with and without flags, attribute and text changes.
  const draft = handlerTarget(v.tree.model, 'new-todo', 'onChange');
  const submit = handlerTarget(v.tree.model, 'new-todo-form', 'onSubmit');
  assert.ok(draft && submit);
  const events = [];
  for (const text of ['milk', 'eggs <b>&</b> "bread"', 'tea']) {
    events.push([draft, { value: text }], [submit, {}]);
  }
  let seq = 0;
  const patches = { v: [], k: [] };
  for (const [target, data] of events) {
    seq++;
    for (const [side, conn] of [['v', v.c], ['k', k.c]]) {
      conn.ws.send(JSON.stringify({ type: 'layout-event', target, data: [data], seq }));
      patches[side].push(await conn.next((m) => m.type === 'patch' && m.ack === seq));
    }
  }
  // The items' own checkbox and delete button, from the inserted models
  // (their ids are the same in both forms).
  const inserted = JSON.stringify(patches.k.flatMap((p) => p.ops).filter((op) => op[0] === 'i' || op[0] === 'p'));
  assert.ok(inserted.includes('"eggs <b>&</b> \\"bread\\""'), inserted);
  const ids = [...inserted.matchAll(/"on(?:Change|Click)":(?:"([\w-]{11})"|\["([\w-]{11})",\d\])/g)].map((m) => m[1] || m[2]);
  assert.ok(ids.length >= 6, 'handlers of the items: ' + inserted);
  for (const id of ids.slice(-2)) {
    seq++;
    for (const [side, conn] of [['v', v.c], ['k', k.c]]) {
      conn.ws.send(JSON.stringify({ type: 'layout-event', target: id, data: [{}], seq }));
      patches[side].push(await conn.next((m) => m.type === 'patch' && m.ack === seq));
    }
  }
  const inserts = patches.k.flatMap((p) => p.ops).filter((op) => op[0] === 'i' || op[0] === 'p');
  assert.ok(inserts.length >= 3, 'insert ops were compared');
  assert.ok(inserts.every((op) => op[op[0] === 'i' ? 3 : 4].every((m) => typeof m === 'string' || Array.isArray(m))));
  for (let i = 0; i < patches.v.length; i++)
    assert.deepEqual(decodeOps(patches.k[i].ops), normalOps(patches.v[i].ops), `patch ${i}`);
  v.c.ws.close();
  k.c.ws.close();
  await server.stop(2000);
});

test('the form is the connection\'s: a re-attached tab gets what its new hello asks for', async (t) => {
  const server = await startExample('counter', { env: { REACTC_SECRET: SECRET } });
  t.after(() => server.kill());
  for (const [first, second] of [[VDOM_HELLO, COMPACT_HELLO], [COMPACT_HELLO, VDOM_HELLO]]) {
    const a = await open(server, first);
    const { session, secret, token } = a.tree;
    assert.ok(token, 'a token in the first tree');
    a.c.ws.close();
    await a.c.closed;
    const b = await open(server, { ...second, resume: { session, secret, token } });
    assert.equal(b.tree.start, 'reattached');
    assert.equal(Array.isArray(b.tree.model), second === COMPACT_HELLO);
    const other = second === COMPACT_HELLO ? fromCompact(b.tree.model) : normal(b.tree.model);
    const mine = first === COMPACT_HELLO ? fromCompact(a.tree.model) : normal(a.tree.model);
    assert.deepEqual(other, mine, 'the same tree');
    b.c.ws.close();
    await b.c.closed;
  }
  await server.stop(2000);
});
