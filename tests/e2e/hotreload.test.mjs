// Hot reload (docs/dev.md): reactc-dev on a copy of the todo example in a
// temp dir, a real page in Chromium. The test edits the copy's source the
// way an editor saves it and checks what the user sees: the new label
// without a page reload, the items and the half-typed text kept; a CSS
// change in the app's <head> swapped in; a saved stylesheet refetched
// without a build; a syntax
// error shown in an overlay while the page keeps working; a version that
// crashes replaced by the previous one, pages resumed on it.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { useBrowser } from './lib/suite.mjs';
import { todoTexts } from './lib/page.mjs';
import { exampleCopy, startDev } from './lib/dev.mjs';

const TEST_MS = 120000;
const RELOAD_MS = 20000; // generous: CI builds with both cores busy

const browser = useBrowser();

const classes = (page) => page.$$eval('#todos li', (els) => els.map((e) => e.className));
const overlay = (page) => page.$eval('#reactc-dev-overlay', (e) => e.textContent).catch(() => null);

/** Replaces exactly one occurrence of `from` in the copy's source. */
async function edit(copy, from, to) {
  const src = await copy.read();
  assert.equal(src.split(from).length, 2, `exactly one ${JSON.stringify(from)} in the source`);
  await copy.write(src.replace(from, to));
}

async function addItem(page, text) {
  const n = (await todoTexts(page)).length;
  await page.fill('#new-todo', '');
  await page.type('#new-todo', text);
  await page.click('#add');
  await page.waitForFunction((k) => document.querySelectorAll('#todos li').length === k, n + 1);
}

test('save a change: the page shows it without reloading, state kept; a compile error shows an overlay, the fix removes it; a crash falls back', { timeout: TEST_MS }, async (t) => {
  const copy = await exampleCopy('todo');
  t.after(() => copy.remove());
  // A stylesheet served from a static folder, linked from the app's head.
  const staticDir = join(copy.dir, 'static');
  await mkdir(staticDir);
  await writeFile(join(staticDir, 'app.css'), 'h1{letter-spacing:0px}\n');
  const header = join(copy.dir, 'example.h');
  const h = await readFile(header, 'utf8');
  assert.equal(h.split('"<style>"').length, 2, 'one "<style>" in example.h');
  await writeFile(header, h.replace('"<style>"', '"<link rel=\\"stylesheet\\" href=\\"/static/app.css\\"><style>"'));
  const dev = await startDev(copy, { appArgs: ['--static', staticDir] });
  t.after(() => dev.kill());
  const { page, errors } = await browser.openPage(t);
  page.setDefaultTimeout(RELOAD_MS);
  try {
    await page.goto(dev.url);
    await page.waitForSelector('#new-todo');
    assert.equal(await page.textContent('h1'), 'Todo');

    // State: two items, the second done, and text typed but not added.
    await addItem(page, 'buy milk');
    await addItem(page, 'call mom');
    await page.click('#todos li:nth-child(2) input.toggle');
    await page.waitForFunction(() => document.querySelectorAll('#todos li')[1].className === 'done');
    await page.type('#new-todo', 'half typed', { delay: 10 });
    // A page reload would lose this marker.
    await page.evaluate(() => { window.__sameDocument = true; });

    // 1. A one-line change: the new label appears, everything else stays.
    let mark = dev.log().length;
    await edit(copy, 'rc_text(ctx, "Todo"); }', 'rc_text(ctx, "Things to do"); }');
    await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Things to do');
    await dev.waitLog(/v2 serving/, mark);
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no page reload');
    assert.deepEqual(await todoTexts(page), ['buy milk', 'call mom']);
    assert.deepEqual(await classes(page), ['open', 'done']);
    assert.equal(await page.inputValue('#new-todo'), 'half typed');
    assert.equal(await overlay(page), null);

    // 1b. A style change (the app's <head>, in example.h): swapped into
    // the open page, no reload.
    mark = dev.log().length;
    const css = await readFile(header, 'utf8');
    const rule = 'h1{font-size:1.4rem;margin:.2rem 0 1rem}';
    assert.equal(css.split(rule).length, 2, 'the h1 rule in example.h');
    await writeFile(header, css.replace(rule, 'h1{font-size:1.4rem;margin:.2rem 0 1rem;color:#c80000}'));
    await dev.waitLog(/v3 serving/, mark);
    await page.waitForFunction(() => getComputedStyle(document.querySelector('h1')).color === 'rgb(200, 0, 0)');
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no page reload');
    assert.equal(await page.inputValue('#new-todo'), 'half typed');

    // 1c. A saved stylesheet: no build, no new version; the page fetches it again.
    mark = dev.log().length;
    await writeFile(join(staticDir, 'app.css'), 'h1{letter-spacing:3px}\n');
    await page.waitForFunction(() => getComputedStyle(document.querySelector('h1')).letterSpacing === '3px');
    await dev.waitLog(/app\.css changed: open pages reload their stylesheets/, mark);
    assert.doesNotMatch(dev.log().slice(mark), /building|serving/);
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no page reload');
    assert.equal(await page.inputValue('#new-todo'), 'half typed');

    // 2. A syntax error: the overlay shows the compiler's message; the page
    // (the previous version) still works.
    mark = dev.log().length;
    await edit(copy, 'size_t open = 0;', 'size_t open = 0 +;');
    await dev.waitLog(/build failed/, mark);
    await page.waitForSelector('#reactc-dev-overlay');
    const shown = await overlay(page);
    assert.match(shown, /Build failed/);
    assert.match(shown, /todo\.c:\d+/, 'file and line');
    assert.match(shown, /expected expression/, "the compiler's message");
    await page.fill('#new-todo', '');
    await addItem(page, 'added during the error');
    assert.deepEqual(await todoTexts(page), ['buy milk', 'call mom', 'added during the error']);
    assert.equal(await page.textContent('h1'), 'Things to do');

    // 3. The fix: the overlay goes away, a new version serves the page.
    mark = dev.log().length;
    await edit(copy, 'size_t open = 0 +;', 'size_t open = 0;');
    await dev.waitLog(/v4 serving/, mark);
    await page.waitForSelector('#reactc-dev-overlay', { state: 'detached' });
    await page.type('#new-todo', 'still typing', { delay: 10 });

    // 4. A version that crashes (SIGSEGV when it renders this page's
    // state): reported in the overlay, the previous version restarted, the
    // page resumes on it with everything it had.
    mark = dev.log().length;
    await edit(copy, 'size_t open = 0;',
      'size_t open = 0;\n    if (rc_array_count(items) >= 3) *(volatile int *)0 = 1;');
    await dev.waitLog(/v5 serving/, mark);
    await dev.waitLog(/v5 killed by signal 11.*restarting v4/, mark);
    await page.waitForSelector('#reactc-dev-overlay');
    assert.match(await overlay(page), /crashed/);
    await dev.waitLog(/v4 serving/, mark);
    await page.waitForSelector('#reactc-root.rc-connected');
    // The answer to a click, which comes after v4's resumed tree on the same
    // socket, before reading the page: `.rc-connected` comes when the socket
    // opens, with the page from before the crash still shown.
    await page.click('#todos li:nth-child(1) input.toggle');
    await page.waitForFunction(() => document.querySelectorAll('#todos li')[0].className === 'done');
    assert.deepEqual(await todoTexts(page), ['buy milk', 'call mom', 'added during the error']);
    assert.equal(await page.inputValue('#new-todo'), 'still typing');

    // 5. Fixed again: a new version, no overlay, state intact.
    mark = dev.log().length;
    await edit(copy, '\n    if (rc_array_count(items) >= 3) *(volatile int *)0 = 1;', '');
    await dev.waitLog(/v6 serving/, mark);
    await page.waitForSelector('#reactc-dev-overlay', { state: 'detached' });
    assert.deepEqual(await classes(page), ['done', 'done', 'open']);
    assert.equal(await page.inputValue('#new-todo'), 'still typing');
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no page reload');
    assert.deepEqual(errors.filter((e) => !/WebSocket|ERR_CONNECTION/.test(e)), []);
  } catch (e) {
    e.message += `\n--- reactc-dev log ---\n${dev.log()}`;
    throw e;
  }
});

test('a first build that fails: the browser shows the compiler error, then the app once it is fixed', { timeout: TEST_MS }, async (t) => {
  const copy = await exampleCopy('todo');
  t.after(() => copy.remove());
  await edit(copy, 'size_t open = 0;', 'size_t open = 0 +;');
  const dev = await startDev(copy, { ready: /build failed/ });
  t.after(() => dev.kill());
  const { page } = await browser.openPage(t);
  page.setDefaultTimeout(RELOAD_MS);
  try {
    const res = await page.goto(dev.url);
    assert.equal(res.status(), 503);
    assert.match(await page.textContent('#reactc-dev-error'), /todo\.c:\d+: expected expression/);
    // The page reloads itself every second: once fixed, it is the app.
    await edit(copy, 'size_t open = 0 +;', 'size_t open = 0;');
    await page.waitForSelector('#reactc-root.rc-connected #new-todo');
    await addItem(page, 'works');
    assert.deepEqual(await todoTexts(page), ['works']);
  } catch (e) {
    e.message += `\n--- reactc-dev log ---\n${dev.log()}`;
    throw e;
  }
});
