// Attribute XSS (issue 13): the client never sets an `on*` attribute and
// sets URL attributes only with http:, https:, mailto:, tel: or relative
// URLs, on every path that sets attributes: a model built from scratch (a
// root layout-update, an "i" op), a model reconciled into existing DOM (the
// whole tree after a reconnect, a layout-update at a path) and the "a" op.
//
// Each script would record itself in window.__xss. The check is made after
// the click or hover, and again after a protocol barrier: the answer to a
// later event (the fake server's ack of a click on #done), after which
// anything the click queued (a javascript: navigation is a task) has run.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, newPage } from './lib/browser.mjs';
import { DEFAULT_PAGE, startFakeServer } from './lib/fake-server.mjs';

let browser;
let fake;

before(async () => {
  // An icon of its own: Chromium's request for /favicon.ico (a 404 here)
  // would be logged as an error.
  const page = DEFAULT_PAGE.replace('<title>', '<link rel="icon" href="data:,"><title>');
  const pages = Object.fromEntries(['/x/create', '/x/ops', '/x/reconcile'].map((p) => [p, page]));
  [browser, fake] = await Promise.all([launchBrowser(), startFakeServer({ pages })]);
});

after(async () => {
  await browser?.close();
  await fake?.close();
});

async function open(pathname) {
  const { page, errors } = await newPage(browser.context);
  await page.addInitScript(() => { window.__xss = []; });
  const conn = fake.connection(pathname);
  await page.goto(fake.url + pathname);
  return { page, errors, peer: await conn };
}

const el = (tagName, attributes, children, extra) => ({ tagName, attributes, children, ...extra });
const on = (target) => ({ target, preventDefault: false, stopPropagation: false });
const js = (name) => `void(window.__xss.push('${name}'))`;
const DONE = el('button', { id: 'done' }, ['done'], { eventHandlers: { onClick: on('DONE') } });

/** Sends a patch and waits until the page shows it (its last op sets a marker). */
async function patch(page, peer, ops, ack) {
  const mark = `m${Math.random().toString(36).slice(2)}`;
  peer.sendPatch([...ops, ['a', [], 'data-mark', mark]], ack);
  await page.waitForSelector(`#reactc-root[data-mark="${mark}"]`, { state: 'attached', timeout: 5000 });
}

/** The barrier: a click on #done reaches the server and its ack is handled. */
async function barrier(page, peer) {
  await page.click('#done');
  const m = await peer.next();
  assert.equal(m.target, 'DONE');
  await patch(page, peer, [], m.seq);
}

// Refused URL values, by the element's id (each an <a> unless said).
const BAD_HREFS = {
  j1: `javascript:${js('j1')}`,
  j2: `JaVaScRiPt:${js('j2')}`,
  j3: ` javascript:${js('j3')}`,
  j4: `java\tscript:${js('j4')}`,
  j5: `\u0001\njavascript:${js('j5')}`,
  j6: `javas\ncript:${js('j6')}`,
  d1: 'data:text/html,<script>alert(1)</script>',
  v1: 'vbscript:msgbox(1)',
};
// Accepted ones, set as given.
const GOOD_HREFS = {
  g1: 'http://example.com/x?y=1',
  g2: 'HTTPS://example.com/',
  g3: 'mailto:someone@example.com',
  g4: 'tel:+15550100',
  g5: '/t/elsewhere?q=1',
  g6: 'page.html',
  g7: '//example.com/p',
  g8: '?q=2',
  frag: '#frag',
};
// Clicked: those that would run script when clicked (data: and vbscript:
// are checked by their missing attribute; clicking them would only log
// Chromium's own refusal).
const CLICKED = ['j1', 'j2', 'j3', 'j4', 'j5', 'j6'];

/** Every attack at once, on elements with ids prefixed by `p`. */
function attackModels(p) {
  const links = Object.entries({ ...BAD_HREFS, ...GOOD_HREFS }).map(([id, href]) => el('a', { id: p + id, href }, [id]));
  return [
    el('div', {}, links),
    el('div', { id: p + 'm1', onmouseover: js(p + 'm1'), style: 'padding:4px' }, ['hover']),
    el('div', { id: p + 'm2', ONMOUSEOVER: js(p + 'm2') }, ['HOVER']),
    el('button', { id: p + 'c1', onclick: js(p + 'c1'), OnClick: js(p + 'c1b') }, ['click']),
    el('iframe', { id: p + 'if', src: `javascript:parent.__xss.push('${p}if')` }),
    el('form', { id: p + 'form', action: `javascript:${js(p + 'form')}` }, [
      el('button', { id: p + 'sub', type: 'submit' }, ['submit']),
      el('button', { id: p + 'fa', type: 'submit', formaction: `javascript:${js(p + 'fa')}` }, ['formaction']),
    ]),
    el('svg', { width: '200', height: '40' }, [
      el('a', { id: p + 'svga', href: `javascript:${js(p + 'svga')}` }, [el('text', { x: '0', y: '20' }, ['svg link'])]),
      el('a', { id: p + 'svgx', 'xlink:href': 'javascript:alert(1)' }, []),
    ]),
    el('object', { id: p + 'obj', data: `javascript:parent.__xss.push('${p}obj')` }),
    DONE,
  ];
}

/** Every click and hover on an attacked page, then what it must look like. */
async function checkAttacked(page, peer, p) {
  for (const id of CLICKED) await page.click('#' + p + id);
  await page.click('#' + p + 'svga');
  await page.hover('#' + p + 'm1');
  await page.hover('#' + p + 'm2');
  await page.click('#' + p + 'c1');
  // Forms are checked by their attributes only: submitting one without an
  // action would reload the page.
  assert.deepEqual(await page.evaluate(() => window.__xss), [], 'right after the clicks');
  await barrier(page, peer);
  assert.deepEqual(await page.evaluate(() => window.__xss), [], 'after the barrier');
  const attrs = await page.evaluate((p) => {
    const a = (id, name) => document.getElementById(p + id)?.getAttribute(name);
    return {
      bad: ['j1', 'j2', 'j3', 'j4', 'j5', 'j6', 'd1', 'v1', 'svga'].map((id) => a(id, 'href')),
      good: ['g1', 'g2', 'g3', 'g4', 'g5', 'g6', 'g7', 'g8', 'frag'].map((id) => a(id, 'href')),
      on: [a('m1', 'onmouseover'), a('m2', 'onmouseover'), a('c1', 'onclick')],
      others: [a('if', 'src'), a('form', 'action'), a('fa', 'formaction'), a('svgx', 'xlink:href'), a('obj', 'data')],
      style: a('m1', 'style'),
    };
  }, p);
  assert.deepEqual(attrs, {
    bad: Array(9).fill(null),
    good: Object.values(GOOD_HREFS),
    on: [null, null, null],
    others: [null, null, null, null, null],
    style: 'padding:4px',
  });
  // Accepted URLs still work: a relative link navigates (here, in the page).
  await page.evaluate(() => history.replaceState(null, '', location.pathname));
  await page.click('#' + p + 'frag');
  assert.equal(await page.evaluate(() => location.hash), '#frag');
}

test('a model built from scratch sets no on* attribute and no unsafe URL', async () => {
  const { page, peer, errors } = await open('/x/create');
  peer.sendRoot(attackModels('a-'));
  await page.waitForSelector('#done', { state: 'attached' });
  await checkAttacked(page, peer, 'a-');
  // The same, inserted by an "i" op.
  await patch(page, peer, [['i', [], 0, [el('div', { id: 'ins' }, attackModels('i-').slice(0, -1))]]]);
  await checkAttacked(page, peer, 'i-');
  assert.deepEqual(errors, []);
  await page.close();
});

test('"a" ops: an unsafe value is never set, and removes a safe one it replaces', async () => {
  const { page, peer, errors } = await open('/x/ops');
  peer.sendRoot([
    el('a', { id: 'l', href: '/t/safe' }, ['link']),
    el('div', { id: 'h' }, ['hover me']),
    el('iframe', { id: 'f' }),
    DONE,
  ]);
  await page.waitForSelector('#done', { state: 'attached' });
  const hrefs = [];
  for (const [i, href] of Object.values(BAD_HREFS).entries()) {
    await patch(page, peer, [['a', [0], 'href', href], ['a', [2], 'src', `javascript:parent.__xss.push('f${i}')`]]);
    hrefs.push(await page.$eval('#l', (a) => a.getAttribute('href')));
    if (i < CLICKED.length) await page.click('#l');
  }
  await patch(page, peer, [
    ['a', [1], 'onmouseover', js('h1')],
    ['a', [1], 'onMouseOver', js('h2')],
    ['a', [1], 'onclick', js('h3')],
  ]);
  await page.hover('#h');
  await page.click('#h');
  assert.deepEqual(await page.evaluate(() => window.__xss), [], 'right after the clicks');
  await barrier(page, peer);
  assert.deepEqual(await page.evaluate(() => window.__xss), [], 'after the barrier');
  assert.deepEqual(hrefs, Object.values(BAD_HREFS).map(() => null));
  assert.deepEqual(await page.$eval('#h', (d) => d.getAttributeNames()), ['id']);
  assert.equal(await page.$eval('#f', (f) => f.getAttribute('src')), null);
  // A safe value is set again.
  await patch(page, peer, [['a', [0], 'href', 'mailto:a@example.com']]);
  assert.equal(await page.$eval('#l', (a) => a.getAttribute('href')), 'mailto:a@example.com');
  assert.deepEqual(errors, []);
  await page.close();
});

test('reconciling a whole tree or a subtree into existing DOM refuses them too', async () => {
  const { page, peer, errors } = await open('/x/reconcile');
  // The same elements, first safe: the later trees update them in place.
  const safe = (p) => attackModels(p).map(function strip(m) {
    if (typeof m === 'string') return m;
    const attributes = { ...m.attributes };
    for (const k of Object.keys(attributes)) {
      // src and data would load the page again in the frame: left out.
      if (/^(on.*|src|data)$/i.test(k)) delete attributes[k];
      else if (/^(href|action|formaction|xlink:href)$/.test(k)) attributes[k] = '#safe';
    }
    return { ...m, attributes, children: m.children?.map(strip) };
  });
  peer.sendRoot(safe('r-'));
  await page.waitForSelector('#done', { state: 'attached' });
  await page.evaluate(() => { document.getElementById('r-j1').marker = 'kept'; });
  peer.sendRoot(attackModels('r-')); // as after a reconnect
  await patch(page, peer, []); // handled after the tree: it is in place
  assert.equal(await page.$eval('#r-j1', (a) => a.marker), 'kept', 'reconciled in place');
  await checkAttacked(page, peer, 'r-');

  // A layout-update at a path (the base protocol's message), in place too.
  peer.sendRoot([el('div', { id: 'wrap' }, safe('s-')), DONE]);
  await page.waitForSelector('#s-j1[href="#safe"]', { state: 'attached' });
  await page.evaluate(() => { document.getElementById('s-j1').marker = 'kept'; });
  peer.send({ type: 'layout-update', path: '/children/0', model: el('div', { id: 'wrap' }, attackModels('s-').slice(0, -1)) });
  await patch(page, peer, []);
  assert.equal(await page.$eval('#s-j1', (a) => a.marker), 'kept', 'reconciled in place');
  await checkAttacked(page, peer, 's-');
  assert.deepEqual(errors, []);
  await page.close();
});
