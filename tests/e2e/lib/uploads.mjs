// What the upload tests share (uploads.test.mjs, uploads_workers.test.mjs):
// a big file to send, the client's upload events and the server's renders
// of #received and #status recorded in the page, a process' RSS.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SIZE = 50 * 1024 * 1024;

/** A process' resident set, in KiB. */
export const rssKb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

/** A file of SIZE bytes in dir (a pattern no run of zeroes compresses away) and the sum of its bytes. */
export function bigFile(dir) {
  const buf = Buffer.alloc(SIZE);
  let x = 12345;
  for (let i = 0; i < SIZE; i += 4) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    buf.writeUInt32LE(x, i);
  }
  let sum = 0;
  for (let i = 0; i < SIZE; i++) sum += buf[i];
  const path = join(dir, 'firmware.bin');
  writeFileSync(path, buf);
  return { path, sum };
}

/**
 * Records the client's upload events (client/src/upload.ts) into
 * window.__up: progress (bytes the browser sent) and the end.
 */
export function recordUpload(page) {
  return page.evaluate(() => {
    const up = (window.__up = { progress: [], done: null });
    const onProgress = (e) => up.progress.push(e.detail.loaded);
    const onDone = (e) => {
      up.done = e.detail;
      document.removeEventListener('reactc:upload-progress', onProgress);
      document.removeEventListener('reactc:upload-done', onDone);
    };
    document.addEventListener('reactc:upload-progress', onProgress);
    document.addEventListener('reactc:upload-done', onDone);
  });
}

/** Counts the app's re-renders of #received from now on, in window.__receivedRenders. */
export function countReceived(page) {
  return page.evaluate(() => {
    window.__receivedRenders = 0;
    window.__receivedObserver?.disconnect();
    window.__receivedObserver = new MutationObserver(() => window.__receivedRenders++);
    window.__receivedObserver.observe(document.querySelector('#received'), { childList: true, characterData: true, subtree: true });
  });
}

/**
 * Cancels the page's upload once the app has it (its first re-render of
 * what it received, a MiB in): at the browser's first progress event the
 * server (or the owner behind a relay) may not have read the request yet,
 * and then no app hears of the upload at all. Call countReceived before
 * the upload starts.
 */
export async function cancelOnceReceived(page) {
  await page.waitForFunction(() => window.__receivedRenders > 0 || window.__up.done);
  await page.$eval('#firmware', (input) => input.dispatchEvent(new CustomEvent('reactc:upload-cancel', { bubbles: true })));
}
