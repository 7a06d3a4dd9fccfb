// Debian's Chromium driven by playwright-core (never `npx playwright
// install`: it downloads a browser). One fresh profile directory per launch.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.REACTC_CHROMIUM || '/usr/bin/chromium';

/** ignoreHTTPSErrors: accept any certificate (a test's self-signed one). */
export async function launchBrowser({ ignoreHTTPSErrors = false } = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'reactc-chromium-'));
  // launch() refuses --user-data-dir, hence a persistent context.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    ignoreHTTPSErrors,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Opens a page that records uncaught errors and console errors in `errors`. */
export async function newPage(context) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return { page, errors };
}
