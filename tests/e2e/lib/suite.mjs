// One Chromium per test file (launched before its tests, closed after), and
// pages closed when their test ends. REACTC_CLIENT_BUNDLE (lib/paths.mjs)
// names a bundle to serve to the pages instead of the one embedded in the
// servers, to try a client change without rebuilding them.
import { readFile } from 'node:fs/promises';
import { after, before } from 'node:test';
import { launchBrowser, newPage } from './browser.mjs';

export function useBrowser({ timeout = 30000 } = {}) {
  let browser = null;
  let bundle = null;
  before(async () => {
    browser = await launchBrowser();
    if (process.env.REACTC_CLIENT_BUNDLE) bundle = await readFile(process.env.REACTC_CLIENT_BUNDLE);
  }, { timeout });
  after(async () => {
    await browser?.close();
  }, { timeout });
  return {
    get context() {
      return browser.context;
    },
    /** newPage() (page + recorded errors), closed when test `t` ends. */
    async openPage(t) {
      const opened = await newPage(browser.context);
      t.after(() => opened.page.close().catch(() => {}));
      if (bundle) {
        await opened.page.route('**/_reactc/client.js*', (r) =>
          r.fulfill({ status: 200, contentType: 'application/javascript', body: bundle }));
      }
      return opened;
    },
  };
}
