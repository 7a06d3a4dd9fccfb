// Forms and bound handlers end to end on examples/form.c in Chromium
// (docs/guide/forms-and-validation.md): a submit carries every kind of named
// field to the server's handler (RC_ON_SUBMIT, rc_event_get_form_field); the
// validation pattern shows a field's error once it is touched and every
// error on a submit; rows whose handlers bind a value (RC_ON_INT,
// RC_ON_KEY) act on their own row, also after the server is killed with
// SIGKILL and a new process resumes the session from its token.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { useBrowser } from './lib/suite.mjs';
import { gotoApp, MOUNT, realErrors, text, waitText } from './lib/page.mjs';
import { startExample } from './lib/server.mjs';
import { handledStart, handledStarts, HANDLED } from './lib/wire.mjs';

const SECRET = 'b64:' + randomBytes(32).toString('base64');
const browser = useBrowser();

/** The form example on a fresh server (stopped when `t` ends) and a page on
 * it; `app.restart()` starts the next process on the same port and secret. */
async function setup(t) {
  const app = { servers: [] };
  app.start = async (port) => {
    const s = await startExample('form', { port, env: { REACTC_SECRET: SECRET } });
    app.servers.push(s);
    app.server = s;
    return s;
  };
  t.after(async () => {
    for (const s of app.servers) await s.kill();
  });
  await app.start();
  app.restart = () => app.start(app.server.port);
  const { page, errors } = await browser.openPage(t);
  page.setDefaultTimeout(10000);
  await page.addInitScript(HANDLED);
  await gotoApp(page, app.server.url + '/', '#signup');
  // Survives only if the page never loads again (the browser's own submit
  // would load the form's action).
  await page.evaluate(() => (window.__same = true));
  return { app, page, errors };
}

const sent = (page) => page.$$eval('#sent li', (els) => els.map((e) => e.textContent));
const errorsShown = (page) => page.$$eval('.alert', (els) => els.map((e) => e.id).sort());

test('a submit carries every named field to the handler, the page stays', { timeout: 30000 }, async (t) => {
  const { page, errors } = await setup(t);
  await page.fill('#name', 'Ada Lovelace');
  await page.fill('#email', 'ada@example.org');
  await page.fill('#bio', 'two\nlines & "quotes"');
  await page.selectOption('#plan', 'pro');
  await page.selectOption('#topics', ['c', 'db']);
  await page.check('#contact-phone');
  await page.check('#langs-en');
  await page.check('#langs-de');
  await page.check('#agree');
  await page.click('#send');
  await page.waitForSelector('#sent li');
  // In the form's order; the oracle is what was typed and chosen above.
  assert.deepEqual(await sent(page), [
    'name=Ada Lovelace',
    'email=ada@example.org',
    'bio=two\nlines & "quotes"',
    'plan=pro',
    'topics=[c,db]',
    'contact=phone',
    'langs=[en,de]',
    'agree=true',
  ]);
  assert.deepEqual(await errorsShown(page), []);
  assert.equal(await page.evaluate(() => window.__same), true, 'no page load: the submit was prevented');

  // Nothing chosen: an empty multiple select and checkbox group are empty
  // arrays, a radio group with none checked is null, a lone checkbox false.
  await page.selectOption('#topics', []);
  await page.uncheck('#langs-en');
  await page.uncheck('#langs-de');
  await page.uncheck('#agree');
  await page.click('#send');
  await page.waitForSelector('#error-agree');
  // The invalid submit kept the last valid one on screen; its values reached
  // the server (the errors are computed from them).
  assert.deepEqual(await errorsShown(page), ['error-agree']);
  assert.equal((await sent(page)).length, 8);
  assert.deepEqual(realErrors(errors), []);
});

test('validation: a field shows its error once touched, a submit touches all', { timeout: 30000 }, async (t) => {
  const { page, errors } = await setup(t);
  // Leaving the empty name touches it: its error shows, the others do not
  // (same render: the error appearing is the barrier for the rest).
  await page.focus('#name');
  await page.focus('#email');
  await page.waitForSelector('#error-name');
  assert.deepEqual(await errorsShown(page), ['error-name']);
  assert.equal(await text(page, '#error-name'), 'Enter your name');
  // A bad email, left: its error too.
  await page.fill('#email', 'not-an-address');
  await page.focus('#name');
  await page.waitForSelector('#error-email');
  assert.deepEqual(await errorsShown(page), ['error-email', 'error-name']);

  // A submit touches every field: all their errors, nothing sent.
  await page.click('#send');
  await page.waitForSelector('#error-agree');
  assert.deepEqual(await errorsShown(page), ['error-agree', 'error-contact', 'error-email', 'error-name', 'error-plan']);
  assert.equal(await page.$('#sent'), null);

  // Fixed one by one: each error goes with its cause.
  await page.fill('#name', 'Grace');
  await page.fill('#email', 'grace@navy.mil');
  await page.focus('#name');
  await page.waitForFunction(() => !document.querySelector('#error-email'));
  assert.deepEqual(await errorsShown(page), ['error-agree', 'error-contact', 'error-plan']);
  await page.selectOption('#plan', 'free');
  await page.check('#contact-email');
  await page.check('#agree');
  await page.click('#send');
  await page.waitForSelector('#sent li');
  assert.deepEqual(await errorsShown(page), []);
  assert.ok((await sent(page)).includes('name=Grace'));
  assert.deepEqual(realErrors(errors), []);
});

const counts = (page) =>
  page.$$eval('#guests li', (els) => els.map((e) => `${e.querySelector('.name').textContent}:${e.querySelector('.count').textContent}`));

/** Waits until the page has a token holding every event it sent (then a
 * SIGKILL loses nothing the page saw). */
const tokenHoldsAll = (page) =>
  page.waitForFunction(() => window.__handled.ack > 0 && window.__handled.tokenSeq >= window.__handled.ack);

test('rows with bound handlers act on their own row, also after kill -9 and a resume', { timeout: 30000 }, async (t) => {
  const { app, page, errors } = await setup(t);
  try {
    assert.deepEqual(await counts(page), ['Ada:0', 'Grace:0', 'Linus:0']);
    // One handler function for every row's "+1", the row's id bound.
    await page.click('#guests li:nth-child(2) button.more');
    await waitText(page, '#guests li:nth-child(2) .count', '1');
    await page.click('#guests li:nth-child(2) button.more');
    await waitText(page, '#guests li:nth-child(2) .count', '2');
    await page.click('#guests li:nth-child(3) button.more');
    await waitText(page, '#guests li:nth-child(3) .count', '1');
    assert.deepEqual(await counts(page), ['Ada:0', 'Grace:2', 'Linus:1']);
    await tokenHoldsAll(page);

    const trees = await handledStarts(page);
    await app.server.kill(); // SIGKILL: the session lives on only in the token
    await page.waitForSelector(`${MOUNT}.rc-reconnecting`, { state: 'attached' });
    await app.restart();
    // The resumed tree, not `.rc-connected #guests`: the class comes when
    // the socket opens, before the server has read the hello, and the old
    // rows are still on the page.
    assert.equal(await handledStart(page, trees + 1, 20000), 'resumed'); // after the backoff grown meanwhile
    await app.server.waitStderr(/resumed from its token/);
    assert.deepEqual(await counts(page), ['Ada:0', 'Grace:2', 'Linus:1']);

    // The new process rendered the same handler ids: the page's old
    // handlers still reach the right rows.
    await page.click('#guests li:nth-child(1) button.more');
    await waitText(page, '#guests li:nth-child(1) .count', '1');
    await page.click('#guests li:nth-child(2) button.more');
    await waitText(page, '#guests li:nth-child(2) .count', '3');
    // "remove" binds the guest's name (RC_ON_KEY).
    await page.click('#guests li:nth-child(1) button.remove');
    await page.waitForFunction(() => document.querySelectorAll('#guests li').length === 2);
    assert.deepEqual(await counts(page), ['Grace:3', 'Linus:1']);
    await page.click('#guests li:nth-child(2) button.more');
    await waitText(page, '#guests li:nth-child(2) .count', '2');
    assert.deepEqual(await counts(page), ['Grace:3', 'Linus:2']);
    assert.deepEqual(realErrors(errors), []);
  } catch (e) {
    e.message += '\n' + app.servers.map((s, i) => `--- form #${i + 1} ---\n${s.stderr()}`).join('\n');
    throw e;
  }
});
