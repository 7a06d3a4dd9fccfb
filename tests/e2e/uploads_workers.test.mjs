// Uploads and downloads under --workers 2 (docs/guide/uploads.md,
// "Workers"): the browser's POST or GET is a new connection the kernel
// gives to either worker, and only the one holding the session knows the
// token; the other relays the request to it over its Unix socket
// (src/server/transfer_relay.c). Every test makes sure a relay really
// happened (the relaying worker's debug line "relayed ... to worker N",
// written before it forwards anything), never by luck: it repeats until
// one did, or picks the connection's worker first (rawOnWorker).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { httpRequest } from './lib/http.mjs';
import { gotoApp, waitText } from './lib/page.mjs';
import { processTree, startExample, testAppBinary } from './lib/server.mjs';
import { useBrowser } from './lib/suite.mjs';
import { bigFile, cancelOnceReceived, countReceived, recordUpload, rssKb, SIZE } from './lib/uploads.mjs';
import { until } from './lib/wire.mjs';

const browser = useBrowser();



/** Every text the server renders into #status from now on, into window.__statuses. */
function watchStatus(page) {
  return page.evaluate(() => {
    window.__statuses = [];
    const el = document.querySelector('#status');
    window.__statusObserver?.disconnect();
    window.__statusObserver = new MutationObserver(() => window.__statuses.push(el.textContent));
    window.__statusObserver.observe(el, { childList: true, characterData: true, subtree: true });
  });
}

/** Lines of the server's log matching re (global). */
const count = (server, re) => (server.stderr().match(re) || []).length;
const RELAYED_UP = /relayed an upload to worker \d/g;
const RELAYED_DOWN = /relayed a download to worker \d/g;
/** The worker a token names: its first two hex. */
const ownerOf = (url) => parseInt(new URL(url, 'http://x').searchParams.get('t').slice(0, 2), 16);

/** SIGTERM, exit 0, and no worker's sanitizer report (under an ASan build
 * the supervisor's exit status does not carry its workers'). */
async function stopClean(server) {
  await server.stop(10000);
  assert.doesNotMatch(server.stderr(), /Sanitizer|runtime error:/);
}

async function startWorkers(t) {
  const server = await startExample('device_files', { args: ['--workers', '2', '--log-level', 'debug'] });
  t.after(() => server.kill());
  await server.waitStderr(/serving[^\n]*\n[\s\S]*serving/, 15000); // both workers
  return server;
}

/** A page of device_files whose session lives on each worker: [w0, w1]. */
async function pagesOnBoth(t, server) {
  const by = [null, null];
  for (let i = 0; i < 40 && !(by[0] && by[1]); i++) {
    const { page } = await browser.openPage(t);
    await gotoApp(page, server.url, '#firmware[data-reactc-upload]');
    const w = ownerOf(await page.$eval('#firmware', (e) => e.dataset.reactcUpload));
    if (!by[w]) by[w] = page;
    else await page.close();
  }
  assert.ok(by[0] && by[1], 'sessions on both workers');
  return by;
}

/** A raw keep-alive connection: request(head) resolves with the next
 * response {status, headers, body}; `closed` once the server hangs up. */
function rawConn(port) {
  const sock = net.connect(port, '127.0.0.1');
  let buf = Buffer.alloc(0);
  let waiting = null;
  let bodyless = false; // the answer to a HEAD: its Content-Length, no body
  const parse = () => {
    if (!waiting) return;
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = buf.subarray(0, end).toString('latin1').split('\r\n');
    const headers = Object.fromEntries(head.slice(1).map((l) => {
      const i = l.indexOf(':');
      return [l.slice(0, i).toLowerCase(), l.slice(i + 1).trim()];
    }));
    const len = bodyless ? 0 : Number(headers['content-length'] || 0);
    if (buf.length < end + 4 + len) return;
    const res = { status: Number(head[0].split(' ')[1]), headers, body: buf.subarray(end + 4, end + 4 + len).toString() };
    buf = buf.subarray(end + 4 + len);
    const w = waiting;
    waiting = null;
    w(res);
  };
  sock.on('data', (c) => { buf = Buffer.concat([buf, c]); parse(); });
  let gone = false; // a request never answered fails instead of hanging the test
  const closed = new Promise((r) => sock.on('close', () => {
    gone = true;
    r();
    waiting?.(null);
  }));
  sock.on('error', () => {});
  return {
    sock,
    closed,
    connected: new Promise((r) => sock.once('connect', r)),
    write: (s) => sock.write(s),
    async request(s) {
      bodyless = s.startsWith('HEAD ');
      const res = gone ? null : await new Promise((resolve) => { waiting = resolve; sock.write(s); parse(); });
      assert.ok(res, `no answer to ${s.split('\r\n')[0]}: the connection closed`);
      return res;
    },
  };
}

/** A raw connection and the worker that serves it, found for sure: a GET of
 * each page's download on it, one of which (the other worker's) is relayed;
 * which one says where the connection is. */
async function rawOnWorker(server, hrefs) {
  const before = count(server, RELAYED_DOWN);
  const c = rawConn(server.port);
  await c.connected;
  const host = `Host: 127.0.0.1:${server.port}\r\n`;
  for (const href of hrefs) {
    const r = await c.request(`GET ${href} HTTP/1.1\r\n${host}\r\n`);
    assert.equal(r.status, 200, `download ${href}: ${r.status} ${r.body}`);
  }
  await until(() => count(server, RELAYED_DOWN) === before + 1, 'one of the two GETs relayed');
  const to = Number([...server.stderr().matchAll(RELAYED_DOWN)].at(-1)[0].slice(-1));
  return { conn: c, worker: 1 - to };
}

test('under --workers 2, a 50 MB upload and downloads relayed to the worker holding the session', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'reactc-upload-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { path, sum } = bigFile(dir);
  const server = await startWorkers(t);
  const pages = await pagesOnBoth(t, server);
  for (const page of pages) {
    await page.evaluate(() => {
      window.__received = [];
      const el = document.querySelector('#received');
      new MutationObserver(() => window.__received.push(Number(el.textContent)))
        .observe(el, { childList: true, characterData: true, subtree: true });
    });
    // ~1-2 s per upload, so that the owner's re-renders show progress.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions',
      { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 40 * 1024 * 1024 });
  }
  // The 50 MB upload, from the pages in turn, until one went through the
  // relay (the browser's POST reached the worker not holding its session).
  let relayed = false;
  const workers = processTree(server.proc.pid).slice(1);
  const rss = () => workers.reduce((sum, pid) => sum + rssKb(pid), 0);
  for (let attempt = 0; attempt < 16 && !relayed; attempt++) {
    const page = pages[attempt % 2];
    const before = count(server, RELAYED_UP);
    const start = rss();
    let peak = start;
    const sampler = setInterval(() => { peak = Math.max(peak, rss()); }, 5);
    t.after(() => clearInterval(sampler));
    await page.evaluate(() => { window.__received = []; });
    await recordUpload(page);
    await page.setInputFiles('#firmware', []);
    await page.setInputFiles('#firmware', path);
    await page.waitForFunction(() => window.__up.done, null, { timeout: 120000 });
    const up = await page.evaluate(() => window.__up);
    assert.equal(up.done.status, 200, up.done.text);
    await page.waitForFunction((n) => window.__received.at(-1) === n, SIZE);
    await waitText(page, '#status', `done ${SIZE} bytes, sum ${sum}`);
    clearInterval(sampler);
    relayed = count(server, RELAYED_UP) > before;
    if (!relayed) continue;
    t.diagnostic(`relayed on attempt ${attempt + 1}; both workers' RSS +${peak - start} KB at peak`);
    // Bounded buffers on both sides: never the file.
    assert.ok(peak - start < 20 * 1024, `the workers' RSS grew ${peak - start} KB during a relayed 50 MB upload`);
    assert.ok(up.progress.length >= 2, `the page saw progress: ${up.progress.length}`);
    const received = await page.evaluate(() => window.__received);
    assert.ok(received.some((v) => v > 0 && v < SIZE), `the owner rendered progress: ${received.slice(0, 5)}`);
  }
  assert.ok(relayed, 'a 50 MB upload went through the relay');
  // A small upload relayed each way: a connection on each worker (picked
  // for sure, rawOnWorker) posts to the other worker's page. (The browser
  // keeps its connections alive: its POSTs tend to reach one worker.)
  const hrefs = await Promise.all(pages.map((p) => p.$eval('#backup', (e) => e.getAttribute('href'))));
  const ups = await Promise.all(pages.map((p) => p.$eval('#firmware', (e) => e.dataset.reactcUpload)));
  const seen = new Set();
  for (let i = 0; i < 40 && seen.size < 2; i++) {
    const { conn, worker } = await rawOnWorker(server, hrefs);
    if (seen.has(worker)) { conn.sock.destroy(); continue; }
    seen.add(worker);
    const before = count(server, new RegExp(`relayed an upload to worker ${1 - worker}`, 'g'));
    await watchStatus(pages[1 - worker]);
    const r = await conn.request(`POST ${ups[1 - worker]} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n` +
      `Origin: http://127.0.0.1:${server.port}\r\nContent-Length: 5\r\n\r\nhello`);
    assert.equal(r.status, 200);
    assert.equal(r.body, '200 ok: uploaded\n');
    await pages[1 - worker].waitForFunction(() => window.__statuses.includes('done 5 bytes, sum 532'));
    assert.equal(count(server, new RegExp(`relayed an upload to worker ${1 - worker}`, 'g')), before + 1);
    // The connection stays usable (keep-alive) after a relayed upload.
    const again = await conn.request(`GET ${hrefs[1 - worker]} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`);
    assert.equal(again.status, 200);
    conn.sock.destroy();
  }
  assert.equal(seen.size, 2, 'a connection on each worker');
  // Downloads: new connections until each worker has relayed one; every
  // answer has the right bytes and headers, relayed or not.
  for (let i = 0; i < 60 && !(count(server, /relayed a download to worker 0/g) && count(server, /relayed a download to worker 1/g)); i++) {
    const res = await httpRequest(server.port, hrefs[i % 2], { headers: { Host: `127.0.0.1:${server.port}` } });
    assert.equal(res.status, 200);
    assert.equal(res.body, '{"device":"demo","clicks":0}\n');
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(res.headers['content-length'], String(res.body.length));
    assert.equal(res.headers['content-disposition'],
      'attachment; filename="device backup.json"; filename*=UTF-8\'\'device%20backup.json');
    assert.equal(res.headers['cache-control'], 'no-store');
  }
  assert.ok(count(server, /relayed a download to worker 0/g) >= 1);
  assert.ok(count(server, /relayed a download to worker 1/g) >= 1);
  // A HEAD through the relay: the headers, no body; keep-alive goes on.
  const { conn, worker } = await rawOnWorker(server, hrefs);
  const other = hrefs[1 - worker];
  const head = await conn.request(`HEAD ${other} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`);
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-length'], '29');
  const after = await conn.request(`GET ${other} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`);
  assert.equal(after.body, '{"device":"demo","clicks":0}\n');
  conn.sock.destroy();
  await stopClean(server);
});

test('under --workers 2, relayed refusals keep their status and text', async (t) => {
  const server = await startWorkers(t);
  const pages = await pagesOnBoth(t, server);
  const ups = await Promise.all(pages.map((p) => p.$eval('#firmware', (e) => e.dataset.reactcUpload)));
  const hrefs = await Promise.all(pages.map((p) => p.$eval('#backup', (e) => e.getAttribute('href'))));
  const { conn, worker } = await rawOnWorker(server, hrefs);
  const up = ups[1 - worker]; // the other worker's: relayed
  const host = `Host: 127.0.0.1:${server.port}\r\nOrigin: http://127.0.0.1:${server.port}\r\n`;
  const before = count(server, RELAYED_UP);
  // An image the app refuses (on_chunk -1 in the owner): 409, closed, and
  // the owner's on_done heard the cancel.
  const r = await conn.request(`POST ${up} HTTP/1.1\r\n${host}Content-Length: 8\r\n\r\nNOFWxxxx`);
  assert.equal(r.status, 409);
  assert.equal(r.body, '409 conflict: the upload was cancelled by the app\n');
  await conn.closed;
  assert.equal(count(server, RELAYED_UP), before + 1);
  await waitText(pages[1 - worker], '#status', 'cancelled after 0 bytes');
  // Over the limit, unread: 413 from the owner.
  const c2 = await rawOnWorker(server, hrefs);
  const r2 = await c2.conn.request(`POST ${ups[1 - c2.worker]} HTTP/1.1\r\n${host}Content-Length: ${(64 << 20) + 1}\r\n\r\n`);
  assert.equal(r2.status, 413);
  assert.equal(r2.body, "413 content too large: over this input's limit\n");
  await c2.conn.closed;
  // An unknown token naming the other worker: 404 from it.
  const c3 = await rawOnWorker(server, hrefs);
  const fake = `/_reactc/download?t=0${1 - c3.worker}${'e'.repeat(32)}`;
  const r3 = await c3.conn.request(`GET ${fake} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`);
  assert.equal(r3.status, 404);
  assert.match(r3.body, /^404 not found: no such upload or download/);
  c3.conn.sock.destroy();
  await stopClean(server);
});

test('under --workers 2, a relayed upload cancelled by the page or gone idle is a cancel in the owner', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'reactc-upload-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { path } = bigFile(dir);
  const server = await startWorkers(t);
  const pages = await pagesOnBoth(t, server);
  // The page aborts its upload mid-way: the relaying worker's connection
  // to the owner closes, and the owner's on_done hears -1.
  let relayed = false;
  for (let attempt = 0; attempt < 16 && !relayed; attempt++) {
    const page = pages[attempt % 2];
    const before = count(server, RELAYED_UP);
    await watchStatus(page);
    await recordUpload(page);
    await countReceived(page);
    await page.setInputFiles('#firmware', []);
    await page.setInputFiles('#firmware', path);
    await cancelOnceReceived(page); /* the race a loaded CI machine lost: lib/uploads.mjs */
    await page.waitForFunction(() => window.__up.done);
    if ((await page.evaluate(() => window.__up.done.status)) !== 'abort') continue; /* it finished first */
    // The owner's on_done(-1) re-rendered the status.
    await page.waitForFunction(() => window.__statuses.some((x) => /^cancelled after \d+ bytes$/.test(x)));
    relayed = count(server, RELAYED_UP) > before;
  }
  assert.ok(relayed, 'a cancelled upload went through the relay');
  // An upload that stops sending (headers and 2 of its 10 bytes): cut after
  // the idle limit (30 s, the test waits for the close), a cancel in the owner.
  const hrefs = await Promise.all(pages.map((p) => p.$eval('#backup', (e) => e.getAttribute('href'))));
  const ups = await Promise.all(pages.map((p) => p.$eval('#firmware', (e) => e.dataset.reactcUpload)));
  const { conn, worker } = await rawOnWorker(server, hrefs);
  const owner = pages[1 - worker];
  await watchStatus(owner);
  const OWNED = new RegExp(`relay: an upload for worker ${1 - worker} from another worker`, 'g');
  const before = count(server, OWNED);
  conn.write(`POST ${ups[1 - worker]} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n` +
    `Origin: http://127.0.0.1:${server.port}\r\nContent-Length: 10\r\n\r\nab`);
  await until(() => count(server, OWNED) === before + 1, 'the owner has the relayed upload');
  const t0 = Date.now();
  await conn.closed;
  t.diagnostic(`cut after ${Date.now() - t0} ms`);
  await owner.waitForFunction(() => window.__statuses.includes('cancelled after 2 bytes'));
  await stopClean(server);
});

test('under --workers 2, a killed owner: its tokens are 404 through the relay, the other worker serves on', async (t) => {
  const server = await startWorkers(t);
  const pages = await pagesOnBoth(t, server);
  const hrefs = await Promise.all(pages.map((p) => p.$eval('#backup', (e) => e.getAttribute('href'))));
  // Which pid is worker 0: the owner's side logs its index on a relay.
  const { conn } = await rawOnWorker(server, hrefs);
  conn.sock.destroy();
  const pids = {};
  for (const m of server.stderr().matchAll(/reactc\[(\d+)\] debug: relay: a download for worker (\d)/g)) pids[m[2]] = Number(m[1]);
  const victim = Object.keys(pids)[0];
  const survivor = 1 - Number(victim);
  assert.ok(processTree(server.proc.pid).includes(pids[victim]));
  process.kill(pids[victim], 'SIGKILL');
  await server.waitStderr(new RegExp(`worker ${victim} \\(pid ${pids[victim]}\\) killed by signal 9`));
  // The dead worker's tokens, asked of the survivor (found for sure: a
  // connection on it relays a GET to the victim's index): 404, whether the
  // victim's replacement is up yet (it does not know the token) or not
  // (nobody on the socket).
  const before = count(server, RELAYED_DOWN) + count(server, new RegExp(`relay to worker ${victim}:`, 'g'));
  let relayedToDead = false;
  for (let i = 0; i < 40 && !relayedToDead; i++) {
    const res = await httpRequest(server.port, hrefs[victim], { headers: { Host: `127.0.0.1:${server.port}` } });
    assert.equal(res.status, 404);
    relayedToDead = count(server, RELAYED_DOWN) + count(server, new RegExp(`relay to worker ${victim}:`, 'g')) > before;
  }
  assert.ok(relayedToDead, 'a request for the dead worker\'s token went through the survivor');
  // The survivor is fine: no death of it, and its own page's download works.
  assert.doesNotMatch(server.stderr(), new RegExp(`worker ${survivor} \\(pid \\d+\\) (killed|exited)`));
  await until(async () => (await httpRequest(server.port, hrefs[survivor], { headers: { Host: `127.0.0.1:${server.port}` } })).status === 200,
    'the survivor\'s download');
  await stopClean(server);
});

test('under --workers 2, a 9th upload at once in the owner is 503 through the relay', async (t) => {
  const server = await startExample('upload_slots', {
    bin: testAppBinary('upload_slots'), args: ['--workers', '2', '--log-level', 'debug'],
  });
  t.after(() => server.kill());
  await server.waitStderr(/serving[^\n]*\n[\s\S]*serving/, 15000);
  const by = [null, null];
  for (let i = 0; i < 40 && !(by[0] && by[1]); i++) {
    const { page } = await browser.openPage(t);
    await gotoApp(page, server.url, '#up8[data-reactc-upload]');
    const w = ownerOf(await page.$eval('#up0', (e) => e.dataset.reactcUpload));
    if (!by[w]) by[w] = page;
    else await page.close();
  }
  assert.ok(by[0] && by[1], 'sessions on both workers');
  const hrefs = await Promise.all(by.map((p) => p.$eval('#backup', (e) => e.getAttribute('href'))));
  // The ninth's connection first, on a worker found for sure; the owner is
  // the other one, and its page's nine inputs are used.
  const { conn, worker } = await rawOnWorker(server, hrefs);
  const owner = by[1 - worker];
  const ups = await owner.$$eval('input[type=file]', (els) => els.map((e) => e.dataset.reactcUpload));
  const head = (url, len) => `POST ${url} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n` +
    `Origin: http://127.0.0.1:${server.port}\r\nContent-Length: ${len}\r\n\r\n`;
  // Eight uploads running in the owner (relayed or not), each holding
  // after its first byte: the page shows what on_chunk took.
  const holders = [];
  for (let i = 0; i < 8; i++) {
    const c = rawConn(server.port);
    await c.connected;
    c.write(`${head(ups[i], 10)}a`);
    holders.push(c);
    await waitText(owner, `#taken${i}`, '1');
  }
  const before = count(server, RELAYED_UP);
  const r = await conn.request(`${head(ups[8], 3)}abc`);
  assert.equal(r.status, 503);
  assert.equal(r.body, '503 busy: too many uploads at once, retry\n');
  assert.equal(count(server, RELAYED_UP), before + 1, 'the ninth was relayed');
  // One holder goes: a cancel in the owner, and room for the ninth.
  holders[0].sock.destroy();
  await waitText(owner, '#status0', 'cancelled 1');
  const again = await rawOnWorker(server, hrefs);
  const done = await again.conn.request(`${head(ups[8], 3)}abc`);
  assert.equal(done.status, 200);
  await waitText(owner, '#status8', 'done 3');
  again.conn.sock.destroy();
  for (const c of holders) c.sock.destroy();
  for (let i = 1; i < 8; i++) await waitText(owner, `#status${i}`, 'cancelled 1');
  await stopClean(server);
});
