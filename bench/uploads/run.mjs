#!/usr/bin/env node
// bench/uploads/run.mjs: uploads over HTTP POST (docs/guide/uploads.md)
// with examples/device_files in Chromium:
//
//   node bench/uploads/run.mjs [MB]      (default 50; build/ must be built)
//
// 1. an unthrottled upload of MB from the page, three times: its time and
//    the server's peak RSS above its start (sampled every 5 ms); then the
//    same bytes POSTed by node (the server's own rate, no browser);
// 2. the round trip of a click (click to its count shown) in another tab
//    and in the uploading tab itself: idle, then during an upload held to
//    25 MB/s by Chromium's throttling. Medians of every click.
//
// Prints "RESULT key=value" lines. Bounded: every upload and click waits
// at most 120 s; the server is killed at the end.
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, newPage } from '../../tests/e2e/lib/browser.mjs';
import { gotoApp } from '../../tests/e2e/lib/page.mjs';
import { startExample } from '../../tests/e2e/lib/server.mjs';

const MB = Number(process.argv[2] || 50);
const size = MB << 20;
const dir = mkdtempSync(join(tmpdir(), 'reactc-bench-upload-'));
const file = join(dir, 'firmware.bin');
const buf = Buffer.alloc(size);
for (let i = 0; i < size; i += 4) buf.writeUInt32LE((i * 2654435761) >>> 0, i);
writeFileSync(file, buf);

const server = await startExample('device_files');
const browser = await launchBrowser();
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.proc.pid}/status`, 'utf8'))[1]);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function open() {
  const { page } = await newPage(browser.context);
  page.setDefaultTimeout(120000);
  await gotoApp(page, server.url, '#firmware[data-reactc-upload]');
  return page;
}

/** Chooses the file; resolves when the client reports its end. */
async function upload(page) {
  await page.evaluate(() => {
    window.__done = null;
    document.addEventListener('reactc:upload-done', (e) => { window.__done = e.detail; }, { once: true });
  });
  await page.setInputFiles('#firmware', file);
  await page.waitForFunction(() => window.__done);
  const done = await page.evaluate(() => window.__done);
  await page.setInputFiles('#firmware', []);
  return done;
}

/** Click round trips on page until stop() is true (at least `min` clicks). */
async function clicks(page, stop, min = 0) {
  await page.bringToFront(); // a background tab's frames are throttled
  const times = [];
  for (let n = 0; times.length < min || !(await stop()); n++) {
    const want = String(Number(await page.textContent('#count')) + 1);
    const t0 = performance.now();
    await page.click('#increment');
    await page.waitForFunction((w) => document.querySelector('#count').textContent === w, want);
    times.push(performance.now() - t0);
    if (n > 2000) break;
  }
  return times;
}

try {
  const a = await open();
  const b = await open();
  for (let i = 0; i < 3; i++) {
    const start = rss();
    let peak = start;
    const timer = setInterval(() => { peak = Math.max(peak, rss()); }, 5);
    const t0 = performance.now();
    const done = await upload(a);
    const ms = performance.now() - t0;
    clearInterval(timer);
    // ms: from Playwright choosing the file (which hands the file to the
    // browser: most of it) to the client's upload-done. (Chromium's first
    // progress event comes late and coarse: no rate is read from it.)
    console.log(`RESULT upload_mb=${MB} status=${done.status} ms=${ms.toFixed(0)} rss_peak_kb=${peak - start}`);
  }
  // The server alone: the same bytes POSTed by node (no browser), timed
  // from the request to the answer.
  const url = await a.$eval('#firmware', (e) => e.dataset.reactcUpload);
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const status = await new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: server.port, path: url, method: 'POST', agent: false,
        headers: { 'content-length': size, origin: `http://127.0.0.1:${server.port}` } },
      (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
      req.on('error', reject);
      req.end(buf);
    });
    const ms = performance.now() - t0;
    console.log(`RESULT raw_post_mb=${MB} status=${status} ms=${ms.toFixed(0)} mb_per_s=${(MB / (ms / 1000)).toFixed(0)}`);
  }
  const idleOther = await clicks(b, async () => true, 30);
  const idleSame = await clicks(a, async () => true, 30);
  const cdp = await a.context().newCDPSession(a);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions',
    { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 25 << 20 });
  const running = () => a.evaluate(() => window.__done === null);
  await a.bringToFront();
  let up = upload(a);
  const duringOther = await clicks(b, async () => !(await running()));
  await up;
  up = upload(a);
  const duringSame = await clicks(a, async () => !(await running()));
  await up;
  const f = (xs) => `${median(xs).toFixed(1)}ms(n=${xs.length})`;
  console.log(`RESULT click_other_tab idle=${f(idleOther)} during_upload=${f(duringOther)}`);
  console.log(`RESULT click_same_tab idle=${f(idleSame)} during_upload=${f(duringSame)}`);
} finally {
  await browser.close();
  server.kill();
  rmSync(dir, { recursive: true, force: true });
}
