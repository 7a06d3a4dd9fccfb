// Reading a page of a reactc app: the mount element, text shown, the todo
// example's rows, console errors. What the browser tests (and
// tests/chaos/browser.test.mjs) share; the waits use the page's default
// timeout, as each test sets it.

/** The mount element of the examples' pages. */
export const MOUNT = '#reactc-root';

/**
 * Loads `url` in `page` and waits until the mount element is connected,
 * with `ready` (a selector) inside it at that moment when given.
 */
export async function gotoApp(page, url, ready) {
  await page.goto(url);
  await page.waitForSelector(ready ? `${MOUNT}.rc-connected ${ready}` : `${MOUNT}.rc-connected`, { state: 'attached' });
}

/** The text of the element `sel` (which must exist). */
export const text = (page, sel) => page.$eval(sel, (e) => e.textContent);

/** Waits until the element `sel` exists and its text is exactly `want`. */
export const waitText = (page, sel, want) =>
  page.waitForFunction(([s, w]) => document.querySelector(s)?.textContent === w, [sel, want]);

/** The todo example's item texts, in order. */
export const todoTexts = (page) => page.$$eval('#todos li span.text', (els) => els.map((e) => e.textContent));

/** Console errors, less the expected ones of failed connection attempts. */
export const realErrors = (errors) => errors.filter((e) => !/WebSocket|ERR_|503/.test(e));
