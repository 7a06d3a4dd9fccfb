// The reactc client against a fake server, without the C server: hello,
// building the DOM, every patch op, events, controlled inputs, reconnection.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, newPage } from './lib/browser.mjs';
import { startFakeServer } from './lib/fake-server.mjs';
import { until } from './lib/wire.mjs';

let browser;
let fake;

const CUSTOM_PAGE =
  '<!doctype html><html><head><meta charset="utf-8"></head><body>' +
  '<main data-reactc-mount data-reactc-url="/alt/stream"></main><script src="/reactc.js"></script></body></html>';

before(async () => {
  [browser, fake] = await Promise.all([
    launchBrowser(),
    startFakeServer({ pages: { '/t/custom': CUSTOM_PAGE }, wsPaths: ['/_reactc/stream', '/alt/stream'] }),
  ]);
});

after(async () => {
  await browser?.close();
  await fake?.close();
});

/** Opens `pathname` in a new page and returns it with its connection. */
async function open(pathname, search = '', init) {
  const { page, errors } = await newPage(browser.context);
  if (init) await page.addInitScript(init);
  const conn = fake.connection(pathname);
  await page.goto(fake.url + pathname + search);
  return { page, errors, peer: await conn };
}

const el = (tagName, attributes, children, extra) => ({ tagName, attributes, children, ...extra });
const on = (target, preventDefault = false, stopPropagation = false) => ({ target, preventDefault, stopPropagation });
const rootHtml = (page) => page.$eval('#reactc-root', (r) => r.innerHTML);
/** Sends a patch and waits until the page shows `marker` (set by the last op). */
async function patch(page, peer, ops, ack) {
  const mark = `m${Math.random().toString(36).slice(2)}`;
  peer.sendPatch([...ops, ['a', [], 'data-mark', mark]], ack);
  await page.waitForSelector(`#reactc-root[data-mark="${mark}"]`, { state: 'attached', timeout: 5000 });
}

test('hello carries the location; the mount element shows the connection state', async () => {
  const { page, peer, errors } = await open('/t/hello', '?filter=open&n=1');
  assert.deepEqual(peer.hello, {
    type: 'hello', version: 1, extensions: ['patch', 'seq', 'compact'],
    location: { pathname: '/t/hello', search: '?filter=open&n=1' },
  });
  await page.waitForSelector('#reactc-root.rc-connected', { state: 'attached' });
  assert.equal(await page.$eval('#reactc-root', (r) => r.className), 'rc-connected');
  // An error message is logged, not rendered.
  peer.send({ type: 'error', message: 'message too large (limit 1048576 bytes)' });
  await until(() => errors.some((e) => e.includes('message too large')), 'the error to be logged');
  await page.close();
});

test('a root layout-update builds the DOM from the model', async () => {
  const { page, peer, errors } = await open('/t/root');
  peer.sendRoot([
    el('h1', { class: 'title', id: 't' }, ['Hello ', 'world']),
    el('input', { type: 'checkbox', id: 'c1', checked: '' }),
    el('input', { type: 'checkbox', id: 'c2', checked: 'false' }),
    el('input', { id: 'txt', value: 'abc', disabled: '' }),
    el('select', { id: 'sel', value: 'b' }, [el('option', { value: 'a' }, ['A']), el('option', { value: 'b' }, ['B'])]),
    el('svg', { width: '10', height: '10', viewBox: '0 0 10 10' }, [
      el('circle', { cx: '5', cy: '5', r: '4' }),
      el('foreignObject', {}, [el('p', {}, ['html again'])]),
    ]),
    { tagName: '', error: 'boom <b>' },
    el('div', { id: 'styled', style: 'color: red' }, []),
    // a fragment is transparent
    { tagName: '', children: ['tail'] },
  ]);
  await page.waitForSelector('#styled', { state: 'attached' });
  const dom = await page.evaluate(() => {
    const $ = (s) => document.querySelector(s);
    const root = $('#reactc-root');
    return {
      h1: $('#t').outerHTML,
      h1Texts: $('#t').childNodes.length,
      c1: $('#c1').checked,
      c2: $('#c2').checked,
      txt: $('#txt').value,
      txtDisabled: $('#txt').disabled,
      sel: $('#sel').value,
      svgNs: $('svg').namespaceURI,
      circleNs: $('circle').namespaceURI,
      viewBox: $('svg').getAttribute('viewBox'),
      pNs: $('foreignObject p').namespaceURI,
      error: $('pre.rc-error')?.textContent,
      color: getComputedStyle($('#styled')).color,
      count: root.childNodes.length,
      last: root.lastChild.nodeValue,
    };
  });
  assert.deepEqual(dom, {
    h1: '<h1 class="title" id="t">Hello world</h1>',
    h1Texts: 2,
    c1: true,
    c2: false,
    txt: 'abc',
    txtDisabled: true,
    sel: 'b',
    svgNs: 'http://www.w3.org/2000/svg',
    circleNs: 'http://www.w3.org/2000/svg',
    viewBox: '0 0 10 10',
    pNs: 'http://www.w3.org/1999/xhtml',
    error: 'boom <b>',
    color: 'rgb(255, 0, 0)',
    count: 9,
    last: 'tail',
  });
  assert.deepEqual(errors, []);
  await page.close();
});

test('patches apply every op, in order, with indices as the protocol defines', async () => {
  const { page, peer, errors } = await open('/t/ops');
  const li = (k) => el('li', { id: `li-${k}` }, [k], { key: k });
  peer.sendRoot([el('ul', { id: 'list' }, ['a', 'b', 'c', 'd', 'e'].map(li)), el('p', { id: 'p' }, ['text'])]);
  await page.waitForSelector('#li-e', { state: 'attached' });
  const items = () => page.$eval('#list', (u) => Array.from(u.childNodes, (n) => n.textContent));

  // move: both indices counted before the move
  await patch(page, peer, [['m', [0], 0, 2, 4]]);
  assert.deepEqual(await items(), ['c', 'd', 'a', 'b', 'e']);
  await patch(page, peer, [['m', [0], 4, 1, 0]]);
  assert.deepEqual(await items(), ['e', 'c', 'd', 'a', 'b']);
  await patch(page, peer, [['m', [0], 1, 2, 5]]); // before = child count: to the end
  assert.deepEqual(await items(), ['e', 'a', 'b', 'c', 'd']);
  await patch(page, peer, [['m', [0], 1, 1, 2]]); // before the next one: stays
  assert.deepEqual(await items(), ['e', 'a', 'b', 'c', 'd']);

  // insert: index = child count appends; several models, text among them
  await patch(page, peer, [['i', [0], 5, [li('f')]]]);
  assert.deepEqual(await items(), ['e', 'a', 'b', 'c', 'd', 'f']);
  await patch(page, peer, [['i', [0], 0, [li('z'), 'loose text']]]);
  assert.deepEqual(await items(), ['z', 'loose text', 'e', 'a', 'b', 'c', 'd', 'f']);

  // remove
  await patch(page, peer, [['d', [0], 0, 2]]);
  assert.deepEqual(await items(), ['e', 'a', 'b', 'c', 'd', 'f']);

  // replace, with an error model
  await patch(page, peer, [['p', [0], 1, 2, [{ tagName: '', error: 'assertion failed: n > 0 (app.c:12)' }]]]);
  assert.deepEqual(await items(), ['e', 'assertion failed: n > 0 (app.c:12)', 'c', 'd', 'f']);
  assert.equal(await page.$eval('#list > pre', (p) => p.className), 'rc-error');

  // set text, set and remove attributes
  await patch(page, peer, [
    ['t', [0, 0, 0], 'E!'],
    ['a', [0, 0], 'class', 'done'],
    ['a', [0, 2], 'data-x', '1'],
    ['r', [0, 2], 'id'],
  ]);
  assert.deepEqual(await items(), ['E!', 'assertion failed: n > 0 (app.c:12)', 'c', 'd', 'f']);
  assert.equal(await page.$eval('#li-e', (e) => e.className), 'done');
  assert.equal(await page.$eval('#list > li[data-x="1"]', (e) => e.id), '');

  // one message, ops in order: each sees the result of the one before
  await patch(page, peer, [
    ['d', [0], 0, 5],
    ['i', [0], 0, [li('1'), li('2'), li('3')]],
    ['m', [0], 2, 1, 0],
    ['t', [0, 0, 0], 'three'],
    ['p', [1], 0, 1, ['new text', el('b', {}, ['bold'])]],
  ]);
  assert.deepEqual(await items(), ['three', '1', '2']);
  assert.equal(await page.$eval('#p', (p) => p.innerHTML), 'new text<b>bold</b>');

  // an insert into svg makes SVG elements; value/checked are properties
  await patch(page, peer, [
    ['i', [], 2, [el('svg', {}, []), el('input', { id: 'cb', type: 'checkbox' }), el('input', { id: 'tx' })]],
    ['i', [2], 0, [el('rect', { width: '1' })]],
    ['a', [3], 'checked', ''],
    ['a', [4], 'value', 'typed'],
  ]);
  assert.deepEqual(await page.evaluate(() => ({
    rect: document.querySelector('rect').namespaceURI,
    cb: document.querySelector('#cb').checked,
    tx: document.querySelector('#tx').value,
    txAttr: document.querySelector('#tx').hasAttribute('value'),
  })), { rect: 'http://www.w3.org/2000/svg', cb: true, tx: 'typed', txAttr: false });
  await patch(page, peer, [['r', [3], 'checked'], ['a', [4], 'value', '']]);
  assert.deepEqual(await page.evaluate(() => [document.querySelector('#cb').checked, document.querySelector('#tx').value]),
    [false, '']);

  assert.deepEqual(errors, []);
  await page.close();
});

test('handlers: set and removed by ops, bubbling, stopPropagation, preventDefault, seq', async () => {
  const { page, peer, errors } = await open('/t/events');
  peer.sendRoot([
    el('div', { id: 'outer' }, [el('button', { id: 'btn' }, ['go'])], { eventHandlers: { onClick: on('OUTER-CLICK') } }),
    el('a', { id: 'lnk', href: '#jumped' }, ['link'], { eventHandlers: { onClick: on('LINK-CLICK', true) } }),
    el('form', { id: 'f', action: '/t/navigated' }, [
      el('input', { name: 'q', value: 'query' }),
      el('input', { name: 'c', type: 'checkbox', checked: '' }),
      el('input', { name: 'r', type: 'radio', value: 'one' }),
      el('input', { name: 'r', type: 'radio', value: 'two', checked: '' }),
      el('button', { id: 'submit', type: 'submit' }, ['send']),
    ], { eventHandlers: { onSubmit: on('FORM-SUBMIT', true) } }),
  ]);
  await page.waitForSelector('#submit', { state: 'attached' });
  const event = async () => {
    const m = await peer.next();
    assert.equal(m.type, 'layout-event');
    return m;
  };

  // a handler set by an op; the click bubbles to the outer div
  await patch(page, peer, [['h', [0, 0], 'onClick', 'BTN-CLICK', 0]]);
  await page.click('#btn');
  let m = await event();
  assert.equal(m.target, 'BTN-CLICK');
  assert.equal(m.seq, 1);
  const d = m.data[0];
  assert.equal(d.type, 'click');
  assert.deepEqual(d.target, { tagName: 'BUTTON', id: 'btn', name: '', value: '' });
  assert.equal(d.currentTarget.id, 'btn');
  for (const k of ['clientX', 'clientY', 'pageX', 'pageY', 'button', 'buttons', 'altKey', 'ctrlKey', 'metaKey', 'shiftKey']) {
    assert.ok(k in d, `click data has ${k}`);
  }
  m = await event();
  assert.equal(m.target, 'OUTER-CLICK');
  assert.equal(m.seq, 2);
  assert.equal(m.data[0].currentTarget.id, 'outer');
  assert.equal(m.data[0].target.id, 'btn');

  // stopPropagation (flag 2) stops at the button
  await patch(page, peer, [['h', [0, 0], 'onClick', 'BTN-STOP', 2]]);
  await page.click('#btn');
  m = await event();
  assert.deepEqual([m.target, m.seq], ['BTN-STOP', 3]);

  // removed: only the outer handler is left
  await patch(page, peer, [['x', [0, 0], 'onClick']]);
  await page.click('#btn');
  m = await event();
  assert.deepEqual([m.target, m.seq], ['OUTER-CLICK', 4]);
  // Nothing else was sent for that click: the next message is the link's.

  // preventDefault: the link does not navigate
  await page.click('#lnk');
  m = await event();
  assert.deepEqual([m.target, m.seq], ['LINK-CLICK', 5]);
  assert.equal(await page.evaluate(() => location.hash), '');

  // a submit is prevented and carries the form's fields
  await page.evaluate(() => { window.stillHere = true; });
  await page.click('#submit');
  m = await event();
  assert.deepEqual([m.target, m.seq], ['FORM-SUBMIT', 6]);
  assert.equal(m.data[0].type, 'submit');
  assert.deepEqual(m.data[0].elements, { q: 'query', c: true, r: 'two' });
  // Not navigated: a later click still arrives from this page, on this
  // connection (a new page would connect again).
  await page.click('#btn');
  m = await event();
  assert.deepEqual([m.target, m.seq], ['OUTER-CLICK', 7]);
  assert.equal(await page.evaluate(() => window.stillHere), true);
  assert.equal(new URL(page.url()).pathname, '/t/events');

  assert.deepEqual(errors, []);
  await page.close();
});

test('onChange, keyboard, checkbox and non-bubbling events', async () => {
  const { page, peer, errors } = await open('/t/inputs');
  peer.sendRoot([
    el('div', { id: 'box' }, [
      el('input', { id: 'name', name: 'who' }, [], { eventHandlers: { onChange: on('NAME-CHANGE'), onKeyDown: on('NAME-KEY') } }),
      el('input', { id: 'cb', type: 'checkbox' }, [], { eventHandlers: { onChange: on('CB-CHANGE') } }),
      el('span', { id: 'hover' }, ['hover me'], { eventHandlers: { onMouseEnter: on('SPAN-ENTER') } }),
      el('button', { id: 'dbl' }, ['twice'], { eventHandlers: { onDoubleClick: on('DBL') } }),
    ], { eventHandlers: { onFocus: on('BOX-FOCUS'), onMouseEnter: on('BOX-ENTER') } }),
  ]);
  await page.waitForSelector('#dbl', { state: 'attached' });
  const msgs = [];
  const take = async (n) => {
    while (msgs.length < n) msgs.push(await peer.next());
    return msgs.splice(0, n);
  };

  // mouseenter: each element's own handler, once (the mouse then stays inside the box).
  await page.mouse.move(0, 0);
  await page.hover('#hover');
  const enters = await take(2);
  assert.deepEqual(enters.map((x) => x.target).sort(), ['BOX-ENTER', 'SPAN-ENTER']);
  for (const e of enters) assert.equal(e.data[0].target.id, e.data[0].currentTarget.id);

  // Focusing the input does not fire the box's onFocus: focus is exact-target.
  await page.focus('#name');
  await page.keyboard.type('hi');
  const typed = await take(4);
  assert.deepEqual(typed.map((m) => [m.target, m.data[0].type, m.seq]), [
    ['NAME-KEY', 'keydown', 3], ['NAME-CHANGE', 'input', 4], ['NAME-KEY', 'keydown', 5], ['NAME-CHANGE', 'input', 6],
  ]);
  assert.equal(typed[1].data[0].value, 'h');
  assert.equal(typed[3].data[0].value, 'hi');
  assert.deepEqual(typed[3].data[0].target, { tagName: 'INPUT', id: 'name', name: 'who', value: 'hi', checked: false });
  const k = typed[2].data[0];
  assert.deepEqual([k.key, k.code, k.repeat, k.altKey, k.ctrlKey, k.metaKey, k.shiftKey], ['i', 'KeyI', false, false, false, false, false]);

  // A checkbox's onChange is the change event and carries `checked`.
  await page.click('#cb');
  let [m] = await take(1);
  assert.deepEqual([m.target, m.data[0].type, m.data[0].checked], ['CB-CHANGE', 'change', true]);

  await page.dblclick('#dbl');
  [m] = await take(1);
  assert.deepEqual([m.target, m.data[0].type], ['DBL', 'dblclick']);
  // Nothing else for the double click (no click events): the next message
  // is that of a later action.
  await page.click('#cb');
  [m] = await take(1);
  assert.deepEqual([m.target, m.data[0].type, m.data[0].checked], ['CB-CHANGE', 'change', false]);
  assert.deepEqual(errors, []);
  await page.close();
});

// Counts programmatic writes of input values (user typing does not use the setter).
function countValueWrites() {
  const d = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value');
  window.valueWrites = [];
  Object.defineProperty(HTMLInputElement.prototype, 'value', {
    configurable: true,
    get: d.get,
    set(v) {
      window.valueWrites.push([d.get.call(this), v]);
      d.set.call(this, v);
    },
  });
}

/** A server that lags `lag` events behind the client until `flush()`, and
 * answers each event with the value `rule(typed, previous)` and its ack. */
function slowServer(peer, rule, lag = 2) {
  const events = [];
  let answered = 0;
  let value = '';
  let flushing = false;
  const answer = (m) => {
    const next = rule(m.data[0].value, value);
    const ops = next !== value ? [['a', [0], 'value', next]] : [];
    value = next;
    peer.sendPatch(ops, m.seq);
  };
  const pump = () => {
    while (answered < events.length - (flushing ? 0 : lag)) answer(events[answered++]);
  };
  peer.on('message', (m) => {
    if (m.type !== 'layout-event') return;
    events.push(m);
    pump();
  });
  return {
    events,
    get answered() { return answered; },
    flush() {
      flushing = true;
      pump();
    },
  };
}

async function typeAgainstSlowServer(pathname, rule, text) {
  const { page, peer, errors } = await open(pathname, '', countValueWrites);
  peer.sendRoot([el('input', { id: 'name', value: '' }, [], { eventHandlers: { onChange: on('NAME') } })]);
  await page.waitForSelector('#name', { state: 'attached' });
  const server = slowServer(peer, rule);
  // Samples what the user sees on every frame and after every message.
  await page.evaluate(() => {
    const input = document.querySelector('#name');
    window.seen = [];
    const sample = () => window.seen.push(input.value);
    setInterval(sample, 1);
  });
  await page.focus('#name');
  await page.keyboard.type(text, { delay: 5 });
  await until(() => server.events.length === text.length, 'every keystroke to reach the server');
  // The server answered all but the last events while the user typed: those
  // answers were stale.
  assert.equal(server.answered, text.length - 2);
  assert.deepEqual(server.events.map((m) => m.seq), [...Array(text.length).keys()].map((i) => i + 1));
  assert.deepEqual(server.events.map((m) => m.data[0].value), [...text].map((_, i) => text.slice(0, i + 1)));
  const seen = await page.evaluate(() => window.seen);
  for (let i = 1; i < seen.length; i++) {
    assert.ok(text.startsWith(seen[i]) && seen[i].length >= seen[i - 1].length, `value went ${seen[i - 1]} -> ${seen[i]}`);
  }
  assert.deepEqual(await page.evaluate(() => window.valueWrites), [], 'no stale value was written while typing');
  server.flush();
  await patch(page, peer, []);
  return { page, errors };
}

test('controlled input: a slow echoing server never clobbers what the user types', async () => {
  const text = 'hello world';
  const { page, errors } = await typeAgainstSlowServer('/t/echo', (typed) => typed, text);
  assert.equal(await page.$eval('#name', (i) => i.value), text);
  assert.deepEqual(await page.evaluate(() => window.valueWrites), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('controlled input: the server\'s rewrite lands once it has acknowledged the last keystroke', async () => {
  const { page, errors } = await typeAgainstSlowServer('/t/upper', (typed) => typed.toUpperCase().slice(0, 8), 'hello world');
  assert.deepEqual(await page.evaluate(() => window.valueWrites), [['hello world', 'HELLO WO']]);
  // The caret was at the end (11): clamped to the new length.
  assert.deepEqual(await page.$eval('#name', (i) => [i.value, i.selectionStart, i.selectionEnd]), ['HELLO WO', 8, 8]);
  assert.deepEqual(errors, []);
  await page.close();
});

test('controlled input: a rejected keystroke is undone even when the ack carries no op', async () => {
  // The server keeps at most 5 characters: the last events change nothing
  // on its side, so their acks come with no ops at all.
  const { page, errors } = await typeAgainstSlowServer('/t/reject', (typed, prev) => (typed.length <= 5 ? typed : prev), 'abcdefg');
  assert.equal(await page.$eval('#name', (i) => i.value), 'abcde');
  assert.deepEqual(errors, []);
  await page.close();
});

test('controlled checkbox: the server refusing a change puts it back', async () => {
  const { page, peer, errors } = await open('/t/checkbox');
  peer.sendRoot([el('input', { id: 'cb', type: 'checkbox' , checked: 'false' }, [], { eventHandlers: { onChange: on('CB') } })]);
  await page.waitForSelector('#cb', { state: 'attached' });
  await page.click('#cb');
  const m = await peer.next();
  assert.equal(m.data[0].checked, true);
  assert.equal(await page.$eval('#cb', (c) => c.checked), true); // the user's, until acknowledged
  await patch(page, peer, [], m.seq);
  assert.equal(await page.$eval('#cb', (c) => c.checked), false);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a layout-update at a path replaces that subtree', async () => {
  const { page, peer, errors } = await open('/t/subtree');
  peer.sendRoot([el('div', { id: 'app' }, [el('p', {}, ['count:']), el('span', { id: 'count' }, ['1']), el('i', {}, ['end'])])]);
  await page.waitForSelector('#count', { state: 'attached' });
  peer.send({ type: 'layout-update', path: '/children/0/children/1', model: el('span', { id: 'count' }, ['2']) });
  await page.waitForFunction(() => document.querySelector('#count').textContent === '2');
  peer.send({ type: 'layout-update', path: '/children/0/children/1', model: el('b', { id: 'count' }, ['3'], { eventHandlers: { onClick: on('B') } }) });
  await page.waitForFunction(() => document.querySelector('#count').tagName === 'B');
  assert.equal(await rootHtml(page), '<div id="app"><p>count:</p><b id="count">3</b><i>end</i></div>');
  await page.click('#count');
  assert.equal((await peer.next()).target, 'B');
  assert.deepEqual(errors, []);
  await page.close();
});

test('data-reactc-mount and data-reactc-url choose the mount element and the stream', async () => {
  const { page, peer, errors } = await open('/t/custom');
  assert.equal(peer.hello.location.pathname, '/t/custom');
  peer.sendRoot([el('p', { id: 'here' }, ['mounted'])]);
  await page.waitForSelector('main > #here', { state: 'attached' });
  assert.equal(await page.$eval('main', (m) => m.className), 'rc-connected');
  assert.deepEqual(errors, []);
  await page.close();
});

test('reconnect: classes change, queued events follow the hello in order, focus and caret survive', async () => {
  const { page, peer, errors } = await open('/t/reconnect');
  const tree = (label) => [
    el('button', { id: 'b' }, [label], { eventHandlers: { onClick: on('BTN') } }),
    el('input', { id: 'inp', value: 'hello' }, [], { eventHandlers: { onChange: on('INP') } }),
  ];
  peer.sendRoot(tree('first'));
  await page.waitForSelector('#inp', { state: 'attached' });
  await page.evaluate(() => {
    const root = document.querySelector('#reactc-root');
    window.domEvents = [];
    for (const n of ['reactc:reconnecting', 'reactc:reconnected']) root.addEventListener(n, () => window.domEvents.push(n));
    const input = document.querySelector('#inp');
    input.marker = 'same element';
    input.focus();
    input.setSelectionRange(2, 3);
  });

  fake.refuse = true; // the server is down for a while
  peer.close(1001, 'going away');
  await page.waitForSelector('#reactc-root.rc-reconnecting', { state: 'attached' });
  assert.equal(await page.$eval('#reactc-root', (r) => r.className), 'rc-reconnecting');
  // Clicks while disconnected are queued (element.click() keeps the focus).
  await page.evaluate(() => { for (let i = 0; i < 3; i++) document.querySelector('#b').click(); });
  const refused = fake.refused;
  await until(() => fake.refused >= refused + 2, 'some refused attempts');
  assert.equal(await page.$eval('#reactc-root', (r) => r.className), 'rc-reconnecting');

  fake.refuse = false;
  const next = fake.connection('/t/reconnect');
  // Coming back online reconnects at once rather than after the backoff
  // (retried in case an attempt was in flight at that moment).
  const nudge = setInterval(() => page.evaluate(() => dispatchEvent(new Event('online'))).catch(() => {}), 100);
  let peer2;
  try {
    peer2 = await next;
  } finally {
    clearInterval(nudge);
  }
  assert.equal(peer2.hello.type, 'hello');
  const queued = [await peer2.next(), await peer2.next(), await peer2.next()];
  assert.deepEqual(queued.map((m) => [m.type, m.target, m.seq]), [
    ['layout-event', 'BTN', 1], ['layout-event', 'BTN', 2], ['layout-event', 'BTN', 3],
  ]);

  // The new connection sends the whole tree: reconciled in place.
  peer2.sendRoot(tree('second'));
  await page.waitForFunction(() => document.querySelector('#b').textContent === 'second');
  assert.deepEqual(await page.evaluate(() => {
    const input = document.querySelector('#inp');
    return {
      className: document.querySelector('#reactc-root').className,
      same: input.marker,
      focused: document.activeElement === input,
      selection: [input.selectionStart, input.selectionEnd],
      value: input.value,
      domEvents: window.domEvents,
    };
  }), {
    className: 'rc-connected',
    same: 'same element',
    focused: true,
    selection: [2, 3],
    value: 'hello',
    domEvents: ['reactc:reconnecting', 'reactc:reconnected'],
  });
  // Events go straight out again, numbering on.
  await page.click('#b');
  const m = await peer2.next();
  assert.deepEqual([m.target, m.seq], ['BTN', 4]);
  assert.deepEqual(errors.filter((e) => !/WebSocket|503|ERR_/.test(e)), []);
  await page.close();
});
