// Uploads and downloads (docs/guide/uploads.md) on examples/device_files.c:
// a 50 MB upload from Chromium with progress seen by the page and by the
// server (its re-renders), the server's RSS bounded while it streams,
// another tab's clicks acknowledged during it; an over-limit upload refused
// unread (413), a second upload on a busy input (409), an image the app
// refuses (409), a foreign Origin (403) and a missing or unknown token (404);
// a cancel (the page's reactc:upload-cancel) tells the app and frees the input; a
// download with the right bytes and headers.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { httpRequest } from './lib/http.mjs';
import { gotoApp, waitText } from './lib/page.mjs';
import { buildDir } from './lib/paths.mjs';
import { startExample } from './lib/server.mjs';
import { useBrowser } from './lib/suite.mjs';
import { bigFile, cancelOnceReceived, countReceived, recordUpload, rssKb, SIZE } from './lib/uploads.mjs';

const browser = useBrowser();


/** A raw request's first response line (the server may close before the body). */
function rawStatus(port, head) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1', () => sock.write(head));
    let got = '';
    sock.on('data', (c) => {
      got += c.toString('latin1');
      if (got.includes('\r\n')) { sock.destroy(); resolve(got.split('\r\n')[0]); }
    });
    sock.on('error', reject);
    sock.on('close', () => resolve(got.split('\r\n')[0]));
  });
}

async function openDevice(t, server) {
  const { page } = await browser.openPage(t);
  await gotoApp(page, server.url, '#firmware[data-reactc-upload]');
  return page;
}

test('a 50 MB upload streams with progress, bounded memory, other sessions unaffected', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'reactc-upload-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { path, sum } = bigFile(dir);
  const server = await startExample('device_files');
  t.after(() => server.kill());
  const a = await openDevice(t, server);
  const b = await openDevice(t, server);
  // Every value the server rendered into #received, seen by the page.
  await a.evaluate(() => {
    window.__received = [];
    const el = document.querySelector('#received');
    new MutationObserver(() => window.__received.push(Number(el.textContent)))
      .observe(el, { childList: true, characterData: true, subtree: true });
  });
  const start = rssKb(server.proc.pid);
  let peak = start;
  const sampler = setInterval(() => { peak = Math.max(peak, rssKb(server.proc.pid)); }, 5);
  // The upload's pace held to ~25 MB/s by Chromium's own throttling, so
  // that it lasts long enough (~2 s) for the other tab's clicks to fall
  // inside it on any machine; unthrottled it takes ~0.2-0.3 s here.
  const cdp = await a.context().newCDPSession(a);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions',
    { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 25 * 1024 * 1024 });
  const t0 = Date.now();
  await recordUpload(a);
  await a.setInputFiles('#firmware', path); // the client sends it: nothing else in the page
  // Clicks in the other tab, each acknowledged (its count shown), while
  // the upload is still running.
  let during = 0;
  for (let i = 1; i <= 200; i++) {
    await b.click('#increment');
    await waitText(b, '#count', String(i));
    if (await a.evaluate(() => window.__up.done)) break;
    during++;
  }
  await a.waitForFunction(() => window.__up.done, null, { timeout: 120000 });
  clearInterval(sampler);
  peak = Math.max(peak, rssKb(server.proc.pid));
  const up = await a.evaluate(() => window.__up);
  t.diagnostic(`upload ${Date.now() - t0} ms, RSS +${peak - start} KB at peak, ${during} clicks acknowledged during it`);
  assert.equal(up.done.status, 200, up.done.text);
  await waitText(a, '#status', `done ${SIZE} bytes, sum ${sum}`);
  assert.ok(during >= 1, 'a click in another tab was acknowledged during the upload');
  assert.ok(up.progress.length >= 2, `the page saw progress events: ${up.progress.length}`);
  const received = await a.evaluate(() => window.__received);
  assert.ok(received.some((v) => v > 0 && v < SIZE), `the server rendered progress: ${received.slice(0, 5)}`);
  assert.equal(received.at(-1), SIZE);
  assert.ok(peak - start < 20 * 1024, `RSS grew ${peak - start} KB during a ${SIZE >> 20} MB upload`);
  await server.stop(10000); // a clean exit (under ASan: nothing leaked)
});

test('refusals: over the limit (413 unread), foreign Origin (403), no or unknown token (404)', async (t) => {
  const server = await startExample('device_files');
  t.after(() => server.kill());
  const page = await openDevice(t, server);
  const url = await page.$eval('#firmware', (e) => e.dataset.reactcUpload);
  const post = (path, headers) =>
    rawStatus(server.port, `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n${headers}\r\n`);
  const origin = `Origin: http://127.0.0.1:${server.port}\r\n`;
  assert.match(await post(url, `${origin}Content-Length: ${(64 << 20) + 1}\r\n`), / 413 /);
  assert.match(await post(url, `Origin: http://evil.example\r\nContent-Length: 1\r\n`), / 403 /);
  assert.match(await post('/_reactc/upload', `${origin}Content-Length: 1\r\n`), / 404 /);
  assert.match(await post(`/_reactc/upload?t=${'0'.repeat(32)}`, `${origin}Content-Length: 1\r\n`), / 404 /);
  // A download's token is no upload's.
  const down = await page.$eval('#backup', (e) => e.getAttribute('href'));
  assert.match(await post(down.replace('download', 'upload'), `${origin}Content-Length: 1\r\n`), / 404 /);
  // The app refuses an image by its header (on_chunk returns -1): 409,
  // and its on_done hears the cancel.
  assert.match(await post(url, `${origin}Content-Length: 8\r\n\r\nNOFWxxxx`), / 409 /);
  await waitText(page, '#status', 'cancelled after 0 bytes');
  // One upload per input: a second while the first is open is 409; the
  // first cut mid-way is a cancel the app hears.
  const first = net.connect(server.port, '127.0.0.1');
  await new Promise((r) => first.once('connect', r));
  first.write(`POST ${url} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n${origin}Content-Length: 10\r\n\r\nab`);
  let second;
  for (;;) { // until the first's head has reached the server (it answers nothing before its body ends)
    second = await post(url, `${origin}Content-Length: 1\r\n\r\nx`);
    if (!/ 200 /.test(second)) break;
  }
  assert.match(second, / 409 /);
  first.destroy();
  await waitText(page, '#status', 'cancelled after 2 bytes');
  // The right one still works afterwards (nothing was left busy).
  assert.match(await post(url, `${origin}Content-Length: 3\r\n\r\nabc`), / 200 /);
  await waitText(page, '#status', 'done 3 bytes, sum 294');
  await server.stop(10000); // a clean exit (under ASan: nothing leaked)
});

test('a cancelled upload (the page aborts it) tells the app and frees the input', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'reactc-upload-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { path, sum } = bigFile(dir);
  const server = await startExample('device_files');
  t.after(() => server.kill());
  const page = await openDevice(t, server);
  await recordUpload(page);
  await countReceived(page);
  await page.setInputFiles('#firmware', path);
  await cancelOnceReceived(page);
  await page.waitForFunction(() => window.__up.done?.status === 'abort');
  // The server's side: on_done(-1) re-rendered the status.
  await page.waitForFunction(() => /^cancelled after \d+ bytes$/.test(document.querySelector('#status').textContent));
  // The input is free again (not 409) and the process' count of uploads too.
  const small = join(dir, 'small.bin');
  writeFileSync(small, Buffer.from('hello'));
  await recordUpload(page);
  await page.setInputFiles('#firmware', small);
  await page.waitForFunction(() => window.__up.done, null, { timeout: 120000 });
  assert.equal(await page.evaluate(() => window.__up.done.status), 200);
  await waitText(page, '#status', 'done 5 bytes, sum 532');
  assert.ok(sum > 0);
  await server.stop(10000); // a clean exit (under ASan: nothing leaked)
});

test('a download: the right bytes and headers', async (t) => {
  const server = await startExample('device_files');
  t.after(() => server.kill());
  const page = await openDevice(t, server);
  await page.click('#increment');
  await waitText(page, '#count', '1');
  const href = await page.$eval('#backup', (e) => e.getAttribute('href'));
  const res = await httpRequest(server.port, href, { headers: { Host: `127.0.0.1:${server.port}` } });
  assert.equal(res.status, 200);
  assert.equal(res.body, '{"device":"demo","clicks":1}\n');
  assert.equal(res.headers['content-type'], 'application/json');
  assert.equal(res.headers['content-length'], String(res.body.length));
  assert.equal(res.headers['content-disposition'],
    'attachment; filename="device backup.json"; filename*=UTF-8\'\'device%20backup.json');
  assert.equal(res.headers['cache-control'], 'no-store');
  const bad = await httpRequest(server.port, `/_reactc/download?t=${'f'.repeat(32)}`,
    { headers: { Host: `127.0.0.1:${server.port}` } });
  assert.equal(bad.status, 404);
  await server.stop(10000); // a clean exit (under ASan: nothing leaked)
});

test('with a login, an upload or download without the cookie is refused (401)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'reactc-upload-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const users = join(dir, 'users');
  const line = execFileSync(join(buildDir, 'reactc-passwd'), ['alice'], { input: 'alice-pw\n' }).toString().trim();
  writeFileSync(users, `${line}\n`);
  chmodSync(users, 0o600);
  const server = await startExample('device_files', { args: ['--auth-file', users] });
  t.after(() => server.kill());
  await browser.context.clearCookies();
  const { page } = await browser.openPage(t);
  await page.goto(server.url);
  await page.fill('input[name=user]', 'alice');
  await page.fill('input[name=password]', 'alice-pw');
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  await page.waitForSelector('#reactc-root.rc-connected #firmware[data-reactc-upload]', { state: 'attached' });
  const url = await page.$eval('#firmware', (e) => e.dataset.reactcUpload);
  const down = await page.$eval('#backup', (e) => e.getAttribute('href'));
  const cookie = (await browser.context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  await browser.context.clearCookies();
  const head = `Host: 127.0.0.1:${server.port}\r\nOrigin: http://127.0.0.1:${server.port}\r\n`;
  const post = (extra) => rawStatus(server.port, `POST ${url} HTTP/1.1\r\n${head}${extra}Content-Length: 2\r\n\r\nok`);
  assert.match(await post(''), / 401 /);
  assert.match(await rawStatus(server.port, `GET ${down} HTTP/1.1\r\n${head}\r\n`), / 401 /);
  assert.match(await post(`Cookie: ${cookie}\r\n`), / 200 /);
  assert.match(await rawStatus(server.port, `GET ${down} HTTP/1.1\r\n${head}Cookie: ${cookie}\r\n\r\n`), / 200 /);
});
