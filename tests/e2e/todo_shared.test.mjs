// The todo example with --shared: one list (a collection store) for every
// tab. Two tabs add, tick and delete; each sees the other's changes, a tab
// opened later sees the list as it is, and the draft being typed stays each
// tab's own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useBrowser } from './lib/suite.mjs';
import { gotoApp, text, todoTexts, waitText } from './lib/page.mjs';
import { startExample } from './lib/server.mjs';
import { handledAll, HANDLED } from './lib/wire.mjs';

const browser = useBrowser();

async function openTab(t, server) {
  const { page } = await browser.openPage(t);
  page.setDefaultTimeout(10000);
  await page.addInitScript(HANDLED);
  await gotoApp(page, server.url + '/', '#new-todo');
  return page;
}

const rows = (page, n) =>
  page.waitForFunction((k) => document.querySelectorAll('#todos li').length === k, n);

async function add(page, what) {
  await page.fill('#new-todo', what);
  await page.click('#add');
  await page.waitForFunction(() => document.querySelector('#new-todo').value === '');
}

test('todo --shared: two tabs add, tick and delete on one list', async (t) => {
  const server = await startExample('todo', { args: ['--shared'] });
  t.after(() => server.kill());
  const a = await openTab(t, server);
  const b = await openTab(t, server);

  await add(a, 'milk');
  await rows(b, 1);
  await add(b, 'eggs');
  await rows(a, 2);
  assert.deepEqual(await todoTexts(a), ['milk', 'eggs']);
  assert.deepEqual(await todoTexts(b), ['milk', 'eggs']);
  await waitText(a, '#remaining', '2');

  // B ticks milk: A's row shows it done, and A's count follows.
  await b.click('#todos li:nth-child(1) input.toggle');
  await a.waitForFunction(() => document.querySelector('#todos li').classList.contains('done'));
  assert.equal(await a.$eval('#todos li:nth-child(1) input.toggle', (e) => e.checked), true);
  await waitText(a, '#remaining', '1');

  // A deletes eggs: gone in B.
  await a.click('#todos li:nth-child(2) button.delete');
  await rows(b, 1);
  assert.deepEqual(await todoTexts(b), ['milk']);
  await waitText(b, '#remaining', '0');

  // The draft is each tab's: typed in A, not shown in B. (A's field shows
  // what was typed at once, so it is no barrier.) Once the server has applied
  // A's draft (A's ack), anything it sends B about it goes before its answer
  // to a later event of B's: an Add with B's empty draft, which adds nothing.
  await a.fill('#new-todo', 'half typed');
  await handledAll(a);
  await b.click('#add');
  await handledAll(b);
  assert.equal(await b.$eval('#new-todo', (e) => e.value), '');
  assert.deepEqual(await todoTexts(b), ['milk']);

  // A tab opened later sees the list as it is.
  const c = await openTab(t, server);
  assert.deepEqual(await todoTexts(c), ['milk']);
  assert.equal(await text(c, '#remaining'), '0');
  await server.stop(3000);
});
